"""Every URL of the organizations app as the owner would visit it; outsiders must see nothing."""

from zhengshe.testing import ScopeCase

from . import factories as f

MARK = "甲1x社区互助会"


def _org(w):
    return f.org(w.village_a1x, name=MARK)


def _org_kw(w):
    o = _org(w)
    return {"kwargs": {"pk": o.pk}, "marker": o.credit_code}


def _report(w):
    r = f.report(_org(w))
    return {"kwargs": {"pk": r.pk}, "marker": MARK}


def _change(w):
    c = f.change(_org(w), w.org_user)
    return {"kwargs": {"pk": c.pk}, "marker": MARK}


def _incubator(w):
    return f.incubator(w.village_a1x)


def _incubation(w):
    return f.incubation(_incubator(w), _org(w))


def _round(w):
    return f.grade_round(w.county_a)


def _app(w):
    return f.application(_round(w), _org(w))


def _app_kw(w):
    return {"kwargs": {"pk": _app(w).pk}, "marker": MARK}


def _evidence(w):
    e = f.evidence(_app(w), w.org_user)
    return {"kwargs": {"pk": e.pk}}


def _objection(w):
    o = f.objection(_app(w))
    return {"kwargs": {"pk": o.pk}, "post": {"upheld": "0", "resolution": "x"}}


def _iset(w):
    from zhengshe.organizations.services import indicator_set_ensure

    return indicator_set_ensure(region=w.county_a, org_type="social_group")


def _list(make_marker):
    def make(w):
        return {"marker": make_marker(w)}

    return make


DISTRICT = {"outsider": "district_admin_b", "owner": "district_admin"}

CASES = {
    "organizations:list": ScopeCase(_list(lambda w: _org(w).name)),
    "organizations:create": ScopeCase(lambda w: {"marker": None}),
    "organizations:mine": ScopeCase(lambda w: {"marker": None}),
    "organizations:import": ScopeCase(lambda w: {"marker": None}),
    "organizations:import_template": ScopeCase(lambda w: {"marker": None}),
    "organizations:export": ScopeCase(_list(lambda w: _org(w).name)),
    "organizations:notifications": ScopeCase(_list(lambda w: f.notification(region=w.village_a1x).message)),
    "organizations:statistics": ScopeCase(_list(lambda w: (_org(w), w.village_a1x.name)[1])),
    "organizations:statistics_export": ScopeCase(_list(lambda w: (_org(w), w.village_a1x.code)[1])),
    "organizations:change_list": ScopeCase(_list(lambda w: f.change(_org(w), w.org_user).organization.name)),
    "organizations:change_detail": ScopeCase(_change),
    "organizations:report_list": ScopeCase(_list(lambda w: f.report(_org(w)).organization.name)),
    "organizations:report_detail": ScopeCase(_report),
    "organizations:credit_list": ScopeCase(_list(lambda w: f.credit(_org(w)).organization.name)),
    "organizations:credit_remove": ScopeCase(
        lambda w: {"kwargs": {"pk": f.credit(_org(w)).pk}, "post": {"reason": "x"}}, post_only=True),
    "organizations:finding_rectified": ScopeCase(
        lambda w: {"kwargs": {"pk": __import__("zhengshe.organizations.models", fromlist=["AuditFinding"]).AuditFinding
                              .objects.create(organization=_org(w), year=2025, auditor="会计所", found_on="2026-01-01",
                                              finding="账目不清").pk}}, post_only=True),
    "organizations:incubator_list": ScopeCase(_list(lambda w: _incubator(w).name)),
    "organizations:incubator_create": ScopeCase(lambda w: {"marker": None}),
    "organizations:incubator_detail": ScopeCase(lambda w: {"kwargs": {"pk": _incubator(w).pk}, "marker": MARK}),
    "organizations:incubation_detail": ScopeCase(lambda w: {"kwargs": {"pk": _incubation(w).pk}, "marker": MARK}),
    "organizations:incubation_action": ScopeCase(
        lambda w: {"kwargs": {"pk": _incubation(w).pk}, "post": {"action": "admit"}}, post_only=True),
    "organizations:incubation_service": ScopeCase(lambda w: {"kwargs": {"pk": _incubation(w).pk}}, post_only=True),
    "organizations:incubation_milestone": ScopeCase(lambda w: {"kwargs": {"pk": _incubation(w).pk}}, post_only=True),
    "organizations:milestone_done": ScopeCase(lambda w: {"kwargs": {"pk": f.milestone(_incubation(w)).pk}},
                                              post_only=True),
    "organizations:round_list": ScopeCase(_list(lambda w: _round(w).name), **DISTRICT),
    "organizations:round_create": ScopeCase(lambda w: {"marker": None}),
    "organizations:round_detail": ScopeCase(lambda w: {"kwargs": {"pk": _round(w).pk}}, **DISTRICT),
    "organizations:round_declare": ScopeCase(
        lambda w: {"kwargs": {"pk": _round(w).pk, "org_pk": _org(w).pk}}, post_only=True),
    "organizations:application_detail": ScopeCase(_app_kw),
    "organizations:application_edit": ScopeCase(_app_kw, post_only=True),
    "organizations:evidence_upload": ScopeCase(_app_kw, post_only=True),
    "organizations:application_action": ScopeCase(_app_kw, post_only=True),
    "organizations:application_score": ScopeCase(_app_kw, post_only=True),
    "organizations:application_decide": ScopeCase(_app_kw, post_only=True),
    "organizations:certificate": ScopeCase(_app_kw),
    "organizations:evidence_download": ScopeCase(_evidence),
    "organizations:objection_resolve": ScopeCase(_objection, post_only=True),
    "organizations:indicator_sets": ScopeCase(_list(lambda w: _iset(w).name), **DISTRICT),
    "organizations:indicator_set": ScopeCase(lambda w: {"kwargs": {"pk": _iset(w).pk}}, **DISTRICT),
    "organizations:detail": ScopeCase(_org_kw),
    "organizations:edit": ScopeCase(_org_kw),
    "organizations:status": ScopeCase(lambda w: {"kwargs": {"pk": _org(w).pk, "action": "suspend"},
                                                 "post": {"comment": "x"}}, post_only=True),
    "organizations:branch_create": ScopeCase(_org_kw),
    "organizations:reveal": ScopeCase(lambda w: {"kwargs": {"pk": _org(w).pk}, "post": {"reason": "核实"}},
                                      post_only=True),
    "organizations:report_form": ScopeCase(lambda w: {"kwargs": {"pk": _org(w).pk, "year": 2025}, "marker": MARK}),
    "organizations:credit_include": ScopeCase(_org_kw),
    "organizations:finding_create": ScopeCase(_org_kw),
    "organization-list": ScopeCase(_list(lambda w: _org(w).name)),
    "organization-detail": ScopeCase(_org_kw),
    "organization-eligibility": ScopeCase(_org_kw),
    # Public pages: everyone may read them (they carry only public facts; see test_public.py).
    "organizations_public:directory": ScopeCase(lambda w: {"marker": None}, public=True),
    "organizations_public:detail": ScopeCase(lambda w: {"kwargs": {"pk": _org(w).pk}}, public=True),
    "organizations_public:notice": ScopeCase(lambda w: {"marker": None}, public=True),
    "organizations_public:objection": ScopeCase(lambda w: {"kwargs": {"pk": _app(w).pk}}, public=True),
}
