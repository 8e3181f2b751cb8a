"""Text a user typed can't become a live formula in anything we export: a leading = + - @, tab or CR is
neutralised in one place (utilities.excel) for every workbook and CSV, and comes back unchanged on import."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengshe.core.tests.test_scope_every_url import CASES, URL_NAMES
from zhengshe.utilities.excel import build_csv, build_workbook, read_table

PLANTED = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/","点此查看")', "+1+2", "-2+3", "@SUM(A1)",
           "\tcmd", "\rcmd"]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_workbook_holds_planted_formulas_as_text_and_an_import_gets_them_back():
    content = build_workbook(["事项"], [[text] for text in PLANTED])
    cells = _cells(content)
    assert all(c.data_type != "f" for c in cells)
    # (an .xlsx file stores a carriage return as a line feed: XML normalises it)
    assert [c.value for c in cells[1:]] == ["'" + text.replace("\r", "\n") for text in PLANTED]
    upload = io.BytesIO(build_workbook(["事项"], [[text] for text in PLANTED[:-1]]))
    upload.name = "回传.xlsx"
    assert [record["事项"] for _row, record in read_table(upload, ["事项"])] == [t.strip() for t in PLANTED[:-1]]


def test_a_csv_neutralises_the_same_triggers_and_keeps_plain_text_and_numbers():
    text = build_csv(["事项", "金额"], [[t, 5] for t in PLANTED] + [["新湖村 —— 正常文本", -12]]).decode("utf-8-sig")
    lines = text.splitlines()
    assert all(line.startswith(('"\'', "'")) for line in lines[1:len(PLANTED) - 1])
    assert lines[-1] == "新湖村 —— 正常文本,-12"


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n in CASES and not CASES[n].public])
def test_no_export_carries_a_live_formula(name, world, client_for):
    """Every list that exports (``?export=xlsx``) and every workbook download, as its owner: no formula cell."""
    case = CASES[name]
    if case.post_only or not case.owner:
        return
    data = case.make(world) or {}
    client = client_for(getattr(world, case.owner))
    response = client.get(reverse(name, kwargs=data.get("kwargs", {})), {**case.extra_params, "export": "xlsx"})
    if "spreadsheetml" not in response.get("Content-Type", ""):
        return
    assert all(c.data_type != "f" for c in _cells(response.content)), f"{name}: a formula cell in the export"


def test_an_ask_planted_with_a_formula_exports_as_text_for_the_county(world, client_for):
    """Given a village worker who records an unlisted ask titled with a formula, when the county exports the asks,
    then the cell shows the text and Excel would run nothing."""
    from zhengshe.catalog.tests import factories

    factories.ask(world, title=PLANTED[1])
    response = client_for(world.district_admin).get(reverse("catalog:ask_list"), {"export": "xlsx"})
    cells = _cells(response.content)
    assert "'" + PLANTED[1] in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
