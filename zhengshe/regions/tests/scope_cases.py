from zhengshe.testing import ScopeCase

CASES = {
    # A village's own page: the sibling village must not open it.
    "regions:detail": ScopeCase(lambda w: {"kwargs": {"code": w.village_a1x.code}, "marker": w.village_a1x.code}),
    "regions:list": ScopeCase(lambda w: {"marker": w.village_a1x.code}),
    "regions:export": ScopeCase(lambda w: {"marker": w.village_a1x.code}),
    # The pickers' search: the sibling village's worker finds nothing of village A1x.
    "regions:lookup": ScopeCase(lambda w: {"marker": w.village_a1x.code}, extra_params={"q": "甲县1镇"}),
    "regions:import": ScopeCase(lambda w: {"marker": None}),
    "regions:import_template": ScopeCase(lambda w: {"marker": None}),
    "region-list": ScopeCase(lambda w: {"marker": w.village_a1x.code}),
    "region-detail": ScopeCase(lambda w: {"kwargs": {"code": w.village_a1x.code}, "marker": w.village_a1x.code}),
    "region-totals": ScopeCase(lambda w: {"kwargs": {"code": w.village_a1x.code}}),
    "dashboards:home": ScopeCase(lambda w: {"marker": w.village_a1x.name}),
}

CASES.update({
    # Adding under / editing village A1x: its own worker may not (403), the sibling village's worker neither.
    "regions:create": ScopeCase(lambda w: {"marker": w.village_a1x.name}, owner=None,
                                extra_params={"parent": "320581100001"}),
    "regions:edit": ScopeCase(lambda w: {"kwargs": {"code": w.village_a1x.code}, "marker": w.village_a1x.name}),
})
