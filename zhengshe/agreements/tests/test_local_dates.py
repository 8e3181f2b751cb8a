"""An agreement signed in Beijing's small hours: the PDF, the list and its export say the Beijing day."""

import io

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from zhengshe.agreements.pdf import agreement_pdf

from .conftest import sign_both


def _text(content: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).replace("\n", "")


def test_an_agreement_signed_at_one_in_the_morning_prints_that_day(small_hours, world, drafted):
    """Given both sides sign at 01:00 on 2026-12-07 Beijing time (17:00 UTC on the 6th), when the PDF is printed,
    then both signature blocks carry 二〇二六年十二月七日."""
    signed = sign_both(world, drafted[world.village_a1x.code])
    text = _text(agreement_pdf(signed))
    assert text.count("二〇二六年十二月七日") == 2
    assert "二〇二六年十二月六日" not in text


def test_the_agreement_list_and_its_export_show_beijing_update_time(small_hours, world, drafted, client_for):
    client = client_for(world.town_staff)
    page = client.get(reverse("agreements:list")).content.decode()
    assert "2026-12-07 01:0" in page and "2026-12-06 17:0" not in page
    export = client.get(reverse("agreements:list"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    column = [c.value for c in ws[1]].index("更新时间")
    values = [row[column].value for row in ws.iter_rows(min_row=2)]
    assert values and all(str(v).startswith("2026-12-07 01:0") for v in values)
