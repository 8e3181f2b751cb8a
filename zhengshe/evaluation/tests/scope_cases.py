"""Every evaluation URL, visited as an outsider: the sibling village's worker, or county B's administrator
where the page is legitimately visible across county A (rounds and templates are read by every village)."""

from zhengshe.testing import ScopeCase

from . import factories as f

B = "district_admin_b"


def _b(make, **kw):
    return ScopeCase(make, outsider=B, **kw)


def _pk(attr, marker=None):
    def make(w):
        ns = f.build(w)
        obj = ns
        for part in attr.split("."):
            obj = getattr(obj, part)
        return {"kwargs": {"pk": obj.pk}, "marker": marker(w, ns) if marker else None}

    return make


def _list(marker):
    def make(w):
        ns = f.build(w)
        return {"marker": marker(w, ns)}

    return make


def _template_indicator(w):
    ns = f.build(w)
    return {"kwargs": {"pk": ns.committee.pk, "indicator_pk": ns.committee.indicators.first().pk}}


CASES = {
    # rounds (visible to every village of county A by design → county B is the outsider)
    "evaluation:round_list": _b(_list(lambda w, ns: ns.round.title)),
    "evaluation:round_create": ScopeCase(lambda w: {"marker": None}),
    "evaluation:round_detail": _b(_pk("round", lambda w, ns: ns.round.title)),
    "evaluation:round_edit": _b(_pk("round")),
    "evaluation:round_transition": _b(lambda w: {"kwargs": {"pk": f.build(w).round.pk, "action": "finalize"}},
                                      post_only=True),
    "evaluation:round_compute": _b(_pk("round"), post_only=True),
    "evaluation:round_separation": _b(_pk("round"), post_only=True),
    "evaluation:panel": _b(_pk("round")),
    "evaluation:results": _b(_pk("round", lambda w, ns: ns.unit.name)),
    "evaluation:heatmap_export": _b(_pk("round", lambda w, ns: ns.unit.name)),
    "evaluation:surveys": _b(_pk("round", lambda w, ns: ns.unit.name)),
    "evaluation:objections": _b(_pk("round", lambda w, ns: ns.unit.name)),
    "evaluation:consequences": _b(_pk("round", lambda w, ns: f.CONSEQUENCE_REASON)),
    # units: published results are public, so county B plays the outsider
    "evaluation:unit_detail": _b(_pk("unit", lambda w, ns: ns.unit.name)),
    "evaluation:score": _b(_pk("unit")),
    "evaluation:conflict": _b(_pk("unit"), post_only=True),
    "evaluation:objection_file": _b(_pk("unit"), post_only=True),
    # sheets, evidence, objections, consequences, surveys: the sibling village sees none of village A1x's
    "evaluation:sheets": ScopeCase(_list(lambda w, ns: w.village_a1x.name)),
    "evaluation:sheet_detail": ScopeCase(_pk("self_sheet", lambda w, ns: f.SELF_COMMENT)),
    "evaluation:evidence_add": ScopeCase(_pk("self_sheet"), post_only=True),
    "evaluation:evidence_download": ScopeCase(_pk("evidence")),
    "evaluation:objection_detail": ScopeCase(_pk("objection", lambda w, ns: f.OBJECTION_TEXT)),
    "evaluation:consequence_decide": ScopeCase(_pk("consequence"), post_only=True),
    "evaluation:survey_detail": ScopeCase(_pk("survey", lambda w, ns: ns.survey.token)),
    "evaluation:survey_guard": ScopeCase(_pk("survey"), post_only=True),
    "evaluation:survey_qr": ScopeCase(_pk("survey")),
    "evaluation:survey_poster": ScopeCase(_pk("survey")),
    # templates: issued by county A, read by its villages → county B is the outsider
    "evaluation:templates": _b(_list(lambda w, ns: f.TEMPLATE_TITLE)),
    "evaluation:template_create": ScopeCase(lambda w: {"marker": None}),
    "evaluation:template_detail": _b(_pk("committee", lambda w, ns: f.TEMPLATE_TITLE)),
    "evaluation:indicator_create": _b(_pk("committee")),
    "evaluation:indicator_edit": _b(_template_indicator),
    "evaluation:indicator_delete": _b(_template_indicator, post_only=True),
    "evaluation:template_publish": _b(_pk("committee"), post_only=True),
    "evaluation:template_new_version": _b(_pk("committee"), post_only=True),
    "evaluation:template_export": _b(_pk("committee", lambda w, ns: "指标A1")),
    "evaluation:template_import": _b(_pk("committee")),
    # public pages
    "evaluation_public:publicity_list": ScopeCase(lambda w: {"marker": None}, public=True),
    "evaluation_public:publicity": ScopeCase(lambda w: {"kwargs": {"pk": f.build(w).round.pk}}, public=True),
    "evaluation_public:survey": ScopeCase(lambda w: {"kwargs": {"token": f.build(w).survey.token}}, public=True),
    "evaluation_public:survey_thanks": ScopeCase(lambda w: {"kwargs": {"token": f.build(w).survey.token}},
                                                 public=True),
    # API
    "evaluation-template-list": _b(_list(lambda w, ns: f.TEMPLATE_TITLE)),
    "evaluation-template-detail": _b(_pk("committee", lambda w, ns: f.TEMPLATE_TITLE)),
    "evaluation-round-list": _b(_list(lambda w, ns: ns.round.title)),
    "evaluation-round-detail": _b(_pk("round", lambda w, ns: ns.round.title)),
    "evaluation-round-results": _b(_pk("round", lambda w, ns: ns.unit.name)),
    "evaluation-round-transition": _b(_pk("round"), post_only=True),
    "evaluation-result-list": _b(_list(lambda w, ns: ns.unit.name)),
    "evaluation-result-detail": _b(_pk("result", lambda w, ns: ns.unit.name)),
    "evaluation-result-objection": _b(_pk("result"), post_only=True),
    "evaluation-sheet-list": ScopeCase(_list(lambda w, ns: f.SELF_COMMENT)),
    "evaluation-sheet-detail": ScopeCase(_pk("self_sheet", lambda w, ns: f.SELF_COMMENT)),
    "evaluation-objection-list": ScopeCase(_list(lambda w, ns: f.OBJECTION_TEXT)),
    "evaluation-objection-detail": ScopeCase(_pk("objection", lambda w, ns: f.OBJECTION_TEXT)),
    "evaluation-consequence-list": ScopeCase(_list(lambda w, ns: f.CONSEQUENCE_REASON)),
    "evaluation-consequence-detail": ScopeCase(_pk("consequence", lambda w, ns: f.CONSEQUENCE_REASON)),
    "evaluation-consequence-confirm": ScopeCase(_pk("consequence"), post_only=True),
    "evaluation-consequence-reject": ScopeCase(_pk("consequence"), post_only=True),
}
