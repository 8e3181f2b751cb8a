"""Benchmark plug-in (see bench/README.md): ≥100 000 organizations across the province, and the pages
to time at that scale — the public directory search and the statistics page among them."""

from __future__ import annotations

from datetime import date

TARGET = 100_000
SERIAL_BASE = 20_000_000  # keeps benchmark credit codes apart from the demo's


def load(province, rng) -> None:
    """Bulk-create organizations until the province holds ≥100 000 (idempotent; ~5 per village)."""
    from zhengshe.regions.models import Region

    from .choices import Category, OrgType
    from .credit_code import make_credit_code
    from .models import CreditEntry, Organization

    have = Organization.objects.filter(region__path__under=province.path).count()
    if have >= TARGET:
        return
    villages = list(Region.objects.filter(path__under=province.path, level="village").values_list(
        "id", "code", "name").order_by("id"))
    counties = list(Region.objects.filter(path__under=province.path, level="county").values_list(
        "id", "code", "name"))
    categories = [c for c, _l in Category.choices]
    batch: list[Organization] = []
    serial = SERIAL_BASE + have
    needed = TARGET - have
    created = 0
    suffixes = ["志愿者协会", "老年协会", "广场舞队", "邻里互助会", "慈善会", "社工服务中心", "调解委员会", "读书会"]
    while created < needed:
        for vid, vcode, vname in villages:
            if created >= needed:
                break
            serial += 1
            created += 1
            filed = rng.random() < 0.75
            year = rng.randint(2000, 2026)
            grade = rng.choice(["", "", "", "", "", "", "1A", "2A", "3A", "3A", "4A", "5A"]) if not filed else ""
            batch.append(Organization(
                name=f"{vname}{rng.choice(suffixes)}{serial % 1000:03d}", region_id=vid,
                org_type=OrgType.COMMUNITY if filed else rng.choice(
                    [OrgType.SOCIAL_GROUP, OrgType.SERVICE_INSTITUTION, OrgType.SERVICE_INSTITUTION, OrgType.FOUNDATION]),
                category=rng.choice(categories), registration_kind="filed" if filed else "registered",
                registration_level="town" if filed else "county",
                credit_code="" if filed else make_credit_code("2", vcode[:6], serial),
                filing_number=f"BA{vcode[:9]}{year}{serial:08d}" if filed else "",
                registered_on=date(year, rng.randint(1, 12), rng.randint(1, 28)), status="active",
                contact_phone=f"139{serial % 100_000_000:08d}", legal_representative="负责人",
                grade=grade, grade_valid_to=date(2030, 12, 31) if grade else None,
                grade_valid_from=date(2026, 1, 1) if grade else None))
            if len(batch) >= 5000:
                Organization.objects.bulk_create(batch)
                batch.clear()
        if not villages:
            break
    if batch:
        Organization.objects.bulk_create(batch)
    # County-level registered organizations and a few credit-list entries.
    extra = [Organization(name=f"{cname}行业协会{i}", region_id=cid, org_type=OrgType.SOCIAL_GROUP,
                          category="industry", registration_kind="registered", registration_level="county",
                          credit_code=make_credit_code("1", ccode[:6], SERIAL_BASE - 1000 * (n + 1) + i),
                          registered_on=date(2010 + i, 1, 1), status="active")
             for n, (cid, ccode, cname) in enumerate(counties) for i in range(5)]
    Organization.objects.bulk_create(extra, ignore_conflicts=True)
    sample = list(Organization.objects.filter(region__path__under=province.path).values_list("id", flat=True)[:100_000:500])
    CreditEntry.objects.bulk_create([CreditEntry(organization_id=oid, list_kind="abnormal", reason="report_missing",
                                                 included_on=date(2026, 6, 10)) for oid in sample])


def pages() -> list[dict]:
    from zhengshe.accounts.models import RoleAssignment

    county = RoleAssignment.objects.get(user__username="bench_district").region
    town = RoleAssignment.objects.get(user__username="bench_town").region
    return [
        {"name": "社会组织公开名录：按名称搜索", "url": "/p/organizations/?q=%E5%BF%97%E6%84%BF", "user": "bench_leader",
         "target_ratio": 6.0},
        {"name": "社会组织公开名录：按类别和区划", "url": f"/p/organizations/?category=charity&within={county.code}",
         "user": "bench_leader", "target_ratio": 6.0},
        {"name": "社会组织统计（全省）", "url": "/organizations/statistics/", "user": "bench_leader", "target_ratio": 10.0},
        {"name": "社会组织统计（县）", "url": f"/organizations/statistics/?region={county.code}", "user": "bench_district",
         "target_ratio": 6.0},
        {"name": "社会组织名册（街镇）", "url": "/organizations/", "user": "bench_town", "target_ratio": 4.0},
        {"name": "社会组织名册（县，按名称）", "url": "/organizations/?q=%E5%8D%8F%E4%BC%9A", "user": "bench_district",
         "target_ratio": 6.0},
        {"name": "API 社会组织", "url": "/api/organizations/?page=2", "user": "bench_district", "target_ratio": 4.0},
        {"name": "社会组织详情", "url": f"/organizations/{_first_org(town)}/", "user": "bench_town", "target_ratio": 4.0},
    ]


def _first_org(town) -> int:
    from .models import Organization

    return Organization.objects.filter(region__path__under=town.path).order_by("id").values_list(
        "id", flat=True).first() or 0
