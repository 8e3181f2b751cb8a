"""Lists: versioning (publish v2, v1's items still resolve, the diff), whole-list import and export."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from zhengshe.catalog import selectors, services
from zhengshe.catalog.models import DutyList, ItemIdentity, ListItem
from zhengshe.core.errors import NotAllowed, ServiceError

from . import factories as f

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=None):
    wb = Workbook()
    ws = wb.active
    ws.append(headers or services.IMPORT_HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "清单.xlsx"
    return out


def test_publish_v2_supersedes_v1_and_v1_items_still_resolve(world):
    # given a published v1 with three items
    v1 = f.published_list(world)
    first = v1.items.get(number="1")
    identity = first.identity
    # when v2 is drafted, item 2 removed, item 1 reworded, one added, and published
    v2 = services.list_new_version(actor=world.district_admin, source=v1)
    assert v2.version == 2 and v2.previous_id == v1.pk and v2.items.count() == 3
    services.item_remove(actor=world.district_admin, item=v2.items.get(number="2"))
    item1 = v2.items.get(number="1")
    services.item_save(actor=world.district_admin, duty_list=v2, item=item1,
                       **{**{k: getattr(item1, k) for k in services.lists.ITEM_FIELDS}, "title": "新的事项一",
                          "funding_amount": Decimal("12.50")})
    services.item_save(actor=world.district_admin, duty_list=v2, number="4", category="社会事务", title="新增事项")
    services.list_publish(actor=world.district_admin, duty_list=v2)
    # then v1 is superseded but kept, and its items still resolve
    v1.refresh_from_db()
    assert v1.status == "superseded" and v1.superseded_at is not None
    assert ListItem.objects.get(pk=first.pk).title == "甲县协助政府工作事项清单事项1"
    assert [i.duty_list.version for i in selectors.item_versions(identity)] == [1, 2]
    assert selectors.current_item(identity).title == "新的事项一"
    # the list in force for a village is v2 today, v1 on a date before v2 existed
    assert selectors.list_in_force(world.village_a1x, "assisted") == v2
    v1.published_at = timezone.now() - timedelta(days=400)
    v1.superseded_at = timezone.now() - timedelta(days=10)
    v1.save()
    assert selectors.list_in_force(world.village_a1x, "assisted",
                                   on_date=timezone.localdate() - timedelta(days=30)) == v1
    assert selectors.list_in_force(world.village_a1x, "duties") is None
    assert selectors.list_in_force(world.village_b1x, "assisted") is None
    # and the diff is right: one added, one removed, one changed in two fields, one unchanged
    d = selectors.diff_lists(v1, v2)
    assert [i.title for i in d["added"]] == ["新增事项"]
    assert [i.number for i in d["removed"]] == ["2"]
    assert len(d["changed"]) == 1
    assert {c["field"] for c in d["changed"][0]["fields"]} == {"title", "funding_amount"}
    assert d["unchanged"] == 1


def test_nearest_issuing_ancestor_wins(world):
    county_list = f.published_list(world, title="县清单")
    town_list = services.list_create(actor=world.district_admin, region=world.town_a1, kind="assisted", year=2026,
                                     title="镇清单")
    services.item_save(actor=world.district_admin, duty_list=town_list, number="1", category="类", title="镇事项")
    services.list_publish(actor=world.district_admin, duty_list=town_list)
    assert selectors.list_in_force(world.village_a1x, "assisted") == town_list
    assert selectors.list_in_force(world.village_a2x, "assisted") == county_list


def test_published_list_cannot_be_edited_and_only_district_publishes(world):
    v1 = f.published_list(world)
    with pytest.raises(ServiceError):
        services.item_save(actor=world.district_admin, duty_list=v1, number="9", category="x", title="y")
    with pytest.raises(NotAllowed):
        services.list_create(actor=world.town_staff, region=world.county_a, kind="duties", year=2026, title="t")
    draft = services.list_new_version(actor=world.district_admin, source=v1)
    with pytest.raises(ServiceError):  # one draft at a time
        services.list_new_version(actor=world.district_admin, source=v1)
    with pytest.raises(NotAllowed):
        services.list_publish(actor=world.district_admin_b, duty_list=draft)


def test_item_validation_names_each_field(depts):
    w = depts
    draft = services.list_create(actor=w.district_admin, region=w.county_a, kind="duties", year=2026, title="t")
    services.item_save(actor=w.district_admin, duty_list=draft, number="1", category="类", title="事项")
    with pytest.raises(ServiceError) as exc:
        services.item_save(actor=w.district_admin, duty_list=draft, number="1", category="", title="x",
                           department="不存在的局", funding_follows=True, funding_basis="none")
    assert set(exc.value.fields) == {"number", "category", "department", "funding_basis"}


def test_import_with_bad_rows_reports_each_and_writes_nothing(depts):
    w = depts
    lists_before, items_before, ids_before = DutyList.objects.count(), ListItem.objects.count(), ItemIdentity.objects.count()
    upload = _xlsx([
        ["1", "社会保障", "协助低保入户调查", "", "《社会救助暂行办法》第十一条", "甲县民政局", "是", "按户", 20, ""],
        ["1", "社会保障", "重复编号的事项", "", "", "甲县民政局", "否", "无", 0, ""],
        ["3", "", "类别为空的事项", "", "", "甲县民政局", "否", "", "", ""],
        ["4", "治安", "部门不存在的事项", "", "", "甲县城管委", "否", "", "", ""],
        ["5", "治安", "经费为负", "", "", "", "是", "定额", -5, ""],
    ])
    report, created = services.list_import(upload, actor=w.district_admin, region=w.county_a, kind="assisted",
                                           year=2026, title="导入测试")
    assert created is None and not report.ok
    by_row = {e.row: "；".join(e.messages) for e in report.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert "编号“1”与第 2 行重复" in by_row[3]
    assert "类别为空" in by_row[4]
    assert "甲县城管委" in by_row[5] and "部门名录" in by_row[5]
    assert "经费标准" in by_row[6]
    assert (DutyList.objects.count(), ListItem.objects.count(), ItemIdentity.objects.count()) == (
        lists_before, items_before, ids_before)


def test_import_taicang_shape_then_reimport_keeps_identities(depts):
    w = depts
    rows = []
    for n in range(1, 30):
        rows.append([str(n), f"第{(n - 1) % 10 + 1}类", f"履职事项{n}", "", "《中华人民共和国村民委员会组织法》第二条",
                     "甲县民政局", "否", "无", 0, ""])
    report, v1 = services.list_import(_xlsx(rows), actor=w.district_admin, region=w.county_a, kind="duties",
                                      year=2026, title="依法履职事项清单")
    assert report.ok and report.created == 29
    assert len({i.category for i in v1.items.all()}) == 10
    services.list_publish(actor=w.district_admin, duty_list=v1)
    # export, change one title (identity column kept) and drop another, import as v2
    exported = list(services.export_rows(v1))
    exported[0][2] = "履职事项1（修订）"
    del exported[5]
    report, v2 = services.list_import(_xlsx(exported), actor=w.district_admin, region=w.county_a, kind="duties",
                                      year=2027, title="依法履职事项清单")
    assert report.ok and v2.version == 2
    old = {i.identity_id for i in v1.items.all()}
    new = {i.identity_id for i in v2.items.all()}
    assert new <= old and len(old - new) == 1
    d = selectors.diff_lists(v1, v2)
    assert [c["item"].title for c in d["changed"]] == ["履职事项1（修订）"] and len(d["removed"]) == 1


def test_import_refuses_wrong_headers(depts):
    from zhengshe.utilities.excel import ImportFileError

    with pytest.raises(ImportFileError):
        services.list_import(_xlsx([["1"]], headers=["序号"]), actor=depts.district_admin, region=depts.county_a,
                             kind="duties", year=2026, title="t")


def test_import_haimen_third_list(depts):
    w = depts
    rows = [[str(n), "邻里事务" if n < 4 else "关爱服务", f"理事会协助事项{n}", "", "《中华人民共和国城市居民委员会组织法》第三条",
             "", "否", "", "", f"H{n:02d}"] for n in range(1, 12)]
    report, council = services.list_import(_xlsx(rows), actor=w.district_admin, region=w.county_a, kind="council",
                                           year=2015, title="居民自治理事会协助事项清单")
    assert report.ok and council.items.count() == 11
    assert sorted(council.items.values_list("identity__key", flat=True))[0] == "H01"
    services.list_publish(actor=w.district_admin, duty_list=council)
    assert selectors.list_in_force(w.village_a1x, "council") == council
