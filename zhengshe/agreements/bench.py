"""Bench plug-in: a year's agreements for every committee of the bench county (bulk inserts), and their pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

ITEMS = [
    ("人口信息采集与流动人口登记", "per_household", "12.00"), ("社会救助对象排查与动态管理", "per_capita", "0.50"),
    ("安全生产宣传与隐患排查", "fixed", "6000.00"), ("征兵宣传与适龄青年登记", "none", "0"),
    ("计划生育与妇幼健康服务协助", "per_household", "4.00"), ("环境卫生整治与河道保洁监督", "fixed", "8000.00"),
    ("老龄工作与高龄津贴申报", "per_capita", "0.30"), ("残疾人服务与康复需求调查", "fixed", "2000.00"),
    ("社会治安综合治理与矛盾排查", "per_household", "6.00"), ("劳动就业与社会保险政策宣传", "per_capita", "0.20"),
    ("防汛防台与应急避险协助", "fixed", "3000.00"), ("统计调查与数据报送协助", "none", "0"),
]
BATCH = 1000


def _bench_town():
    from zhengshe.accounts.models import RoleAssignment

    return RoleAssignment.objects.select_related("region__parent").get(user__username="bench_town").region


def _list_for(county, year):
    from zhengshe.catalog.interface import DutyList, ItemIdentity, ListItem

    from .services import assisted_list_for

    existing = assisted_list_for(county)
    if existing is not None and existing.items.exists():
        return existing
    version = (DutyList.objects.filter(region=county, kind="assisted").order_by("-version")
               .values_list("version", flat=True).first() or 0) + 1
    duty_list = DutyList.objects.create(kind="assisted", region=county, year=year, version=version, status="published",
                                        title=f"{county.name}协助政府工作事项清单（基准测试）",
                                        published_at=timezone.now())
    identities = {}
    for n in range(len(ITEMS)):
        key = f"BA{n + 1:02d}"
        identities[key], _ = ItemIdentity.objects.get_or_create(region=county, kind="assisted", key=key)
    ListItem.objects.bulk_create([
        ListItem(duty_list=duty_list, identity=identities[f"BA{n + 1:02d}"], number=f"BA{n + 1:02d}",
                 category="社会管理", title=title, funding_follows=basis != "none", funding_basis=basis,
                 funding_amount=Decimal(amount), position=n)
        for n, (title, basis, amount) in enumerate(ITEMS)])
    return duty_list


def load(province, rng) -> None:
    """A year's agreements (drafts, negotiations, in force) for every committee of the province, with items and money.

    County by county, so memory stays bounded (≈20 000 agreements, ≈200 000 items at province scale).
    """
    from zhengshe.audit.services import record_event
    from zhengshe.regions.models import Region

    from .models import Agreement

    year = timezone.localdate().year
    if Agreement.objects.filter(party_b__path__under=province.path, year=year).exists():
        return
    list_items = list(_list_for(province, year).items.select_related("identity").order_by("position")[:10])
    counties = list(Region.objects.filter(path__under=province.path, level="county").order_by("code"))
    totals = [0, 0, 0]
    for county in counties:
        for i, n in enumerate(_load_county(county, list_items, year, rng)):
            totals[i] += n
    record_event("bench.agreements_loaded", province, after={"agreements": totals[0], "items": totals[1],
                                                             "ledger": totals[2]})


def _load_county(county, list_items, year, rng) -> tuple[int, int, int]:
    from zhengshe.regions.models import Region

    from .models import Agreement, AgreementItem, Instalment, LedgerEntry
    from .services import DEFAULT_CLAUSES, even_weights, funding_for

    weights = even_weights(len(list_items))
    villages = list(Region.objects.filter(path__under=county.path, level="village").select_related("parent")
                    .order_by("code"))
    statuses = ["in_force"] * 6 + ["negotiating"] * 2 + ["draft"] * 2
    now = timezone.now()
    agreements, funded, plans = [], [], []
    for n, village in enumerate(villages, start=1):
        lines = [(li, weight, *funding_for(li, village)) for li, weight in zip(list_items, weights, strict=True)]
        funded.append(lines)
        status = rng.choice(statuses)
        signed = status == "in_force"
        total = sum((line[5] for line in lines), Decimal("0"))
        first = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        paid = signed and bool(total) and rng.random() < 0.8
        plans.append((first, paid))
        agreements.append(Agreement(
            kind="standard", title=f"{year}年度基层群众自治组织协助政府管理协议书", year=year,
            number=f"{village.parent.name[:2]}协〔{year}〕{n}号", term_start=dt.date(year, 1, 1),
            term_end=dt.date(year, 12, 31), party_a=village.parent, party_a_name=f"{village.parent.name}人民政府",
            party_b=village, party_b_name=f"{village.name}委员会", status=status,
            households_basis=village.households, population_basis=village.population,
            confirmed_a_revision=1 if signed else 0, confirmed_b_revision=1 if signed else 0,
            a_signer_name="镇长" if signed else "", b_signer_name="主任" if signed else "",
            a_signed_at=now if signed else None, b_signed_at=now if signed else None,
            a_seal_number="镇章" if signed else "", b_seal_number="村章" if signed else "",
            total_funding=total, funds_allocated=total if signed else Decimal("0"),
            funds_paid=first if paid else Decimal("0"), **DEFAULT_CLAUSES))
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)
    items, ledger, instalments = [], [], []
    for agreement, lines, (first, paid) in zip(agreements, funded, plans, strict=True):
        total = agreement.total_funding
        for li, weight, basis, standard, quantity, amount in lines:
            items.append(AgreementItem(
                agreement=agreement, list_item=li, identity=li.identity, position=li.position, number=li.number,
                category=li.category, title=li.title, funding_basis=basis, funding_standard=standard,
                funding_quantity=quantity, funding_amount=amount, weight=weight, requirements=li.title,
                indicator=f"按时按质完成{li.title}"))
        if agreement.status == "in_force" and total:
            instalments.append(Instalment(agreement=agreement, number=1, label="第一期", amount=first,
                                          due_date=dt.date(year, 6, 30),
                                          paid_on=dt.date(year, rng.choice([6, 6, 6, 7]), rng.randint(1, 30))
                                          if paid else None))
            instalments.append(Instalment(agreement=agreement, number=2, label="第二期", amount=total - first,
                                          due_date=dt.date(year, 12, 31)))
            ledger += [LedgerEntry(agreement=agreement, kind="allocate", amount=item.funding_amount, item=item,
                                   entry_date=dt.date(year, 1, 15), reason="协议签署，核定事项经费", source="bench")
                       for item in items[-len(lines):] if item.funding_amount > 0]
            if paid:
                ledger.append(LedgerEntry(agreement=agreement, kind="pay", amount=first, entry_date=dt.date(year, 6, 28),
                                          voucher_number=f"B-{agreement.pk}", reason="第一期", source="bench"))
    AgreementItem.objects.bulk_create(items, batch_size=BATCH)
    Instalment.objects.bulk_create(instalments, batch_size=BATCH)
    LedgerEntry.objects.bulk_create(ledger, batch_size=BATCH)
    return len(agreements), len(items), len(ledger)


def pages() -> list[dict]:
    from .models import Agreement

    town = _bench_town()
    year = timezone.localdate().year
    one = Agreement.objects.filter(party_b__parent=town, year=year).order_by("id").values_list("pk", flat=True).first()
    result = [
        {"name": "协议列表（镇）", "url": "/agreements/", "user": "bench_town", "target_ratio": 5.0},
        {"name": "协议列表（县）", "url": "/agreements/", "user": "bench_district", "target_ratio": 5.0},
        {"name": "协议列表（县，第 3 页）", "url": "/agreements/?page=3", "user": "bench_district", "target_ratio": 5.0},
        {"name": "协议经费汇总（县，按镇）", "url": f"/agreements/funds/?year={year}&group=town",
         "user": "bench_district", "target_ratio": 5.0},
        {"name": "协议经费汇总（省，按县）", "url": f"/agreements/funds/?year={year}&group=county",
         "user": "bench_leader", "target_ratio": 5.0},
        {"name": "协议列表（省）", "url": "/agreements/", "user": "bench_leader", "target_ratio": 5.0},
        {"name": "API 协议（县）", "url": "/api/agreements/", "user": "bench_district", "target_ratio": 5.0},
    ]
    if one:
        result.append({"name": "协议详情（镇）", "url": f"/agreements/{one}/", "user": "bench_town", "target_ratio": 5.0})
    return result
