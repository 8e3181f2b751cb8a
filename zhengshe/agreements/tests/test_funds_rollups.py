"""The funds summary reads the agreements' rollup rows (kept in every writing transaction), and the agreement list
and API read the agreements themselves: a write through a service (or a bulk queryset write) shows at once, a
rolled-back write leaves nothing behind, every scope sees its own rows, and the rollup read gives exactly what a
fresh aggregation over the agreements gives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengshe.agreements import selectors, services
from zhengshe.agreements.models import Agreement
from zhengshe.core import rollups

from .conftest import YEAR


def _county_row(user, field):
    funds, _status = selectors.funds_and_status(user, year=YEAR, group="county")
    return funds[0][field] if funds else None


def test_funds_page_shows_a_payment_through_the_service_at_once(world, client_for, signed):
    # given a county rollup read once
    client = client_for(world.district_admin)
    url = reverse("agreements:funds")
    before = client.get(url, {"year": YEAR, "group": "county"}).context["rows"]
    assert before[0]["paid"] == Decimal("0")
    # when the town pays the first instalment and the district withholds, through the services
    first = signed.instalments.order_by("number").first()
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10),
                            voucher_number="记-0711")
    services.funds_adjust(actor=world.district_admin, agreement=signed, kind="withhold", amount=Decimal("0.10"),
                          reason="评估扣减")
    # then the very next read shows both
    after = client.get(url, {"year": YEAR, "group": "county"}).context["rows"]
    assert (after[0]["paid"], after[0]["withheld"]) == (Decimal("5100.00"), Decimal("0.10"))
    assert after[0]["balance"] == before[0]["balance"] - Decimal("5100.10")


def test_signing_state_counts_follow_a_transition(world, drafted):
    _funds, status = selectors.funds_and_status(world.district_admin, year=YEAR, group="town")
    assert (status[0]["signed"], status[0]["drafting"]) == (0, 3)
    from .conftest import sign_both

    sign_both(world, drafted[world.village_a1x.code])
    _funds, status = selectors.funds_and_status(world.district_admin, year=YEAR, group="town")
    assert (status[0]["signed"], status[0]["drafting"]) == (1, 2)


def test_bulk_queryset_writes_move_the_rollup(world, signed):
    assert _county_row(world.district_admin, "awarded") == Decimal("0")
    Agreement.objects.filter(pk=signed.pk).update(funds_awarded=Decimal("7.00"))
    assert _county_row(world.district_admin, "awarded") == Decimal("7.00")
    assert rollups.differences() == []


def test_a_rolled_back_write_leaves_the_rollup_as_it_was(world, signed):
    with pytest.raises(RuntimeError), transaction.atomic():
        Agreement.objects.filter(pk=signed.pk).update(funds_awarded=Decimal("9.00"))
        assert _county_row(world.district_admin, "awarded") == Decimal("9.00")
        raise RuntimeError
    assert _county_row(world.district_admin, "awarded") == Decimal("0")


def test_region_changes_show_in_the_labels(world, signed):
    _county_row(world.district_admin, "paid")
    world.county_a.name = "改名后的县"
    world.county_a.save()
    funds, _status = selectors.funds_and_status(world.district_admin, year=YEAR, group="county")
    assert funds[0]["label"] == "改名后的县"


@pytest.mark.parametrize("group", ["county", "town", "committee"])
def test_rollup_rows_equal_a_fresh_aggregation(world, signed, drafted, group):
    first = signed.instalments.order_by("number").first()
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10),
                            voucher_number="记-0712")
    for user in (world.district_admin, world.leader):
        assert selectors._rollup_nodes(user, group, "") is not None  # whole nodes: read from the rollups
        for year in (YEAR, None):
            got = selectors.funds_and_status(user, year=year, group=group)
            assert got == selectors._funds_and_status(user, year=year, group=group, within="")
            assert got[1], "standard agreements are counted"


def test_a_village_scope_is_aggregated_from_its_own_agreements(world, signed):
    # A village cadre's scope lies below the town: the town's rollup row would show the neighbours' money.
    assert selectors._rollup_nodes(world.village_staff, "town", "") is None
    funds, status = selectors.funds_and_status(world.village_staff, year=YEAR, group="town")
    assert sum(r["total"] for r in status) == Agreement.objects.restrict(world.village_staff).filter(
        year=YEAR, kind="standard").count()


def test_the_summary_reads_the_same_few_rows_however_many_agreements(world, signed, drafted):
    with CaptureQueriesContext(connection) as queries:
        funds, _status = selectors.funds_and_status(world.leader, year=YEAR, group="county")
    assert funds[0]["key"] == world.county_a.code
    assert len(queries) <= 4  # scope grants, the scope's depth, the rollup rows (nodes as a subquery), labels


def test_each_scope_and_year_has_its_own_entry(world, client_for, signed):
    own = selectors.funds_and_status(world.district_admin, year=YEAR, group="county")
    other = selectors.funds_and_status(world.district_admin_b, year=YEAR, group="county")
    assert own[0] and other == ([], [])
    assert selectors.funds_and_status(world.district_admin, year=YEAR + 1, group="county") == ([], [])
    page = client_for(world.district_admin_b).get(reverse("agreements:funds"), {"year": YEAR, "group": "county"})
    assert world.county_a.code not in page.content.decode()


def test_agreement_list_cells_and_count_follow_writes_and_scope(world, client_for, drafted):
    url = reverse("agreements:list")
    district = client_for(world.district_admin)
    page = district.get(url, {"year": YEAR})
    assert page.context["paginator"].count == 3
    cells = [cell for row in page.context["table_rows"] for cell in row]
    assert "协商中" not in str(cells)
    # a transition through the service shows on the next read of the same page
    services.agreement_transition(actor=world.town_staff, agreement=drafted[world.village_a1x.code], action="submit")
    assert "协商中" in str(district.get(url, {"year": YEAR}).context["table_rows"])
    # another county's administrator gets their own (empty) list and count
    other = client_for(world.district_admin_b).get(url, {"year": YEAR})
    assert other.context["paginator"].count == 0
    assert world.village_a1x.code not in other.content.decode()
    assert district.get(url, {"year": YEAR, "status": "negotiating"}).context["paginator"].count == 1


def test_api_list_follows_a_transition_and_keeps_scopes_apart(world, client_for, drafted):
    district = client_for(world.district_admin)
    agreement = drafted[world.village_a1x.code]
    first = {row["id"]: row["status"] for row in district.get("/api/agreements/").json()["results"]}
    assert first[agreement.pk] == "draft"
    services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    after = district.get("/api/agreements/").json()
    assert {row["id"]: row["status"] for row in after["results"]}[agreement.pk] == "negotiating"
    assert after["count"] == 3
    other = client_for(world.district_admin_b).get("/api/agreements/").json()
    assert other["count"] == 0 and other["results"] == []
    assert district.get("/api/agreements/", {"status": "negotiating"}).json()["count"] == 1
