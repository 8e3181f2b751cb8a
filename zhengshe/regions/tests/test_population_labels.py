"""Issue 12 point 24: a unit's own 统计人口 and the sum of its villages and communities are two figures, labelled as
such, both shown where they differ; statistics pages say which one their per-10 000 ratios use."""

import io

from openpyxl import load_workbook

from zhengshe.testing import assert_max_queries


def _cells(text: str, marker: str) -> list[str]:
    row = text.split(marker)[1].split("</tr>")[0]
    return [c.split(">", 1)[1].split("<")[0].strip() for c in row.split("<td")[1:]]


def test_region_list_and_county_page_label_both_populations(world, client_for):
    world.county_a.population = 831000
    world.county_a.save()
    client = client_for(world.district_admin)
    with assert_max_queries(12):
        listing = client.get("/regions/", {"q": world.county_a.code}).content.decode()
    head = listing.split("<thead")[1].split("</thead>")[0]
    assert "统计人口" in head and "下辖村社人口合计" in head and ">人口<" not in head
    row = listing.split(f">{world.county_a.code}</a>")[1].split("</tr>")[0]
    assert ">831000<" in row and ">12000<" in row
    detail = client.get(f"/regions/{world.county_a.code}/").content.decode()
    assert "统计人口" in detail.split('id="population-recorded"')[0][-80:]
    assert "831,000" in detail.split('id="population-recorded"')[1][:80]
    assert "12,000" in detail.split('id="population-summed"')[1][:80]
    assert "两者相差 819,000 人" in detail
    towns = detail.split("<tbody")[1]
    assert "下辖村社人口合计" in detail.split("<tbody")[0].split("<thead")[-1]
    assert "6,000" in towns


def test_statistics_page_states_which_population_its_ratios_use(world, client_for):
    world.county_a.population = 831000
    world.county_a.save()
    client = client_for(world.district_admin)
    text = client.get("/organizations/statistics/", {"region": world.county_a.code}).content.decode()
    assert "每万人拥有数按下辖村社人口合计（12,000）计算" in text
    assert "统计人口是本级登记的统计数，下辖村社人口合计是所辖村、社区填报人口之和" in text
    total = _cells(text, '<tr class="fw-bold">')
    assert total[5:7] == ["831,000", "12,000"]  # 统计人口, 下辖村社人口合计 side by side
    xlsx = client.get("/organizations/statistics/export.xlsx", {"region": world.county_a.code})
    headers = next(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert "统计人口" in headers and "下辖村社人口合计" in headers
    assert "每万人拥有数（按下辖村社人口合计）" in headers
