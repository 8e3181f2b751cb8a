"""Fixtures: a published assisted list for county A with one item per funding basis, and a town template."""

import datetime as dt
from decimal import Decimal

import pytest

from zhengshe.catalog.models import DutyList, ItemIdentity, ListItem

YEAR = 2026
# (number, title, basis, standard): hand-computed funding per committee is checked in the tests.
ITEMS = [
    ("A01", "协助开展人口普查与流动人口登记", "per_household", Decimal("10.50")),
    ("A02", "协助做好社会救助对象排查", "per_capita", Decimal("0.35")),
    ("A03", "协助开展安全生产宣传与隐患排查", "fixed", Decimal("5000.00")),
    ("A04", "协助征兵宣传与适龄青年登记", "none", Decimal("0")),
]


def make_assisted_list(region, *, year=YEAR, items=ITEMS, kind="assisted"):
    duty_list = DutyList.objects.create(kind=kind, region=region, year=year, title=f"{region.name}协助政府工作事项清单",
                                        status="published")
    for pos, (number, title, basis, amount) in enumerate(items):
        identity, _ = ItemIdentity.objects.get_or_create(region=region, kind=kind, key=number)
        ListItem.objects.create(duty_list=duty_list, identity=identity, number=number, category="社会管理",
                                title=title, description=f"{title}，按要求报送情况。", department="民政办",
                                funding_follows=basis != "none", funding_basis=basis, funding_amount=amount,
                                position=pos)
    return duty_list


@pytest.fixture
def assisted_list(world):
    return make_assisted_list(world.county_a)


@pytest.fixture
def template(world, assisted_list):
    from zhengshe.agreements.services import template_create

    return template_create(actor=world.town_staff, region=world.town_a1, year=YEAR,
                           instalment_plan=[{"label": "第一期", "percent": "60", "due": f"{YEAR}-06-30"},
                                            {"label": "第二期", "percent": "40", "due": f"{YEAR}-12-31"}])


@pytest.fixture
def drafted(world, template):
    """The town's agreements drafted in bulk; returns {village code: Agreement}."""
    from zhengshe.agreements.models import Agreement
    from zhengshe.agreements.services import drafting_start

    drafting_start(actor=world.town_staff, template=template)
    return {a.party_b.code: a for a in Agreement.objects.filter(template=template).select_related("party_b")}


def sign_both(world, agreement, *, village_user=None, town_user=None):
    """Negotiate and sign an agreement as both sides (B first)."""
    from zhengshe.agreements import services

    town_user = town_user or world.town_staff
    village_user = village_user or world.village_staff
    agreement = services.agreement_transition(actor=town_user, agreement=agreement, action="submit")
    services.agreement_confirm(actor=town_user, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=village_user, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_sign(actor=village_user, agreement=agreement, signer_name="张村长",
                                        seal_number="村章-001")
    return services.agreement_sign(actor=town_user, agreement=agreement, signer_name="李镇长", seal_number="镇章-001")


@pytest.fixture
def signed(world, drafted):
    """Village A1x's agreement signed by both sides."""
    return sign_both(world, drafted[world.village_a1x.code])


@pytest.fixture
def today():
    return dt.date.today()


def plan_money(world, amendment, *, actor=None):
    """Give a draft amendment that changes money the instalment rows the plan editor proposes (as party A would)."""
    from zhengshe.agreements import services
    from zhengshe.agreements.models import Amendment

    fresh = Amendment.objects.select_related("agreement").get(pk=amendment.pk)
    return services.amendment_plan_set(actor=actor or world.town_staff, amendment=fresh, version=fresh.version,
                                       rows=services.amendment_plan_proposal(fresh))
