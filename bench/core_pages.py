"""The foundation's own pages in the benchmark: home, region list/detail, the regions API.

Same contract as an app's ``zhengshe/<app>/bench.py`` (``load`` adds nothing: the province tree is
built by ``zhengshe demo --scale province`` before any app loads).
"""

from __future__ import annotations

# Home and region pages must stay within 3× the floor at province scale (issue 2, point 9).
TARGET = 3.0


def load(province, rng) -> None:  # the tree itself comes from the province demo builder
    return None


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
    ]
