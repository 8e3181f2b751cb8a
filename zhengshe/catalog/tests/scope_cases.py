"""Every catalog URL, visited as an outsider (see core/tests/test_scope_every_url.py).

County lists are read by their whole subtree, so for list pages the outsider is county B's town worker;
for what belongs to one village (asks, burden rows, register entries) it is the sibling village's worker.
"""

from zhengshe.testing import ScopeCase

from . import factories as f


def _list(w):
    d = f.published_list(w, title="甲县标记清单")
    return {"kwargs": {"pk": d.pk}, "marker": "甲县标记清单"}


def _list_v2(w):
    d = f.published_list(w, title="甲县标记清单")
    from zhengshe.catalog import services

    v2 = services.list_new_version(actor=w.district_admin, source=d)
    return {"kwargs": {"pk": v2.pk}, "marker": "甲县标记清单"}


def _item(w):
    d = f.published_list(w, title="甲县标记清单")
    return {"kwargs": {"pk": f.list_item(d).pk}, "marker": "甲县标记清单事项1"}


def _identity(w):
    d = f.published_list(w, title="甲县标记清单")
    return {"kwargs": {"pk": f.list_item(d).identity_id}, "marker": "甲县标记清单事项1"}


def _department(w):
    f.departments(w)
    from zhengshe.catalog.models import Department

    d = Department.objects.get(name="甲县公安局")
    return {"kwargs": {"pk": d.pk}, "marker": "甲县公安局"}


def _request(w):
    r = f.admission(w, title="标记准入申请")
    return {"kwargs": {"pk": r.pk}, "marker": "标记准入申请"}


def _move(action):
    def make(w):
        r = f.admission(w, title="标记准入申请")
        return {"kwargs": {"pk": r.pk, "action": action}, "marker": None}
    return make


def _approved(w):
    """Approved for village A1x only: its sibling must not find it in its register."""
    r = f.admission(w, title="标记准入台账", approve=True, approved_regions=[w.village_a1x])
    return {"kwargs": {"pk": r.pk}, "marker": "标记准入台账"}


def _ask(w):
    a = f.ask(w, title="标记清单外事项")
    return {"kwargs": {"pk": a.pk}, "marker": "标记清单外事项"}


def _refused(w):
    a = f.ask(w, title="标记清单外事项", refuse=True)
    return {"kwargs": {"pk": a.pk}, "marker": "标记清单外事项"}


def _burden(w):
    b = f.burden(w, name="标记综治台账")
    return {"kwargs": {"pk": b.pk}, "marker": "标记综治台账"}


def _no_kwargs(make):
    def inner(w):
        data = make(w)
        return {"marker": data["marker"]}
    return inner


def _post(make):
    def inner(w):
        data = make(w)
        return {"kwargs": data["kwargs"], "marker": None}
    return inner


OUT_B = "town_staff_b"
CASES = {
    # lists (a county's lists are visible from below: the outsider is county B)
    "catalog:list_list": ScopeCase(_no_kwargs(_list), outsider=OUT_B),
    "catalog:list_create": ScopeCase(lambda w: {"marker": None}),
    "catalog:list_import": ScopeCase(lambda w: {"marker": None}),
    "catalog:list_import_template": ScopeCase(lambda w: {"marker": None}),
    "catalog:list_detail": ScopeCase(_list, outsider=OUT_B),
    "catalog:list_export": ScopeCase(_list, outsider=OUT_B),
    "catalog:list_publish": ScopeCase(_post(_list), post_only=True, outsider="district_admin_b"),
    "catalog:list_new_version": ScopeCase(_post(_list), post_only=True, outsider="district_admin_b"),
    "catalog:list_diff": ScopeCase(_list_v2, outsider=OUT_B),
    "catalog:item_create": ScopeCase(_list, outsider="district_admin_b"),
    "catalog:item_edit": ScopeCase(_item, outsider="district_admin_b"),
    "catalog:item_remove": ScopeCase(_post(_item), post_only=True, outsider="district_admin_b"),
    "catalog:identity": ScopeCase(_identity, outsider=OUT_B),
    "catalog:department_list": ScopeCase(_no_kwargs(_department), outsider=OUT_B),
    "catalog:department_create": ScopeCase(lambda w: {"marker": None}),
    # admission: requests are seen by the applicant's town and the county, never by villages
    "catalog:admission_list": ScopeCase(_no_kwargs(_request), owner="town_staff"),
    "catalog:admission_create": ScopeCase(lambda w: {"marker": None}),
    "catalog:admission_detail": ScopeCase(_request),
    "catalog:admission_edit": ScopeCase(_request, outsider="town_staff_b"),
    "catalog:admission_approve": ScopeCase(_request, outsider="district_admin_b"),
    "catalog:admission_move": ScopeCase(_move("withdraw"), post_only=True, outsider="town_staff_b"),
    "catalog:register": ScopeCase(_no_kwargs(_approved)),
    "catalog:register_detail": ScopeCase(_approved),
    "catalog:community": ScopeCase(_no_kwargs(_approved)),
    # the community's side
    "catalog:ask_list": ScopeCase(_no_kwargs(_ask)),
    "catalog:ask_create": ScopeCase(lambda w: {"marker": None}),
    "catalog:ask_detail": ScopeCase(_ask),
    "catalog:ask_refuse": ScopeCase(_post(_ask), post_only=True),
    "catalog:ask_outcome": ScopeCase(_post(_ask), post_only=True),
    "catalog:ask_notice": ScopeCase(_refused),
    # burden registry
    "catalog:burden": ScopeCase(lambda w: {"marker": w.village_a1x.name}),
    "catalog:burden_list": ScopeCase(_no_kwargs(_burden)),
    "catalog:burden_create": ScopeCase(lambda w: {"marker": None}),
    "catalog:burden_detail": ScopeCase(_burden),
    # public: published lists are public documents
    "catalog_public:lists": ScopeCase(_no_kwargs(_list), public=True),
    "catalog_public:list_detail": ScopeCase(_list, public=True),
    # API
    "dutylist-list": ScopeCase(_no_kwargs(_list), outsider=OUT_B),
    "dutylist-detail": ScopeCase(_list, outsider=OUT_B),
    "dutylist-diff": ScopeCase(_list_v2, outsider=OUT_B),
    "catalog-department-list": ScopeCase(_no_kwargs(_department), outsider=OUT_B),
    "catalog-department-detail": ScopeCase(_department, outsider=OUT_B),
    "admission-list": ScopeCase(_no_kwargs(_request), owner="town_staff"),
    "admission-detail": ScopeCase(_request),
    "admission-submit": ScopeCase(_post(_request), post_only=True),
    "admission-return": ScopeCase(_post(_request), post_only=True),
    "admission-reject": ScopeCase(_post(_request), post_only=True),
    "admission-withdraw": ScopeCase(_post(_request), post_only=True),
    "admission-approve": ScopeCase(_post(_request), post_only=True, outsider="district_admin_b"),
    "catalog-register-list": ScopeCase(_no_kwargs(_approved)),
    "catalog-register-detail": ScopeCase(_approved),
    "unlistedask-list": ScopeCase(_no_kwargs(_ask)),
    "unlistedask-detail": ScopeCase(_ask),
    "unlistedask-refuse": ScopeCase(_post(_ask), post_only=True),
    "burdenitem-list": ScopeCase(_no_kwargs(_burden)),
    "burdenitem-detail": ScopeCase(_burden),
    "burdenitem-rollup": ScopeCase(lambda w: {"marker": w.village_a1x.code}),
}
