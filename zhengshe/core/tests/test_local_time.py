"""Every stored moment is read in Asia/Shanghai, in one place (utilities.dates): table cells, Excel cells, PDF
signature dates and the API say the Beijing day and time, also at 01:00 when UTC is still on the day before."""

import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from zhengshe.core.tables import Column, Table
from zhengshe.utilities.dates import local_date, local_datetime_text
from zhengshe.utilities.excel import build_workbook
from zhengshe.utilities.pdf import OfficialDocument

UTC = dt.UTC
# 2026-12-07 04:59 in Beijing is 2026-12-06 20:59 in UTC: the signature of the issue.
SIGNED = dt.datetime(2026, 12, 6, 20, 59, tzinfo=UTC)


def test_helpers_give_the_beijing_day_and_time():
    assert local_date(SIGNED) == dt.date(2026, 12, 7)
    assert local_datetime_text(SIGNED) == "2026-12-07 04:59"
    assert local_date(dt.date(2026, 12, 6)) == dt.date(2026, 12, 6) and local_date(None) is None
    assert local_datetime_text(None) == ""


def test_a_table_cell_shows_the_beijing_time_for_model_rows_and_value_rows(small_hours):
    class T(Table):
        columns = [Column("created_at", "提出时间")]

    with translation.override("zh-hans"):
        from_object = T().html_rows([SimpleNamespace(created_at=SIGNED)])[0][0]["value"]
        from_dict = T().html_rows([{"created_at": SIGNED}])[0][0]["value"]
    assert from_object == from_dict == "2026年12月7日 04:59"


def test_the_objection_and_sheet_lists_show_beijing_time(small_hours):
    """The evaluation lists (提出时间, 提交时间) pass stored moments straight to the cell."""
    from zhengshe.evaluation.tables import ObjectionTable, SheetTable

    objection = SimpleNamespace(unit=SimpleNamespace(name="新湖村"), text="得分有误", status="open",
                                created_at=SIGNED, adjusted_total=None, pk=1, get_absolute_url=lambda: "/o/1/")
    with translation.override("zh-hans"):
        cells = dict(zip(ObjectionTable().headers(), ObjectionTable().html_rows([objection])[0]))
    assert cells["提出时间"]["value"] == "2026年12月7日 04:59"
    sheet = SimpleNamespace(unit=SimpleNamespace(name="新湖村"), round=SimpleNamespace(title="2026年度"),
                            kind="panel", on_behalf=None, scorer="专家甲", status="submitted", submitted_at=SIGNED,
                            pk=1, get_absolute_url=lambda: "/s/1/")
    with translation.override("zh-hans"):
        cells = dict(zip(SheetTable().headers(), SheetTable().html_rows([sheet])[0]))
    assert cells["提交时间"]["value"] == "2026年12月7日 04:59"


def test_an_excel_cell_holds_the_beijing_wall_clock_time(small_hours):
    ws = load_workbook(io.BytesIO(build_workbook(["时间"], [[SIGNED], [small_hours]]))).active
    assert ws["A2"].value == dt.datetime(2026, 12, 7, 4, 59)
    assert ws["A3"].value == dt.datetime(2026, 12, 7, 1, 0)


def test_a_pdf_signature_given_a_moment_prints_its_beijing_day(small_hours):
    content = OfficialDocument("协议").signatures([{"party": "甲方", "signer": "李镇长", "date": SIGNED}]).render()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "二〇二六年十二月七日" in text and "十二月六日" not in text


def test_the_api_documentation_states_the_offset_and_the_api_answers_with_it(small_hours, world, client_for):
    schema = client_for(world.district_admin).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "+08:00" in schema.json()["info"]["description"] and "北京时间" in schema.json()["info"]["description"]
    response = client_for(world.district_admin).get(f"/api/regions/{world.village_a1x.code}/")
    assert response.status_code == 200, response.content[:300]
    updated = dt.datetime.fromisoformat(response.json()["updated_at"])
    assert response.json()["updated_at"].endswith("+08:00")
    assert updated.utcoffset() == dt.timedelta(hours=8) and updated.astimezone(ZoneInfo("Asia/Shanghai")).day == 7


@pytest.fixture(autouse=True)
def _db(db):
    """(the API test needs the database; the others do not mind it)"""
