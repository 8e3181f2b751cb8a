"""Query budgets: the agreement's detail page and a supplementary agreement's page issue the same number of queries
with one signed amendment as with three (several item lines each) — no query per amendment, line or item."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengshe.agreements import services
from zhengshe.agreements.models import AgreementItem, Amendment
from zhengshe.testing import assert_max_queries

from .conftest import plan_money

# Whole page (session, user, scope, agreement, items, notes, revisions, amendments, effective items, ledger, history …)
DETAIL_BUDGET = 30
AMENDMENT_BUDGET = 25


def _terms(item, **changes) -> dict:
    data = {name: getattr(item, name) for name in AgreementItem.TERMS}
    data["funding_amount"] = item.funding_amount
    data.update(changes)
    return data


def _signed_amendment(world, agreement, n: int) -> Amendment:
    """A supplementary agreement changing the money and requirements of three items, signed by B then A."""
    amendment = services.amendment_create(actor=world.town_staff, agreement=agreement, title="",
                                          content=f"第{n}次调整")
    for number in ("A01", "A02", "A03"):
        item = agreement.items.get(number=number)
        version = Amendment.objects.get(pk=amendment.pk).version
        services.amendment_item_change(
            actor=world.town_staff, amendment=amendment, version=version, item=item, reason=f"第{n}次调整{number}",
            data=_terms(item, funding_amount=Decimal("100") * n + item.funding_amount,
                        requirements=f"{item.requirements}（第{n}次调整）"))
    plan_money(world, amendment)
    services.amendment_sign(actor=world.village_staff, amendment=Amendment.objects.get(pk=amendment.pk),
                            signer_name="张", seal_number="村章")
    return services.amendment_sign(actor=world.town_staff, amendment=Amendment.objects.get(pk=amendment.pk),
                                   signer_name="李", seal_number="镇章")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["town_staff", "village_staff"])
def test_detail_and_amendment_pages_cost_the_same_with_one_or_three_amendments(world, client_for, signed, viewer):
    client = client_for(getattr(world, viewer))
    detail = reverse("agreements:detail", args=[signed.pk])
    first = _signed_amendment(world, signed, 1)
    first_url = reverse("agreements:amendment_detail", args=[first.pk])
    client.get(detail)  # warm per-process caches (content types, …) so both counts measure the page alone
    with_one = {"detail": _count(client, detail), "amendment": _count(client, first_url)}
    second = _signed_amendment(world, signed, 2)
    _signed_amendment(world, signed, 3)
    with_three = {"detail": _count(client, detail), "amendment": _count(client, first_url),
                  "middle": _count(client, reverse("agreements:amendment_detail", args=[second.pk]))}
    assert with_three["detail"] == with_one["detail"], (with_one, with_three)
    assert with_three["amendment"] == with_one["amendment"] == with_three["middle"], (with_one, with_three)
    with assert_max_queries(DETAIL_BUDGET):
        page = client.get(detail)
    # the items in force carry the last amendment's money (A01: 3 150.00 signed, the third sets 3 150.00 + 300)
    assert "3,450.00" in page.content.decode()
    with assert_max_queries(AMENDMENT_BUDGET):
        client.get(first_url)


def test_draft_amendment_page_for_its_editor_is_bounded_too(world, client_for, signed):
    """The editor's view of a draft also lists the items in force (effective_items before it)."""
    client = client_for(world.town_staff)
    _signed_amendment(world, signed, 1)
    draft = services.amendment_create(actor=world.town_staff, agreement=signed, title="", content="草稿")
    url = reverse("agreements:amendment_detail", args=[draft.pk])
    client.get(url)
    before = _count(client, url)
    _signed_amendment(world, signed, 2)
    _signed_amendment(world, signed, 3)
    assert _count(client, url) == before
    with assert_max_queries(AMENDMENT_BUDGET):
        client.get(url)
