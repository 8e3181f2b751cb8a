"""Issue 12 point 23: the share of communities (社区) and, apart, of villages whose service centre is ≥ 400 m², over
the region tree, printed from the rollup rows with its count."""

from decimal import Decimal

from zhengshe.regions import selectors
from zhengshe.regions.models import Region


def _area(region, area):
    region = Region.objects.get(pk=region.pk)
    region.service_centre_area = Decimal(area)
    region.save()


def test_centre_shares_of_communities_and_villages_over_the_tree(world, client_for):
    # County A: each town has one community (300 m²) and two villages (400, 500 m²).
    _area(world.village_a1x, "450")  # town A1's community now has a centre of 450 m²
    a2_village = Region.objects.get(code=f"{world.town_a2.code}202")
    _area(a2_village, "350")  # and one village of town A2 falls below 400 m²
    shares = selectors.centre_shares(selectors.totals(world.county_a.path))
    assert (shares["communities"]["count"], shares["communities"]["of"], shares["communities"]["share"]) == (
        1, 2, Decimal("50.0"))
    assert (shares["villages"]["count"], shares["villages"]["of"], shares["villages"]["share"]) == (
        3, 4, Decimal("75.0"))
    assert selectors.totals(world.county_a.path) == selectors.fresh_totals_for_paths([world.county_a.path])[
        world.county_a.path]  # the rollup rows equal the villages' own figures
    text = client_for(world.district_admin).get(f"/regions/{world.county_a.code}/").content.decode()
    line = text.split('id="centres-400">')[1].split("</dd>")[0]
    assert line == "社区 1 个 / 共 2 个（50.0%）；村 3 个 / 共 4 个（75.0%）"
    towns = text.split("<tbody")[1]
    assert "100.0%（1/1）" in towns and "50.0%（1/2）" in towns and "0.0%（0/1）" in towns
