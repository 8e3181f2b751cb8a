"""The statistics page groups thousands as every other page does (6,000) and prints a zero share as 0.0%, and
"—" with no % where there is nothing to divide by."""

import io
import re
from datetime import date

from openpyxl import load_workbook

from . import factories as f


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)[1:]]


def test_population_and_counts_are_grouped_and_shares_print_zero(world, client_for):
    """Given town A1 (6 000 people) with two registered organizations, none of them a foundation."""
    f.org(world.village_a1x, name="甲1x互助会", registered_on=date(2021, 5, 1))
    f.org(world.village_a1y, name="甲1y调解会", registered_on=date(2022, 5, 1))
    page = client_for(world.district_admin).get("/organizations/statistics/", {"region": world.town_a1.code})
    html = page.content.decode()
    rows = {r[0]: r for r in _cells(html, "by-region")}
    # columns: 区划, 社会组织, 登记, 备案, 3A, 统计人口, 下辖村社人口合计, 每万人, 占比 %, 县级登记, 占县级登记 %
    assert rows["合计"][6] == "6,000" and rows["甲县1镇3村"][5] == "3,000 *"  # * : its ratio uses 统计人口
    assert rows["甲县1镇3村"][8] == "0.0" and rows["甲县1镇1村"][8] == "50.0" and rows["合计"][8] == "100.0"
    assert "—%" not in html
    assert re.search(r"基金会</td><td class=\"num\">0</td><td class=\"num\">0\.0%</td>", html)
    xlsx = client_for(world.district_admin).get("/organizations/statistics/export.xlsx", {"region": world.town_a1.code})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in ws[1]]
    per_10k = [row[next(i for i, h in enumerate(headers) if str(h).startswith("每万人拥有数"))] for row in ws.iter_rows(min_row=2) if row[0].value == "甲县1镇1村"][0]
    assert per_10k.data_type == "n" and per_10k.number_format == "#,##0.00"


def test_a_region_with_no_organization_prints_dashes_without_a_percent_sign(world, client_for):
    html = client_for(world.district_admin).get("/organizations/statistics/",
                                                {"region": world.town_a2.code}).content.decode()
    assert "—%" not in html and "0.0%" not in html
    assert re.search(r"基金会</td><td class=\"num\">0</td><td class=\"num\">—</td>", html)
