"""Test support shared by every app: the small world, logged-in clients, scope cases, query budgets.

The world (built by ``build_world``): 江苏省 → 苏州市 → county A (320581) and county B (320582) → two
towns each → three villages each, plus one user per role at the right level. Apps register a
``ScopeCase`` for every URL name they add (in ``zhengshe/<app>/tests/scope_cases.py``) and the
generic test in ``core/tests/test_scope_every_url.py`` visits each as a sibling village's worker.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

import pyotp
from django.db import connection
from django.test.utils import CaptureQueriesContext

PASSWORD = "Test@Pass2026"


def make_user(username: str, role: str | None = None, *, region=None, target=None, department: str = ""):
    """A user with one grant: within ``region``, or bound to ``target`` (an organization, a residents' council)."""
    from zhengshe.accounts import targets
    from zhengshe.accounts.models import RoleAssignment, User

    home = region if region is not None else getattr(target, "region", None)
    user = User(username=username, display_name=username, must_change_password=False, home_region=home)
    user.set_password(PASSWORD)
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    user.save()
    if role:
        kind = targets.kind_of(target) if target is not None else None
        RoleAssignment.objects.create(user=user, role=role, region=home if kind else region,
                                      target_kind=kind.kind if kind else "", target_id=getattr(target, "pk", None),
                                      department=department)
    return user


def build_world() -> SimpleNamespace:
    """A small but complete tree with users at every level (see module docstring)."""
    from zhengshe.organizations.models import Organization
    from zhengshe.regions.models import Region

    w = SimpleNamespace()
    w.province = Region.objects.create(code="320000", name="江苏省", level="province")
    w.city = Region.objects.create(code="320500", name="苏州市", level="city", parent=w.province)
    w.counties, w.towns, w.villages = [], [], []
    for ccode, cname in [("320581", "甲县"), ("320582", "乙县")]:
        county = Region.objects.create(code=ccode, name=cname, level="county", parent=w.city)
        w.counties.append(county)
        for ti in range(2):
            town = Region.objects.create(code=f"{ccode}{100 + ti:03d}", name=f"{cname}{ti + 1}镇", level="town",
                                         parent=county)
            w.towns.append(town)
            for vi in range(3):
                vcode = f"{town.code}{(1 + vi) if vi == 0 else 200 + vi:03d}"
                w.villages.append(Region.objects.create(
                    code=vcode, name=f"{town.name}{vi + 1}村", level="village", parent=town, population=1000 * (vi + 1),
                    households=300 * (vi + 1), service_centre_area=300 + 100 * vi, urban_rural_code="220"))
    # Naming: county_a, town_a1 (first town of A), village_a1x (first village of town A1), village_a1y (its sibling)
    w.county_a, w.county_b = w.counties
    w.town_a1, w.town_a2, w.town_b1, w.town_b2 = w.towns
    w.village_a1x, w.village_a1y, w.village_a1z = w.villages[0:3]
    w.village_a2x = w.villages[3]
    w.village_b1x = w.villages[6]
    w.org_a = Organization.objects.create(name="甲县社工服务中心", region=w.county_a)
    w.org_b = Organization.objects.create(name="乙县志愿者协会", region=w.county_b)
    w.district_admin = make_user("district_a", "district_admin", region=w.county_a, department="甲县民政局")
    w.district_admin_b = make_user("district_b", "district_admin", region=w.county_b, department="乙县民政局")
    w.leader = make_user("leader_a", "leader", region=w.county_a)
    w.town_staff = make_user("town_a1", "town_staff", region=w.town_a1, department="甲县1镇社会事业局")
    w.town_staff_b = make_user("town_b1", "town_staff", region=w.town_b1, department="乙县1镇社会事业局")
    w.village_staff = make_user("village_a1x", "village_staff", region=w.village_a1x)
    w.sibling_staff = make_user("village_a1y", "village_staff", region=w.village_a1y)
    w.org_user = make_user("org_a", "org_user", target=w.org_a)
    w.org_user_b = make_user("org_b", "org_user", target=w.org_b)
    w.expert = make_user("expert_a", "expert", region=w.county_a)
    w.sys_admin = make_user("sys_a", "sys_admin", region=w.county_a)
    w.security_admin = make_user("sec_a", "security_admin", region=w.county_a)
    w.audit_admin = make_user("audit_a", "audit_admin", region=w.county_a)
    w.nobody = make_user("nobody")
    return w


@dataclass
class ScopeCase:
    """How to visit one URL name with an object inside village A1x (or its town) as the owner would.

    ``make(world)`` creates what the URL shows and returns ``{"kwargs": {...}, "marker": "text"}``:
    the marker is a string that only that object's page or list row contains. The sibling village's
    worker must get 404/403 for details, and must not find the marker in lists or exports.
    ``public`` marks pages meant for everyone (the survey, the public directory); ``post_only`` pages
    are only checked to refuse the outsider.
    """

    make: Callable
    public: bool = False
    post_only: bool = False
    outsider: str = "sibling_staff"  # which world user plays the outsider
    owner: str | None = "village_staff"  # who must see the marker (proves the check is not vacuous); None: skip
    notes: str = ""
    extra_params: dict = field(default_factory=dict)


@contextmanager
def assert_max_queries(limit: int):
    """Fail when the block issues more than ``limit`` SQL queries (a page's budget, whatever the row count)."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    count = len(ctx.captured_queries)
    if count > limit:
        listing = "\n".join(q["sql"][:200] for q in ctx.captured_queries)
        raise AssertionError(f"{count} queries > budget {limit}:\n{listing}")


def signed_in_tab(browser, live_server, user, problems: list[str]):
    """A Playwright tab signed in as ``user`` (session made by the test client: sign-in itself is tested in
    core) that collects page errors and console errors into ``problems``."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="zhengshe.accounts.backends.LockoutModelBackend")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return tab
