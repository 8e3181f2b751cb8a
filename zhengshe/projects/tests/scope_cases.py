"""Every projects URL, visited as an outsider (see core/tests/test_scope_every_url.py).

Needs belong to one village (the outsider is its sibling village's worker). Calls and applications belong to the
buying town, which villages below it may read, so their outsider is the other county's town worker. The
applications are another organization's than the world's ``org_user``, so that account is bound elsewhere."""

from zhengshe.testing import ScopeCase

from . import factories as f

TOWN = {"outsider": "town_staff_b", "owner": "town_staff"}
COUNTY = {"outsider": "town_staff_b", "owner": "district_admin"}


def _need(w):
    from zhengshe.projects import services

    return services.need_record(actor=w.village_staff, region=w.village_a1x, year=2026, title="标记需求四点半课堂",
                                category="青少年服务", residents=12)


def _item(w):
    from zhengshe.projects import services

    return services.service_item_save(actor=w.district_admin, region=w.county_a, kind="purchasable", code="FW-01",
                                      name="标记服务居家养老", category="为老服务", unit="人次",
                                      typical_price="35.00", buyers=["town"])


def _call(w):
    return f.call(w, publish=False, title="标记征集银发助老")


def _application(w):
    from zhengshe.organizations.tests import factories as of
    from zhengshe.testing import make_user

    org = of.org(w.county_a, name="标记申报组织")
    user = make_user("org_scope_case", "org_user", target=org)
    return f.application(w, f.call(w), org=org, user=user, title="标记申报项目")


def _review(w):
    from zhengshe.projects.models import Review

    _c, apps, _reviewers = f.reviewed_call(w, orgs=1)
    return Review.objects.get(application=apps[0], reviewer=w.expert)


def _other_award(w):
    """An award to another organization of county A than the world's ``org_user``'s (a bound account elsewhere)."""
    from zhengshe.organizations.tests import factories as of
    from zhengshe.projects import services
    from zhengshe.testing import make_user

    c = f.call(w)
    org = f.eligible(of.org(w.county_a, name="标记承接组织"))
    user = make_user("org_scope_contract", "org_user", target=org)
    a = services.application_submit(actor=user, application=f.application(w, c, org=org, user=user), today=f.TODAY)
    a = services.application_move(actor=w.town_staff, application=a, action="accept")
    c = services.call_move(actor=w.town_staff, call=c, action="close")
    services.reviewers_assign(actor=w.town_staff, call=c, reviewers=[w.expert])
    f.score(w.expert, a, ["30", "30", "15"])
    services.awards_decide(actor=w.town_staff, call=c, awards={a.pk: "20000.75"})
    return type(a).objects.get(pk=a.pk), user


def _contract(w):
    return f.contract(w, _other_award(w)[0])


def _milestone(w):
    from zhengshe.projects import services

    application, user = _other_award(w)
    contract = f.contract(w, application)
    services.contract_move(actor=user, contract=contract, action="sign_org")
    services.contract_move(actor=w.town_staff, contract=contract, action="sign_buyer")
    return contract.milestones.get(position=1)


CASES = {
    "projects:need_list": ScopeCase(lambda w: {"marker": _need(w).title}),
    "projects:need_create": ScopeCase(lambda w: {"marker": None}),
    "projects:need_detail": ScopeCase(lambda w: {"kwargs": {"pk": _need(w).pk}, "marker": "标记需求四点半课堂"}),
    "projects:service_list": ScopeCase(lambda w: {"marker": _item(w).name}, **COUNTY),
    "projects:service_create": ScopeCase(lambda w: {"marker": None}),
    "projects:service_detail": ScopeCase(lambda w: {"kwargs": {"pk": _item(w).pk}, "marker": "标记服务居家养老"},
                                         **COUNTY),
    "projects:call_list": ScopeCase(lambda w: {"marker": _call(w).title}, **TOWN),
    "projects:call_create": ScopeCase(lambda w: {"marker": None}),
    "projects:call_detail": ScopeCase(lambda w: {"kwargs": {"pk": _call(w).pk}, "marker": "标记征集银发助老"}, **TOWN),
    "projects:call_move": ScopeCase(lambda w: {"kwargs": {"pk": _call(w).pk, "action": "publish"}}, post_only=True,
                                    **TOWN),
    "projects:application_create": ScopeCase(lambda w: {"kwargs": {"pk": _call(w).pk}}, **TOWN),
    "projects:application_list": ScopeCase(lambda w: {"marker": _application(w).title}, **TOWN),
    "projects:application_detail": ScopeCase(
        lambda w: {"kwargs": {"pk": _application(w).pk}, "marker": "标记申报项目"}, **TOWN),
    "projects:application_edit": ScopeCase(
        lambda w: {"kwargs": {"pk": _application(w).pk}, "marker": "标记申报项目"}, **TOWN),
    "projects:application_submit": ScopeCase(lambda w: {"kwargs": {"pk": _application(w).pk}}, post_only=True,
                                             **TOWN),
    "projects:application_move": ScopeCase(
        lambda w: {"kwargs": {"pk": _application(w).pk, "action": "withdraw"}}, post_only=True, **TOWN),
    "projects:call_reviewers": ScopeCase(lambda w: {"kwargs": {"pk": _call(w).pk}}, post_only=True, **TOWN),
    "projects:call_awards": ScopeCase(lambda w: {"kwargs": {"pk": _call(w).pk}}, post_only=True, **TOWN),
    # A review is its reviewer's alone: everyone else, the buying town included, gets 404.
    "projects:review_list": ScopeCase(lambda w: {"marker": _review(w).application.title}, outsider="district_admin",
                                      owner="expert"),
    "projects:review_detail": ScopeCase(lambda w: {"kwargs": {"pk": _review(w).pk}, "marker": "申报项目1"},
                                        outsider="town_staff"),
    "projects:contract_list": ScopeCase(lambda w: {"marker": _contract(w).number}, **TOWN),
    "projects:contract_create": ScopeCase(lambda w: {"kwargs": {"pk": _application(w).pk}}, **TOWN),
    "projects:contract_detail": ScopeCase(lambda w: {"kwargs": {"pk": _contract(w).pk}, "marker": "HT01"}, **TOWN),
    "projects:contract_pdf": ScopeCase(lambda w: {"kwargs": {"pk": _contract(w).pk}, "marker": "HT01"}, **TOWN),
    "projects:contract_move": ScopeCase(lambda w: {"kwargs": {"pk": _contract(w).pk, "action": "sign_org"}},
                                        post_only=True, **TOWN),
    "projects:milestone_report": ScopeCase(lambda w: {"kwargs": {"pk": _milestone(w).pk}}, post_only=True, **TOWN),
    "projects:milestone_decide": ScopeCase(lambda w: {"kwargs": {"pk": _milestone(w).pk, "action": "accept"}},
                                           post_only=True, **TOWN),
    "projects_public:call_list": ScopeCase(lambda w: {"marker": None}, public=True),
    "projects_public:call": ScopeCase(lambda w: {"kwargs": {"number": f.call(w).number}}, public=True),
}
