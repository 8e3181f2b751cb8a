"""Importing a town's existing paper agreements from Excel (issue 12 point 12): all rows or none, every bad row
reported in Chinese; each imported agreement is recorded as signed on paper on its date, through the engine,
audited, its money in the ledger."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengshe.agreements import selectors
from zhengshe.agreements.models import Agreement
from zhengshe.audit.models import AuditEntry
from zhengshe.core.models import StatusChange
from zhengshe.utilities.excel import build_workbook

HEADERS = ["村（社区）区划代码", "年度", "签署日期", "甲方签署代表", "乙方签署代表", "经费合计（元）", "协议编号", "备注"]


def _upload(rows):
    return SimpleUploadedFile("协议.xlsx", build_workbook(HEADERS, rows),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_a_towns_paper_agreements_are_imported_all_or_nothing(world, client_for):
    town = client_for(world.town_staff)
    url = reverse("agreements:import")
    assert client_for(world.village_staff).get(url).status_code == 404
    good = [world.village_a1x.code, 2010, "2010-08-13", "李镇长", "张村长", "12000.50", "双凤协〔2010〕1号", ""]
    rows = [good,
            [world.village_a1y.code, 2010, "2027-01-01", "李镇长", "王村长", "8000", "", ""],
            [world.village_b1x.code if hasattr(world, "village_b1x") else "999999999999", 2010, "2010-08-13",
             "李镇长", "", "abc", "", ""]]
    # given a sheet with a future date, a village of another town, a missing signer and a bad amount
    response = town.post(url, {"town": world.town_a1.pk, "file": _upload(rows)})
    page = response.content.decode()
    # then nothing is written and every row's errors are listed, in Chinese
    assert "共 2 行有错误，未写入任何数据" in page
    assert "签署日期不能晚于今天" in page and f"不是{world.town_a1.name}所辖的村（社区）" in page
    assert "请填写双方签署代表" in page and "经费合计须为不小于 0 的金额" in page
    assert not Agreement.objects.filter(year=2010).exists()

    # when the sheet is corrected
    response = town.post(url, {"town": world.town_a1.pk, "file": _upload(
        [good, [world.village_a1y.code, 2010, "2010-09-01", "李镇长", "王村长", "8000", "", "补录"]])})
    assert response.status_code == 302
    # then both agreements are signed on paper on their dates, through the engine, with their money
    imported = Agreement.objects.filter(year=2010).order_by("party_b__code")
    assert [(a.status, a.signed_offline) for a in imported] == [("signed_by_a", True)] * 2
    first = imported[0]
    assert first.number == "双凤协〔2010〕1号" and first.b_signer_name == "张村长"
    assert first.b_signed_at.date() == dt.date(2010, 8, 13)
    assert selectors.ledger_totals(first)["allocated"] == Decimal("12000.50") == first.funds_allocated
    assert StatusChange.objects.filter(action="record_offline", object_id=str(first.pk)).exists()
    assert AuditEntry.objects.filter(action="agreements.import").count() == 1
    # importing the same agreements again is refused row by row
    again = town.post(url, {"town": world.town_a1.pk, "file": _upload([good])}).content.decode()
    assert "2010 年度的协议已存在" in again
