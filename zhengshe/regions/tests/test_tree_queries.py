"""Tree reads in a constant number of SQL statements, whatever the tree's size; page budgets likewise."""

import pytest
from django.urls import reverse

from zhengshe.regions import selectors
from zhengshe.regions.choices import Level
from zhengshe.regions.models import Region
from zhengshe.testing import assert_max_queries


def grow(town: Region, villages: int) -> None:
    """Add ``villages`` villages (with one grid each) under ``town`` with valid codes."""
    rows = []
    for i in range(villages):
        code = f"{town.code}{210 + i:03d}"
        rows.append(Region(code=code, name=f"新增{i}村", level=Level.VILLAGE, parent=town, population=100,
                           households=30, service_centre_area=500, path=f"{town.path}{code}/", depth=5))
    Region.objects.bulk_create(rows)
    grids = [Region(code=f"{r.code}-01", name=f"{r.name}一网格", level=Level.GRID, parent=r,
                    path=f"{r.path}{r.code}-01/", depth=6) for r in Region.objects.filter(code__in=[x.code for x in rows])]
    Region.objects.bulk_create(grids)


def count_queries(django_assert_num_queries, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def tree_reads(world):
    county = Region.objects.get(pk=world.county_a.pk)
    village = Region.objects.get(pk=world.village_a1x.pk)
    town = Region.objects.get(pk=world.town_a1.pk)
    return {
        "subtree": lambda: list(selectors.subtree(county)),
        "ancestors": lambda: list(selectors.ancestors(village, include_self=True)),
        "children_with_totals(county)": lambda: selectors.children_with_totals(county),
        "children_with_totals(town)": lambda: selectors.children_with_totals(town),
        "totals": lambda: selectors.totals(county.path),
        "totals_for_paths": lambda: selectors.totals_for_paths([county.path, world.county_b.path]),
    }


@pytest.mark.parametrize("read", ["subtree", "ancestors", "children_with_totals(county)", "children_with_totals(town)",
                                  "totals", "totals_for_paths"])
def test_tree_reads_take_the_same_number_of_queries_for_a_small_and_a_large_tree(world, read):
    # Given the small world, when a tree read runs, then it takes N statements...
    small = count_queries(None, tree_reads(world)[read])
    # ...and given 60 more villages (and grids) in town A1 and 40 in town A2, it takes the same N.
    grow(world.town_a1, 60)
    grow(world.town_a2, 40)
    large = count_queries(None, tree_reads(world)[read])
    assert small == large <= 2  # children_with_totals: the children and their rollup rows


def test_tree_totals_are_rollup_rows_read_in_one_query_and_never_stale(world):
    from django.db import transaction

    from zhengshe.regions import services

    county = Region.objects.get(pk=world.county_a.pk)
    before = selectors.totals(county.path)
    # A read is one indexed query on the rollup rows, not an aggregate over the villages.
    assert count_queries(None, lambda: selectors.totals(county.path)) == 1
    children = {c.code: c.total_population for c in selectors.children_with_totals(county)}
    assert count_queries(None, lambda: selectors.children_with_totals(county)) == 2  # the children, their rollups
    rows = selectors.children_rows(county)
    assert count_queries(None, lambda: selectors.children_rows(county)) == 2
    assert [(r["code"], r["total_population"]) for r in rows] == [(c, p) for c, p in children.items()]

    # An edit through the service shows at once, in the totals and in the children's sums.
    village = Region.objects.get(pk=world.village_a1x.pk)
    services.region_update(actor=world.district_admin, region=village, population=village.population + 7)
    assert selectors.totals(county.path)["population"] == before["population"] + 7
    assert {c.code: c.total_population for c in selectors.children_with_totals(county)}[world.town_a1.code] == (
        children[world.town_a1.code] + 7)
    assert {r["code"]: r["total_population"] for r in selectors.children_rows(county)}[world.town_a1.code] == (
        children[world.town_a1.code] + 7)

    # Bulk writes too (the demo and bench loads).
    grow(Region.objects.get(pk=world.town_a2.pk), 5)
    assert selectors.totals(county.path)["villages"] == before["villages"] + 5

    # A rolled-back write leaves no totals behind that the restored tree would read.
    settled = selectors.totals(county.path)
    with pytest.raises(RuntimeError), transaction.atomic():
        Region.objects.filter(pk=world.village_a1x.pk).update(population=0)
        assert selectors.totals(county.path)["population"] < settled["population"]
        raise RuntimeError("roll back")
    assert selectors.totals(county.path) == settled


def test_children_with_totals_sums_each_childs_subtree(world):
    children = {c.code: c for c in selectors.children_with_totals(world.county_a)}
    town = children[world.town_a1.code]
    assert town.total_villages == 3
    assert town.total_population == 1000 + 2000 + 3000
    assert town.total_households == 300 + 600 + 900


def test_totals_count_villages_communities_and_centres(world):
    totals = selectors.totals(world.county_a.path)
    # 2 towns × 3 villages; the first village of each town has a community code (001), the others 20x.
    assert totals == {"villages": 6, "communities": 2, "population": 12000, "households": 3600, "centres_400": 4,
                      "community_centres_400": 0}


def test_ancestors_in_order(world):
    names = [r.name for r in selectors.ancestors(world.village_a1x)]
    assert names == ["江苏省", "苏州市", "甲县", "甲县1镇"]


@pytest.mark.parametrize("url_name, kwargs", [
    ("regions:list", {}),
    ("regions:detail", {"code": "320581"}),
    ("regions:detail", {"code": "320581100"}),
    ("dashboards:home", {}),
    ("region-list", {}),
])
def test_page_query_budget_does_not_grow_with_rows(world, client_for, url_name, kwargs):
    client = client_for(world.district_admin)
    url = reverse(url_name, kwargs=kwargs)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (content types, session, the tree's totals)
    with CaptureQueriesContext(connection) as small_ctx:
        assert client.get(url).status_code == 200
    grow(world.town_a1, 80)  # a new tree version: the totals are computed again, once
    with CaptureQueriesContext(connection) as cold_ctx, assert_max_queries(12):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as large_ctx:
        assert client.get(url).status_code == 200
    assert len(large_ctx.captured_queries) == len(small_ctx.captured_queries) <= len(cold_ctx.captured_queries)


def test_home_page_shows_the_users_scope_with_real_numbers(world, client_for):
    # Given a town worker of town A1, when they open the home page, then it names the town and its real sums.
    response = client_for(world.town_staff).get(reverse("dashboards:home"))
    text = response.content.decode()
    assert world.town_a1.name in text
    assert "6,000" in text or "6000" in text      # population 1000+2000+3000
    assert "1,800" in text or "1800" in text      # households 300+600+900
    assert world.county_b.name not in text


def test_home_page_for_a_user_without_scope_says_so(world, client_for):
    response = client_for(world.nobody).get(reverse("dashboards:home"))
    assert "尚未被授予" in response.content.decode()


def test_under_lookup_selects_exactly_the_subtree_and_uses_the_path_index(world):
    """``path__under`` matches ``path__startswith`` row for row; on SQLite it is an index range, not a LIKE scan."""
    from django.db import connection

    grow(Region.objects.get(pk=world.town_a1.pk), 12)  # villages with grids: paths with "-" below "/"
    for region in Region.objects.all():
        under = set(Region.objects.filter(path__under=region.path).values_list("pk", flat=True))
        assert under == set(Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True))
        assert region.pk in under
    county = Region.objects.get(pk=world.county_a.pk)
    assert world.county_b.pk not in set(Region.objects.filter(path__under=county.path).values_list("pk", flat=True))
    # Joined through a foreign key, as the scope filters of every app use it.
    from zhengshe.accounts.models import RoleAssignment
    assert (set(RoleAssignment.objects.filter(region__path__under=county.path).values_list("pk", flat=True))
            == set(RoleAssignment.objects.filter(region__path__startswith=county.path).values_list("pk", flat=True)))
    sql = str(Region.objects.filter(path__under=county.path).query)
    if connection.vendor == "sqlite":
        assert " LIKE " not in sql and ">=" in sql
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM regions_region WHERE path >= %s AND path < %s",
                           [county.path, county.path[:-1] + "0"])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "SEARCH" in plan and "path>?" in plan.replace(" ", "")
    else:
        assert " LIKE " in sql


def test_region_search_by_name_part_or_code_prefix(world, client_for):
    client = client_for(world.district_admin)
    village = world.village_a1x

    def found(q, **extra):
        html = client.get(reverse("regions:list"), {"q": q, **extra}).content.decode()
        return {r.code for r in Region.objects.all() if f">{r.code}</a>" in html}

    assert village.code in found(village.name[1:3])  # a part of the name
    by_code = found(village.code[:9])  # a town's code prefix: the town and everything under it
    assert by_code == set(Region.objects.filter(code__startswith=village.code[:9]).values_list("code", flat=True))
    assert village.code in by_code and world.county_a.code not in by_code
    assert found(village.code[:9], level="village") == {c for c in by_code if len(c) == 12}
    assert found("不存在的名字") == set()
    assert world.village_b1x.code not in found(world.village_b1x.name)  # another county: outside the scope


def test_region_list_count_follows_filters_and_the_tree(world, client_for):
    client = client_for(world.district_admin)

    def shown_total(**params):
        html = client.get(reverse("regions:list"), params).content.decode()
        return html.count("</tr>") - 1, int(html.split("共 ")[1].split(" 条")[0]) if "共 " in html else None

    county = Region.objects.filter(path__under=world.county_a.path)
    grow(Region.objects.get(pk=world.town_a1.pk), 60)  # two pages
    assert shown_total()[1] == county.count()
    assert shown_total(level="village")[1] == county.filter(level="village").count()
    grow(Region.objects.get(pk=world.town_a2.pk), 3)
    assert shown_total()[1] == county.count()
    assert shown_total(level="village")[1] == county.filter(level="village").count()
    api = client.get("/api/regions/", {"level": "village"}).json()
    assert api["count"] == county.filter(level="village").count()


def test_region_list_rows_and_breadcrumbs_are_always_current(world, client_for):
    from zhengshe.regions import services

    client = client_for(world.district_admin)
    url = reverse("regions:list")
    village = Region.objects.get(pk=world.village_a1x.pk)
    assert village.name in client.get(url, {"q": village.code}).content.decode()

    # A change shows at once: in the list and in the breadcrumb of the pages below it.
    services.region_update(actor=world.district_admin, region=village, name="改名村")
    assert "改名村" in client.get(url, {"q": village.code}).content.decode()
    town = Region.objects.get(pk=world.town_a1.pk)
    client.get(reverse("regions:detail", args=[village.code]))
    services.region_update(actor=world.district_admin, region=town, name="改名镇")
    crumbs = client.get(reverse("regions:detail", args=[village.code])).content.decode()
    assert '<ol class="breadcrumb">' in crumbs and "改名镇" in crumbs.split('<ol class="breadcrumb">')[1].split("</ol>")[0]

    # Each language and each scope has its own rows.
    client.cookies["django_language"] = "en"
    assert "Village" in client.get(url, {"q": village.code}).content.decode()
    other = client_for(world.district_admin_b).get(url, {"q": village.code}).content.decode()
    assert "改名村" not in other


def test_regions_api_pages_are_always_current(world, client_for):
    from zhengshe.regions import services

    client = client_for(world.district_admin)
    village = Region.objects.get(pk=world.village_a1x.pk)
    first = client.get("/api/regions/", {"q": village.code}).json()
    assert [r["name"] for r in first["results"]] == [village.name]
    assert client.get("/api/regions/", {"q": village.code}).json() == first
    services.region_update(actor=world.district_admin, region=village, name="接口改名村")
    assert [r["name"] for r in client.get("/api/regions/", {"q": village.code}).json()["results"]] == ["接口改名村"]
    other = client_for(world.district_admin_b).get("/api/regions/", {"q": village.code}).json()
    assert other["count"] == 0 and other["results"] == []
    assert client.get("/api/regions/", {"page": 99}).status_code == 404
