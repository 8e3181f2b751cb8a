"""Benchmark plug-in (see bench/README.md): the bench town's two calls — one with 5 000 applications that passed
formal review, one of 500 applications scored by 5 reviewers each (2 500 reviews) — and the pages to time: the
applications list (60 a page, first and deep), an application's page, and the closed call's page with its
ranking (issue 13: ≤ 12 queries, ≤ 5× the floor; the ranking of 500 × 5 in under a second)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

RUBRIC = [{"name": "需求契合度", "weight": 40}, {"name": "方案可行性", "weight": 40}, {"name": "预算合理性", "weight": 20}]


def _town():
    from zhengshe.accounts.models import RoleAssignment

    return RoleAssignment.objects.select_related("region").get(user__username="bench_town")


def load(province, rng) -> None:
    from zhengshe.accounts.models import User
    from zhengshe.organizations.interface import Organization

    from .models import Application, Call, Review

    grant = _town()
    town, buyer = grant.region, grant.user
    if Call.objects.filter(buyer_region=town).exists():
        return
    today = timezone.localdate()
    orgs = list(Organization.objects.filter(region__path__under=town.parent.path).order_by("id")[:5000])
    if len(orgs) < 5000:
        orgs += list(Organization.objects.exclude(pk__in=[o.pk for o in orgs]).order_by("id")[:5000 - len(orgs)])
    calls = []
    for n, (title, status) in enumerate([("全年政府购买服务征集", "published"), ("公益创投评审", "closed")], 1):
        calls.append(Call.objects.create(
            buyer_region=town, number=f"{town.code}-XM{today.year}-{n:03d}", year=today.year, kind="venture",
            title=title, description="基准测试数据", budget=Decimal("23809000.00"), opens_on=today - timedelta(days=60),
            closes_on=today + timedelta(days=30), min_grade="", rubric=RUBRIC, status=status, created_by=buyer,
            published_at=timezone.now()))
    lines = [{"name": "人员经费", "amount": "30000.00"}, {"name": "活动经费", "amount": "12000.00"}]
    indicators = [{"name": "服务人次", "target": "1200"}]
    apps = [Application(call=calls[0] if i >= 500 else calls[1], organization=org, title=f"{org.name}社区服务项目",
                        target_group="辖区居民", requested=Decimal("42000.00"), budget_lines=lines,
                        indicators=indicators, status="accepted", submitted_at=timezone.now(), created_by=buyer)
            for i, org in enumerate(orgs)]
    Application.objects.bulk_create(apps, batch_size=2000)
    reviewers = [User.objects.get_or_create(username=f"bench_reviewer_{n}", defaults={
        "display_name": f"评审专家{n}", "must_change_password": False})[0] for n in range(1, 6)]
    scored = Application.objects.filter(call=calls[1]).values_list("pk", flat=True)
    reviews = []
    for pk in scored:
        for reviewer in reviewers:
            a, b, c = rng.randint(20, 40), rng.randint(20, 40), rng.randint(8, 20)
            reviews.append(Review(application_id=pk, reviewer=reviewer, status="submitted", no_conflict=True,
                                  scores={"需求契合度": str(a), "方案可行性": str(b), "预算合理性": str(c)},
                                  total=Decimal(a + b + c), comment="基准", submitted_at=timezone.now()))
    Review.objects.bulk_create(reviews, batch_size=5000)


def pages() -> list[dict]:
    from .models import Application, Call

    town = _town().region
    closed = Call.objects.get(buyer_region=town, status="closed")
    one = Application.objects.filter(call__buyer_region=town).order_by("id").first()
    return [
        {"name": "项目申报列表（镇，5 500 份）", "url": "/projects/applications/", "user": "bench_town",
         "target_ratio": 5.0},
        {"name": "项目申报列表（第 80 页）", "url": "/projects/applications/?page=80", "user": "bench_town",
         "target_ratio": 5.0},
        {"name": "项目申报详情", "url": f"/projects/applications/{one.pk}/", "user": "bench_town", "target_ratio": 5.0},
        {"name": "征集详情与评审排名（500 份 × 5 名专家）", "url": f"/projects/calls/{closed.pk}/", "user": "bench_town",
         "target_ratio": 5.0},
    ]
