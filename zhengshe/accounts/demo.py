"""Demo accounts: one or more users for every role, with their logins printed by ``zhengshe demo``."""

import pyotp
from django.utils import timezone

from .models import RoleAssignment, User
from .roles import Role

DEMO_PASSWORD = "Zhengshe@2026"

# username, display name, role, region code (or "org"), department
DEMO_USERS = [
    ("mzj", "王建国（民政局）", Role.DISTRICT_ADMIN, "320585", "太仓市民政局"),
    ("leader", "李明（市领导）", Role.LEADER, "320585", ""),
    ("shuangfeng", "陈红（双凤镇）", Role.TOWN_STAFF, "320585105", "双凤镇社会事业局"),
    ("chengxiang", "周平（城厢镇）", Role.TOWN_STAFF, "320585100", "城厢镇社会事业局"),
    ("xinhu", "张强（新湖村）", Role.VILLAGE_STAFF, "XINHU", ""),
    ("cunwei2", "刘芳（双凤镇另一村）", Role.VILLAGE_STAFF, "SF2", ""),
    ("shezu", "赵敏（社会组织）", Role.ORG_USER, "org", ""),
    ("lishihui", "吴桂英（新湖村居民自治理事会）", Role.COUNCIL_REP, "COUNCIL", ""),
    ("zhuanjia", "孙教授（专家）", Role.EXPERT, "320585", ""),
    ("sysadmin", "系统管理员", Role.SYS_ADMIN, "320585", ""),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, "320585", ""),
    ("auditor", "审计管理员", Role.AUDIT_ADMIN, "320585", ""),
]
TOTP_ROLES = {Role.DISTRICT_ADMIN, Role.EXPERT, Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


def build_users(county, organization, council) -> list[dict]:
    """Create the demo users (idempotent) and return the printable login table. ``organization`` and ``council``
    are the objects the organization user and the council representative are bound to (made by their apps)."""
    from zhengshe.regions.models import Region

    shuangfeng = Region.objects.get(code="320585105")
    villages = list(Region.objects.filter(parent=shuangfeng, level="village").order_by("code"))
    xinhu = next(v for v in villages if v.name == "新湖村")
    other = next(v for v in villages if v.pk != xinhu.pk)
    logins = []
    for username, display, role, where, department in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            home = {"XINHU": xinhu, "SF2": other, "COUNCIL": xinhu}.get(where) or (
                organization.region if where == "org" else Region.objects.get(code=where))
            user = User(username=username, display_name=display, must_change_password=False,
                        password_changed_at=timezone.now(), home_region=home)
            user.set_password(DEMO_PASSWORD)
            if role in TOTP_ROLES:
                user.totp_secret = pyotp.random_base32()
                user.totp_enabled = True
            user.save()
            region = {"XINHU": xinhu, "SF2": other}.get(where) or (
                None if where in ("org", "COUNCIL") else Region.objects.get(code=where))
            target = {"org": organization, "COUNCIL": council}.get(where)
            RoleAssignment.objects.create(user=user, role=role, region=target.region if target else region,
                                          target_kind={"org": "organization", "COUNCIL": "council"}.get(where, ""),
                                          target_id=target.pk if target else None, department=department)
        scope = organization.name if where == "org" else council.name if where == "COUNCIL" else (
            {"XINHU": xinhu, "SF2": other}.get(where) or Region.objects.get(code=where)).name
        logins.append({"username": username, "password": DEMO_PASSWORD, "role": str(role.label), "scope": scope,
                       "totp_secret": user.totp_secret if user.totp_enabled else ""})
    return logins

