"""Tables render in Python: every value escaped, choice labels in the user's language, links filled per row."""

import pytest
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.safestring import mark_safe

from zhengshe.core.tables import Column, Table, render_body
from zhengshe.regions.models import Region
from zhengshe.regions.tables import RegionTable


def test_render_body_escapes_text_and_urls_but_keeps_safe_markup():
    rows = [[{"value": '<script>alert("x")</script>', "url": '/a?b=1&c="2"', "numeric": False},
             {"value": mark_safe("<b>粗</b>"), "url": None, "numeric": True},
             {"value": None, "url": None, "numeric": False}]]
    html = render_body(rows)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="/a?b=1&amp;c=&quot;2&quot;"' in html
    assert '<td class="num"><b>粗</b></td>' in html
    assert html.endswith("<td></td></tr>")


@pytest.mark.django_db
def test_region_rows_show_labels_links_and_numbers_like_the_per_cell_path(world):
    village = Region.objects.select_related("parent").get(pk=world.village_a1x.pk)
    village.name = "新湖<村>"
    table = RegionTable()
    with translation.override("zh-hans"):
        cells = table.html_rows([village])[0]
    by_label = dict(zip(table.headers(), cells))
    assert by_label["层级"]["value"] == village.get_level_display() == "村/社区"
    assert by_label["区划代码"]["url"] == village.get_absolute_url()
    assert by_label["名称"]["url"] == f"/regions/{village.code}/"
    assert by_label["上级"]["value"] == village.parent.name
    assert by_label["统计人口"]["value"] == str(village.population)  # codes and figures are not grouped in lists
    assert "新湖&lt;村&gt;" in render_body([cells])
    with translation.override("en"):
        assert dict(zip(table.headers(), table.html_rows([village])[0]))["Level"]["value"] != "村/社区"


def test_a_link_column_whose_pattern_cannot_be_reversed_once_falls_back_per_row():
    class Row:
        pk = 7

        def get_absolute_url(self):
            return "/own/7/"

    class T(Table):
        columns = [Column("pk", "编号", link="self"), Column("pk", "审计", link="audit:list_nonexistent")]

    with pytest.raises(NoReverseMatch):  # an unknown URL name still fails loudly, as reverse() would
        T().html_rows([Row()])
    T.columns = [Column("pk", "编号", link="self")]
    assert T().html_rows([Row()])[0][0]["url"] == "/own/7/"


@pytest.mark.django_db
def test_region_page_lists_children_with_grouped_totals_and_links(world, client_for):
    html = client_for(world.district_admin).get(f"/regions/{world.county_a.code}/").content.decode()
    town = world.town_a1
    row = html[html.index(f'<a href="/regions/{town.code}/">{town.code}</a>'):]
    row = row[:row.index("</tr>")]
    assert f'<a href="/regions/{town.code}/">{town.name}</a>' in row
    assert '<td class="num">6,000</td>' in row and '<td class="num">1,800</td>' in row  # 1000+2000+3000, 300+600+900
    assert f"<td>{town.get_level_display()}</td>" in row


@pytest.mark.django_db
def test_region_rows_from_values_equal_rows_from_instances(world):
    """The list reads ``values()`` dicts (no model instances); the cells must be the same as from objects."""
    table = RegionTable()
    fields = table.values_fields()
    assert fields is not None and "parent__name" in fields and "code" in fields
    from zhengshe.regions.selectors import with_summed_population

    qs = with_summed_population(Region.objects.select_related("parent")).order_by("path")  # as the list reads it
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert table.html_rows(qs.values(*fields)) == table.html_rows(qs)
    level = table.headers().index("层级")
    with translation.override("zh-hans"):
        assert {row[level]["value"] for row in table.html_rows(qs.values(*fields))} >= {"村/社区"}
    ur = table.headers().index("城乡分类代码")
    village = Region.objects.filter(urban_rural_code__gt="").first()
    row = table.html_rows(with_summed_population(Region.objects.filter(pk=village.pk)).values(*fields))[0]
    assert row[ur]["value"] == village.urban_rural_code  # the code itself, not its label


def test_tables_needing_instances_do_not_offer_values():
    class T(Table):
        model = Region
        columns = [Column("name", "名称", link="self")]

    assert T().values_fields() is None
    T.columns = [Column("name", "名称", render=lambda r: r.name.upper())]
    assert T().values_fields() is None


def test_dict_rows_use_render_functions_and_plain_keys():
    class T(Table):
        columns = [Column("key", "代码", render=lambda r: f"#{r['key']}"), Column("amount", "金额", numeric=True),
                   Column("name", "名称", link="regions:detail", link_arg="key")]

    row = T().html_rows([{"key": "320581", "amount": 1200, "name": "<县>"}])[0]
    assert [c["value"] for c in row] == ["#320581", "1200", "<县>"]
    assert row[2]["url"] == "/regions/320581/"
    assert "&lt;县&gt;" in render_body([row])


def test_header_cells_of_numeric_columns_align_with_their_cells():
    from zhengshe.core.tables import render_head

    rows = [[{"value": "甲", "url": None, "numeric": False}, {"value": 3, "url": None, "numeric": True}]]
    assert render_head(["名称", "人口<"], rows) == '<th scope="col">名称</th><th scope="col" class="num">人口&lt;</th>'
    assert render_head(["名称"], []) == '<th scope="col">名称</th>'
