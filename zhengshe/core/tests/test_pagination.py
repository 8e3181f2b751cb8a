"""Deep pages select their keys first, and still give exactly the rows and order a plain slice gives."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengshe.core.pagination import DeferredJoinPaginator
from zhengshe.regions.models import Region
from zhengshe.regions.tests.test_tree_queries import grow


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", [("path",), ("-population", "code"), ("name", "pk")])
def test_deep_pages_match_plain_pagination(world, ordering):
    grow(Region.objects.get(pk=world.town_a1.pk), 45)
    qs = Region.objects.select_related("parent").only("code", "name", "population", "path", "parent__name")
    qs = qs.filter(path__under=world.county_a.path).order_by(*ordering)
    plain = Paginator(qs, 7, orphans=2)
    deferred = DeferredJoinPaginator(qs, 7, orphans=2)
    deferred.deferred_from = 7  # every page after the first takes the deferred path
    assert deferred.num_pages == plain.num_pages > 3
    for number in plain.page_range:
        expected = [(r.code, r.parent.name if r.parent else None) for r in plain.page(number)]
        with CaptureQueriesContext(connection) as ctx:
            got = [(r.code, r.parent.name if r.parent else None) for r in deferred.page(number)]
        assert got == expected, number
        if number > 1:
            assert len(ctx.captured_queries) == 1 and "IN (SELECT" in ctx.captured_queries[0]["sql"].upper()


@pytest.mark.django_db
def test_deep_page_of_the_region_list_and_api(world, client_for):
    grow(Region.objects.get(pk=world.town_a1.pk), 60)
    DeferredJoinPaginator.deferred_from, saved = 50, DeferredJoinPaginator.deferred_from
    try:
        client = client_for(world.district_admin)
        ordered = list(Region.objects.filter(path__under=world.county_a.path).order_by("path")
                       .values_list("code", flat=True))
        html = client.get("/regions/?page=2").content.decode()
        assert f">{ordered[50]}</a>" in html and f">{ordered[49]}</a>" not in html
        data = client.get("/api/regions/?page=2").json()
        assert [row["code"] for row in data["results"]] == ordered[50:100]
    finally:
        DeferredJoinPaginator.deferred_from = saved
