"""Region import (Excel/CSV, all-or-nothing, every bad row reported in Chinese) and the export round-trip."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zhengshe.audit.models import AuditEntry
from zhengshe.regions import services
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import build_workbook

H = services.IMPORT_HEADERS


def xlsx(rows, name="regions.xlsx"):
    return SimpleUploadedFile(name, build_workbook(H, rows))


def csv_file(rows, name="regions.csv", encoding="utf-8-sig"):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(H)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


BAD_ROWS = [
    ["32058110020", "坏代码村", "", "320581100", "220", 100, 30, 300],               # row 2: malformed code
    ["320581101209", "错上级村", "", "320581100", "220", 100, 30, 300],             # row 3: not under parent's code
    ["320581199201", "无上级村", "", "320581199", "220", 100, 30, 300],             # row 4: unknown parent
    ["320581100209", "重复甲", "", "320581100", "220", 100, 30, 300],               # row 5: first of a duplicate
    ["320581100209", "重复乙", "", "320581100", "220", 100, 30, 300],               # row 6: duplicate of row 5
    ["320581100210", "错层村", "村/社区", "320581", "220", 100, 30, 300],           # row 7: level out of order
    [world_code := "320581100001", "已存在", "", "320581100", "220", 100, 30, 300],  # row 8: exists already
    ["320581100211", "负人口村", "", "320581100", "999", -5, "许多", "大"],         # row 9: bad figures
]


@pytest.mark.parametrize("make", [xlsx, csv_file])
def test_a_file_full_of_bad_rows_reports_each_row_in_chinese_and_writes_nothing(world, make):
    # Given a file where every row has a different fault
    before_regions = Region.objects.count()
    before_audit = AuditEntry.objects.count()
    # When a district administrator imports it
    report = services.import_regions(make(BAD_ROWS), actor=world.district_admin)
    # Then every row is reported, each with its reason in Chinese...
    messages = {e.row: "；".join(e.messages) for e in report.errors}
    assert not report.ok
    assert "格式不正确" in messages[2]
    assert "不在上级" in messages[3]
    assert "都不存在" in messages[4]
    assert 5 not in messages  # the first of two identical codes is fine on its own
    assert "与第 5 行重复" in messages[6]
    assert "层级顺序不正确" in messages[7]
    assert "已存在" in messages[8]
    assert "城乡分类代码" in messages[9] and "人口" in messages[9] and "户数" in messages[9] and "面积" in messages[9]
    assert set(messages) == {2, 3, 4, 6, 7, 8, 9}
    # ...and nothing was written, not even an audit row.
    assert Region.objects.count() == before_regions
    assert AuditEntry.objects.count() == before_audit
    assert report.created == report.updated == 0


def test_a_good_file_imports_all_rows_with_audit_rows_marked_as_import(world):
    rows = [
        ["320581102", "甲县新镇", "镇/街道", "320581", "", None, None, None],
        ["320581102001", "新镇社区", "", "320581102", "121", 3000, 1000, 450],
        ["320581102201", "新镇一村", "村/社区", "320581102", "220", 1500, 500, 380.5],
        ["320581102201-01", "一村一网格", "网格", "320581102201", "", None, None, None],
    ]
    report = services.import_regions(xlsx(rows), actor=world.district_admin)
    assert report.ok, report.errors
    assert report.created == 4
    town = Region.objects.get(code="320581102")
    assert town.parent == world.county_a and town.level == "town"
    village = Region.objects.get(code="320581102201")
    assert village.path == f"{town.path}320581102201/" and str(village.service_centre_area) == "380.50"
    assert Region.objects.get(code="320581102201-01").level == "grid"
    creates = AuditEntry.objects.filter(object_type="regions.region", action="create", object_id__in=[
        str(r.pk) for r in Region.objects.filter(code__startswith="320581102")])
    assert creates.count() == 4
    assert set(creates.values_list("source", flat=True)) == {"import"}
    assert set(creates.values_list("actor_name", flat=True)) == {world.district_admin.username}
    summary = AuditEntry.objects.get(action="regions.import")
    assert summary.after["created"] == 4


def test_update_existing_changes_figures_and_is_audited_with_before_and_after(world):
    rows = [["320581100001", "甲县1镇1村（更名）", "", "320581100", "220", 1111, 333, 420]]
    # Without update_existing the code is a duplicate of the system's
    assert not services.import_regions(xlsx(rows), actor=world.district_admin).ok
    report = services.import_regions(xlsx(rows), actor=world.district_admin, update_existing=True)
    assert report.ok and report.updated == 1
    village = Region.objects.get(code="320581100001")
    assert village.name == "甲县1镇1村（更名）" and village.population == 1111
    entry = AuditEntry.objects.filter(object_id=str(village.pk), object_type="regions.region", action="update").get()
    assert entry.before["population"] == 1000 and entry.after["population"] == 1111
    assert entry.source == "import"


def test_update_existing_cannot_move_a_region_or_change_its_level(world):
    rows = [["320581100001", "搬家村", "", "320581101", "220", 1, 1, 1]]
    report = services.import_regions(xlsx(rows), actor=world.district_admin, update_existing=True)
    assert not report.ok
    assert "不在上级" in "".join(report.errors[0].messages) or "隶属关系" in "".join(report.errors[0].messages)


def test_import_outside_ones_scope_is_refused(world):
    rows = [["320582102", "乙县新镇", "", "320582", "", None, None, None]]
    report = services.import_regions(xlsx(rows), actor=world.district_admin)  # county A's administrator
    assert not report.ok and "管理范围" in report.errors[0].messages[0]
    assert not Region.objects.filter(code="320582102").exists()


def test_export_round_trip(world, client_for):
    # Given the export of county A's administrator
    client = client_for(world.district_admin)
    response = client.get(reverse("regions:export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == H
    codes = [r[0] for r in rows[1:]]
    assert world.village_a1x.code in codes and world.village_b1x.code not in codes
    # The export is itself audited.
    assert AuditEntry.objects.filter(action="export", actor_name=world.district_admin.username).exists()
    # When the same file is imported with update_existing, then it passes and changes nothing.
    before = AuditEntry.objects.count()
    own = [r for r in rows[1:] if r[3] not in ("", None) and r[0] != world.county_a.code]
    upload = SimpleUploadedFile("export.xlsx", build_workbook(H, own))
    report = services.import_regions(upload, actor=world.district_admin, update_existing=True)
    assert report.ok, report.errors
    assert AuditEntry.objects.filter(action="update").count() == 0
    assert AuditEntry.objects.count() == before + 1  # only the import summary


def test_import_page_shows_errors_and_offers_the_error_report(world, client_for):
    client = client_for(world.district_admin)
    response = client.post(reverse("regions:import"), {"file": xlsx(BAD_ROWS)})
    text = response.content.decode()
    assert "未写入任何数据" in text and "格式不正确" in text
    response = client.post(reverse("regions:import"), {"file": xlsx(BAD_ROWS), "download_errors": "1"})
    assert "spreadsheetml" in response["Content-Type"]


def test_import_page_refuses_non_managers(world, client_for):
    client = client_for(world.village_staff)
    response = client.post(reverse("regions:import"), {"file": xlsx([["320581100299", "x", "", "320581100", "", 1, 1, 1]])})
    assert response.status_code == 200 and "只有民政/社建管理员" in response.content.decode()
    assert not Region.objects.filter(code="320581100299").exists()


def test_wrong_headers_are_a_file_error(world, client_for):
    bad = SimpleUploadedFile("x.xlsx", build_workbook(["代码", "名称"], [["320581100299", "x"]]))
    response = client_for(world.district_admin).post(reverse("regions:import"), {"file": bad})
    assert "表头不正确" in response.content.decode()


def test_gb18030_csv_is_read(world):
    rows = [["320581102", "甲县新镇", "", "320581", "", None, None, None]]
    report = services.import_regions(csv_file(rows, encoding="gb18030"), actor=world.district_admin)
    assert report.ok and Region.objects.get(code="320581102").name == "甲县新镇"
