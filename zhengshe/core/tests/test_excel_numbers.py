"""Exports hold numbers as numbers (they sum in Excel and WPS), formatted like the screen; text stays inert."""

import io
from decimal import Decimal
from types import SimpleNamespace as Row

from openpyxl import load_workbook

from zhengshe.core.tables import Column, Table
from zhengshe.utilities.excel import build_workbook


def _sheet(headers, rows):
    return load_workbook(io.BytesIO(build_workbook(headers, rows))).active


def test_money_and_scores_are_number_cells_with_two_places_and_grouping():
    ws = _sheet(["经费（元）", "得分", "年度", "说明"],
                [[Decimal("121297.00"), Decimal("71.38"), 2026, "=SUM(A1:A2)"], [Decimal("0.125"), None, 7, "-1+2"]])
    money, score, year, text = ws[2]
    assert (money.data_type, money.value, money.number_format) == ("n", 121297.0, "#,##0.00")
    assert (score.data_type, score.value, score.number_format) == ("n", 71.38, "#,##0.00")
    assert (year.data_type, year.value, year.number_format) == ("n", 2026, "General")  # years are never grouped
    assert (text.data_type, text.value) == ("s", "'=SUM(A1:A2)")  # formula protection untouched
    assert (ws["A3"].value, ws["A3"].number_format) == (0.125, "#,##0.000")
    assert ws["D3"].value == "'-1+2"


def test_a_numeric_column_rendered_as_text_exports_a_number():
    """ResultTable-style columns render "71.38" for the page; the export writes 71.38, a number."""

    class T(Table):
        columns = [Column("total", "总分", numeric=True, render=lambda r: "—" if r.total is None else f"{r.total:.2f}"),
                   Column("change", "同比", numeric=True, render=lambda r: f"{r.change:+.2f}"),
                   Column("money", "经费", numeric=True, render=lambda r: f"{r.money:,.2f}"),
                   Column("code", "代码")]

    rows = list(T().export_rows([Row(total=Decimal("71.375"), change=Decimal("-1.2"), money=Decimal("121297"),
                                     code="320581"), Row(total=None, change=0, money=0, code="007")]))
    assert rows[0] == [Decimal("71.38"), Decimal("-1.20"), Decimal("121297.00"), "320581"]
    assert rows[1][0] == "—" and rows[1][3] == "007"  # a dash stays a dash, a code stays text
    ws = _sheet(T().headers(export=True), rows)
    assert [c.data_type for c in ws[2]] == ["n", "n", "n", "s"]
    assert ws["A2"].value == 71.38 and ws["A2"].number_format == "#,##0.00"
