"""Benchmark plug-in (see bench/README.md): province-scale lists, the bench county's admissions and refusals,
and the burden registry of the bench town's villages, all bulk-inserted; and the catalog pages to time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhengshe.regions.models import Region

from . import demo_data as data
from .models import AdmissionRequest, BurdenItem, DutyList, ItemIdentity, ListItem, UnlistedAsk

KINDS = [("duties", data.DUTIES), ("assisted", data.ASSISTED),
         ("council", [(c, t, b, "民政局") for c, t, b in data.COUNCIL])]


def _bench_regions():
    from zhengshe.accounts.models import RoleAssignment

    town = RoleAssignment.objects.select_related("region").get(user__username="bench_town").region
    return town.parent, town


def load(province, rng) -> None:
    county, town = _bench_regions()
    if DutyList.objects.filter(region=county).exists():
        return
    counties = list(Region.objects.filter(path__under=province.path, level="county"))
    now = timezone.now()
    lists = [DutyList(region=c, kind=kind, year=2024, version=1, title=f"{c.name}{kind}清单", status="published",
                      published_at=now) for c in counties for kind, _rows in KINDS]
    DutyList.objects.bulk_create(lists, batch_size=1000)
    identities = [ItemIdentity(region=d.region, kind=d.kind, key=str(n))
                  for d in lists for n in range(1, len(dict(KINDS)[d.kind]) + 1)]
    ItemIdentity.objects.bulk_create(identities, batch_size=5000)
    by_key = {(i.region_id, i.kind, i.key): i for i in identities}
    items = []
    for d in lists:
        for n, row in enumerate(dict(KINDS)[d.kind], start=1):
            basis, amount = (row[4], Decimal(row[5])) if len(row) > 4 else ("none", Decimal(0))
            items.append(ListItem(duty_list=d, identity=by_key[(d.region_id, d.kind, str(n))], number=str(n),
                                  category=row[0], title=row[1], legal_basis=row[2], department=row[3], position=n,
                                  funding_follows=basis != "none", funding_basis=basis, funding_amount=amount))
    ListItem.objects.bulk_create(items, batch_size=5000)
    _admissions(county, town, rng)
    _burden(town, rng)


def _admissions(county, town, rng) -> None:
    from zhengshe.accounts.models import User

    applicant = User.objects.get(username="bench_town")
    villages = list(Region.objects.filter(parent=town, level="village"))
    today = timezone.localdate()
    statuses = ["approved"] * 5 + ["submitted", "returned", "rejected", "draft"]
    rows = []
    for i in range(300):
        status = rng.choice(statuses)
        rows.append(AdmissionRequest(
            issuing_region=county, applicant_region=town, applicant=applicant, department=f"{town.name}社会事业局",
            kind=rng.choice(["task", "ledger", "signboard", "rating", "certificate"]), subtype="", title=f"准入事项{i}",
            content="内容", legal_basis="依据", target_mode="subtree", target_root=town, requested_from=today,
            requested_until=today + timedelta(days=365), status=status,
            approved_mode="subtree" if status == "approved" else "", approved_root=town if status == "approved" else None,
            valid_from=today if status == "approved" else None,
            valid_until=today + timedelta(days=365) if status == "approved" else None,
            register_number=f"准入〔{today.year}〕{i + 1}号" if status == "approved" else ""))
    AdmissionRequest.objects.bulk_create(rows, batch_size=1000)
    asks = [UnlistedAsk(region=rng.choice(villages), received_on=today - timedelta(days=rng.randint(0, 300)),
                        department=f"{town.name}{rng.choice(data.TOWN_DEPARTMENTS)}", kind="task",
                        title=f"清单外事项{i}", outcome=rng.choice(["refused", "refused", "pending", "withdrawn"]),
                        recorded_by=applicant) for i in range(600)]
    for i, a in enumerate(asks):
        if a.outcome == "refused":  # numbered from the village's code, unique per village (as the service does)
            a.refused_on, a.notice_number = a.received_on, f"{a.region.code}拒告〔{today.year}〕{i + 1}号"
    UnlistedAsk.objects.bulk_create(asks, batch_size=1000)


def _burden(town, rng) -> None:
    villages = list(Region.objects.filter(parent=town, level="village"))
    plan = [("paper", "ledger", 30, 3), ("creation", "ledger", 24, 6), ("electronic", "ledger", 16, 8),
            ("outside", "signboard", 12, 2), ("inside", "signboard", 47, 16), ("rating", "rating", 20, 4)]
    rows = []
    for v in villages:
        for subtype, kind, n, kept in plan:
            for i in range(n):
                removed = i >= kept
                rows.append(BurdenItem(region=v, kind=kind, subtype=subtype, name=f"{subtype}{i}",
                                       state="removed" if removed else "kept",
                                       state_changed_on=date(rng.randint(2015, 2019), 6, 1) if removed else None))
    BurdenItem.objects.bulk_create(rows, batch_size=5000)


def pages() -> list[dict]:
    county, town = _bench_regions()
    assisted = DutyList.objects.get(region=county, kind="assisted", version=1)
    return [
        {"name": "清单列表（省）", "url": "/catalog/", "user": "bench_leader", "target_ratio": 3.0},
        {"name": "清单详情（县协助清单）", "url": f"/catalog/lists/{assisted.pk}/", "user": "bench_town",
         "target_ratio": 3.0},
        {"name": "准入申请（县）", "url": "/catalog/admission/", "user": "bench_district", "target_ratio": 3.0},
        {"name": "准入登记簿（镇）", "url": "/catalog/register/", "user": "bench_town", "target_ratio": 3.0},
        {"name": "清单外事项（县）", "url": "/catalog/asks/", "user": "bench_district", "target_ratio": 3.0},
        {"name": "减负汇总（镇）", "url": "/catalog/burden/", "user": "bench_town", "target_ratio": 3.0},
        {"name": "减负汇总（省）", "url": "/catalog/burden/", "user": "bench_leader", "target_ratio": 3.0},
        {"name": "减负明细（镇）", "url": "/catalog/burden/items/", "user": "bench_town", "target_ratio": 3.0},
        {"name": "API 清单", "url": "/api/catalog/lists/?page=2", "user": "bench_leader", "target_ratio": 3.0},
    ]
