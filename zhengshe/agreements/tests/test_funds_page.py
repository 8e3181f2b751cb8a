"""The funds page reads funds and signing states from one GROUP BY, grouped by the region's key, and renders both
tables in Python: same numbers as the ledger, links to each town's list, nothing outside the user's scope."""

from django.urls import reverse

from zhengshe.agreements import selectors

from .conftest import YEAR


def test_funds_page_one_pass_by_town_and_by_county(world, client_for, signed, drafted):
    from zhengshe.agreements.models import Agreement

    client = client_for(world.district_admin)
    signed = Agreement.objects.get(pk=signed.pk)
    town_agreements = Agreement.objects.filter(party_b__parent=world.town_a1, year=YEAR)
    funds, status = selectors.funds_and_status(world.district_admin, year=YEAR, group="town")
    assert [r["key"] for r in funds] == [world.town_a1.code]
    assert funds[0]["agreements"] == 1 and funds[0]["allocated"] == signed.funds_allocated
    assert funds[0]["balance"] == funds[0]["allocated"] + funds[0]["awarded"] - funds[0]["withheld"] - funds[0]["paid"]
    assert status == [{"key": world.town_a1.code, "label": world.town_a1.name, "total": 3, "signed": 1, "drafting": 2,
                       "funding": sum(a.total_funding for a in town_agreements)}]
    page = client.get(reverse("agreements:funds"), {"year": YEAR, "group": "town"}).content.decode()
    assert f'href="/agreements/?year={YEAR}&amp;town={world.town_a1.code}"' in page
    county = client.get(reverse("agreements:funds"), {"year": YEAR, "group": "county"}).content.decode()
    assert world.county_a.code in county and world.county_b.code not in county
    # the district administrator of county B sees none of it
    other = client_for(world.district_admin_b).get(reverse("agreements:funds"), {"year": YEAR, "group": "county"})
    assert world.county_a.code not in other.content.decode()


def test_funds_page_opens_on_the_latest_year_with_agreements(world, client_for, signed, django_assert_max_num_queries):
    # given the district's only agreements are for next year (the suite's clock says 2026)
    from zhengshe.agreements.models import Agreement

    Agreement.objects.filter(year=YEAR).update(year=YEAR + 1)
    assert selectors.latest_agreement_year(world.district_admin) == YEAR + 1
    # when the district opens the funds page without choosing a year
    client = client_for(world.district_admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("agreements:funds"))
    # then it shows that year and its money, not an empty 2026
    assert response.context["year"] == YEAR + 1
    assert f'value="{YEAR + 1}"' in response.content.decode()
    assert response.context["totals"]["allocated"] == Agreement.objects.get(pk=signed.pk).funds_allocated > 0
    # a user who sees no agreement at all still gets today's year
    assert selectors.latest_agreement_year(world.district_admin_b) is None
    assert client_for(world.district_admin_b).get(reverse("agreements:funds")).context["year"] == YEAR
