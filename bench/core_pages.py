"""The foundation's own pages in the benchmark: home, region list/detail, the regions API.

Same contract as an app's ``zhengshe/<app>/bench.py`` (``load`` adds nothing: the province tree is
built by ``zhengshe demo --scale province`` before any app loads).
"""

from __future__ import annotations

# Home and region pages must stay within 3× the floor at province scale (issue 2, point 9).
TARGET = 3.0


def load(province, rng) -> None:
    """The tree itself comes from the province demo builder; this adds open work (待办) for the inbox pages:
    500 items waiting for the bench town worker's town and 20 000 for the bench district administrator's county
    (issue 10: "the inbox of a town worker with 500 open items and of a district administrator with 20 000")."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from zhengshe.accounts.models import RoleAssignment
    from zhengshe.core.models import WorkItem
    from zhengshe.regions.models import Region

    now = timezone.now()
    ct = ContentType.objects.get_for_model(Region)
    for username, role, wanted in (("bench_town", "town_staff", 500), ("bench_district", "district_admin", 20_000)):
        top = RoleAssignment.objects.select_related("region").get(user__username=username, active=True).region
        have = WorkItem.objects.filter(role=role, region_path__startswith=top.path, closed_at__isnull=True).count()
        villages = list(Region.objects.filter(path__under=top.path, level="village").values_list("pk", "path", "name"))
        items = []
        for i in range(have, wanted):
            pk, path, name = villages[i % len(villages)]
            items.append(WorkItem(
                content_type=ct, object_id=str(pk), workflow="bench", state="waiting", state_label="待审核",
                title=f"{name}的待办事项 {i + 1}", url="/", role=role, region_path=path,
                deadline=(now + dt.timedelta(days=rng.randint(-10, 30))).date(), opened_at=now))
        WorkItem.objects.bulk_create(items, batch_size=2000)


def pages() -> list[dict]:
    from zhengshe.accounts.models import RoleAssignment

    def scope_code(username: str) -> str:
        grant = RoleAssignment.objects.select_related("region").get(user__username=username, active=True)
        return grant.region.code

    province, county, town = scope_code("bench_leader"), scope_code("bench_district"), scope_code("bench_town")
    return [
        {"name": "首页（省领导）", "url": "/", "user": "bench_leader", "target_ratio": TARGET},
        {"name": "首页（县民政）", "url": "/", "user": "bench_district", "target_ratio": TARGET},
        {"name": "首页（镇街）", "url": "/", "user": "bench_town", "target_ratio": TARGET},
        {"name": "区划列表（全省）", "url": "/regions/", "user": "bench_leader", "target_ratio": TARGET},
        {"name": "区划列表第 200 页", "url": "/regions/?page=200", "user": "bench_leader", "target_ratio": TARGET},
        {"name": "区划搜索", "url": "/regions/?q=%E6%96%B0&level=village", "user": "bench_leader",
         "target_ratio": TARGET},
        {"name": "区划列表（县）", "url": "/regions/", "user": "bench_district", "target_ratio": TARGET},
        {"name": "省详情", "url": f"/regions/{province}/", "user": "bench_leader", "target_ratio": TARGET},
        {"name": "县详情", "url": f"/regions/{county}/", "user": "bench_district", "target_ratio": TARGET},
        {"name": "镇详情", "url": f"/regions/{town}/", "user": "bench_town", "target_ratio": TARGET},
        {"name": "API 区划第 2 页", "url": "/api/regions/?page=2", "user": "bench_leader", "target_ratio": TARGET},
        {"name": "API 区划第 300 页", "url": "/api/regions/?page=300", "user": "bench_leader",
         "target_ratio": TARGET},
        {"name": "API 区划（县）", "url": "/api/regions/", "user": "bench_district", "target_ratio": TARGET},
        {"name": "待办（镇街，500 件）", "url": "/inbox/", "user": "bench_town", "target_ratio": TARGET},
        {"name": "待办第 20 页（镇街）", "url": "/inbox/?page=20", "user": "bench_town", "target_ratio": TARGET},
        {"name": "待办（县民政，2 万件）", "url": "/inbox/", "user": "bench_district", "target_ratio": TARGET},
        {"name": "待办第 800 页（县民政）", "url": "/inbox/?page=800", "user": "bench_district",
         "target_ratio": TARGET},
    ]
