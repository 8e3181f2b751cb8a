"""Funds by item (issue 12 point 8): payments, withholdings and awards are booked on the agreement, so the item table
splits them over the items in proportion to their allocation, exact to the fen; money no item carries is its own
row; the total row counts distinct agreements; item numbers sort as numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.agreements import selectors, services
from zhengshe.agreements.models import LedgerEntry
from zhengshe.utilities.money import natural_key, split_to_fen

from .conftest import YEAR, make_assisted_list, sign_both

# item numbers that sort wrongly as text (1, 10, 12, 2)
NUMBERED = [
    ("1", "协助开展人口普查与流动人口登记", "per_household", Decimal("10.50")),
    ("2", "协助做好社会救助对象排查", "per_capita", Decimal("0.35")),
    ("10", "协助开展安全生产宣传与隐患排查", "fixed", Decimal("5000.00")),
    ("12", "协助做好征兵宣传", "fixed", Decimal("333.33")),
]
FUNDS = ("allocated", "paid", "withheld", "awarded", "balance")


@pytest.fixture
def assisted_list(world):
    return make_assisted_list(world.county_a, items=NUMBERED)


def test_split_to_fen_adds_up_and_gives_the_remainder_to_the_largest_fractions():
    assert split_to_fen(Decimal("100.00"), [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert split_to_fen(Decimal("0.05"), [Decimal("3150"), Decimal("350"), Decimal("5000")]) == [
        Decimal("0.02"), Decimal("0.00"), Decimal("0.03")]
    assert sorted(["1", "10", "12", "2"], key=natural_key) == ["1", "2", "10", "12"]


def test_money_by_item_adds_up_to_the_ledger_to_the_fen(world, client_for, drafted):
    # given two signed agreements, money paid, withheld and awarded on the agreement, and an allocation booked
    # without an item
    one = sign_both(world, drafted[world.village_a1x.code])
    two = sign_both(world, drafted[world.village_a1y.code], village_user=world.sibling_staff)
    for agreement in (one, two):
        first = agreement.instalments.order_by("number").first()
        services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10),
                                voucher_number=f"记-{agreement.pk}")
    services.funds_adjust(actor=world.district_admin, agreement=one, kind="withhold", amount=Decimal("100.01"),
                          reason="评估扣减")
    services.funds_adjust(actor=world.district_admin, agreement=two, kind="award", amount=Decimal("0.07"),
                          reason="评估奖励")
    LedgerEntry.objects.create(agreement=one, kind="allocate", amount=Decimal("99.99"), entry_date=dt.date(YEAR, 8, 1),
                               reason="追加经费", source="manual")
    services._refresh_funds(one.pk)
    ledgers = [selectors.ledger_totals(a) for a in (one, two)]
    assert ledgers[0]["paid"] > 0 and ledgers[1]["paid"] > 0

    # when the district opens the funds page by item
    response = client_for(world.district_admin).get(reverse("agreements:funds"), {"year": YEAR, "group": "item"})
    rows, totals = response.context["rows"], response.context["totals"]

    # then every item carries its share of what was paid, and the rows add up to the two ledgers exactly
    assert [r["key"] for r in rows] == ["1", "2", "10", "12", ""]
    assert rows[-1]["label"] == "未分摊到事项"
    for field in FUNDS:
        assert sum(r[field] for r in rows) == ledgers[0][field] + ledgers[1][field] == totals[field], field
    assert all(r["paid"] > 0 for r in rows)
    # the unattributed allocation bears its share of agreement one's payment
    assert rows[-1]["allocated"] == Decimal("99.99") and rows[-1]["agreements"] == 1 and rows[-1]["paid"] > 0
    # the total row counts the agreements, not the item rows
    assert totals["agreements"] == 2
    page = response.content.decode()
    assert "未分摊到事项" in page and page.index(">2<") < page.index(">10<")
    assert '<td class="num">2</td><td class="num" id="total-allocated">' in page


def test_item_split_per_agreement_is_exact(world, signed):
    first = signed.instalments.order_by("number").first()
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10),
                            voucher_number="记-1")
    services.funds_adjust(actor=world.district_admin, agreement=signed, kind="withhold", amount=Decimal("0.05"),
                          reason="评估扣减")
    rows, totals = selectors.funds_by_item(world.town_staff, year=YEAR)
    ledger = selectors.ledger_totals(signed)
    assert {r["key"]: r["withheld"] for r in rows} == dict(zip(
        [r["key"] for r in rows], split_to_fen(Decimal("0.05"), [r["allocated"] for r in rows]), strict=True))
    assert sum(r["withheld"] for r in rows) == ledger["withheld"] == Decimal("0.05")
    assert sum(r["paid"] for r in rows) == ledger["paid"] and totals["agreements"] == 1
