import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from zhengshe.core import rollups
from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "生成演示数据：一个县级市（默认），或省级规模数据（--scale province，供性能测试）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["county", "province"], default="county")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed, **options):
        from zhengshe.audit.services import record_event
        from zhengshe.regions import demo as regions_demo
        from zhengshe.regions.models import Region

        rng = random.Random(seed)
        started = time.monotonic()
        with acting_as(None, source="command"):
            if scale == "province":
                province = regions_demo.build_province(rng)
                count = Region.objects.filter(path__under=province.path, level="village").count()
                record_event("demo.province", province, after={"villages": count})
                self._province_users(province)
                rows = rollups.rebuild()  # the province was bulk-loaded: its totals are written once, from scratch
                self.stdout.write(f"汇总数已重建：{rows} 行。")
                self.stdout.write(f"省级规模数据就绪：{count} 个村（社区），用时 {time.monotonic() - started:.1f} 秒。")
                return
            if Region.objects.filter(code=regions_demo.COUNTY[0]).exists():
                self.stdout.write("演示数据已存在，跳过生成。")
            else:
                self._build_county(rng)
                rollups.rebuild()  # the county's tree was bulk-loaded; everything after it moved the rows itself
            self._print_logins()
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒。")

    @transaction.atomic
    def _build_county(self, rng):
        from zhengshe.accounts import demo as accounts_demo
        from zhengshe.accounts.models import User
        from zhengshe.agreements import demo as agreements_demo
        from zhengshe.core.demo import DemoContext, run_app_steps
        from zhengshe.organizations.models import Organization
        from zhengshe.regions import demo as regions_demo

        county = regions_demo.build_county(rng)
        org = Organization.objects.filter(name="太仓市益众社会工作服务中心").first() or Organization.objects.create(
            name="太仓市益众社会工作服务中心", credit_code="", region=county)
        self.logins = accounts_demo.build_users(county, org, agreements_demo.xinhu_council(county))
        ctx = DemoContext(rng=rng, county=county, users={u.username: u for u in User.objects.all()})
        run_app_steps(ctx)
        # The demo's objects were partly created in place: recompute the work inbox from their states.
        from zhengshe.core import inbox

        ctx.log.append(f"待办事项：{sum(inbox.rebuild().values())} 条。")
        for line in ctx.log:
            self.stdout.write(line)

    def _province_users(self, province):
        """bench_leader (province leader), bench_district (a county's 民政 admin), bench_town (one town's worker)."""
        import pyotp
        from django.utils import timezone

        from zhengshe.accounts.demo import TOTP_ROLES
        from zhengshe.accounts.models import RoleAssignment, User
        from zhengshe.regions.models import Region

        town = Region.objects.filter(path__under=province.path, level="town").exclude(
            code__startswith="320585").order_by("code").first()
        county = town.parent
        for username, role, region in [("bench_leader", "leader", province), ("bench_district", "district_admin", county),
                                       ("bench_town", "town_staff", town)]:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, display_name=username, must_change_password=False,
                            password_changed_at=timezone.now())
                user.set_password("Bench@2026x")
                if role in TOTP_ROLES:
                    user.totp_secret = pyotp.random_base32()
                    user.totp_enabled = True
                user.save()
            if not RoleAssignment.objects.filter(user=user, role=role, region=region).exists():
                RoleAssignment.objects.create(user=user, role=role, region=region)

    def _print_logins(self):
        import os

        from zhengshe.accounts import demo as accounts_demo
        from zhengshe.accounts.models import User

        bind = os.environ.get("BIND", "127.0.0.1:8000")
        out = self.stdout.write
        out("")
        out("=" * 78)
        out(f"演示账号 Demo logins — 登录地址 http://{bind}/accounts/login/")
        out(f"密码均为 (password for all): {accounts_demo.DEMO_PASSWORD}")
        out("标 * 的管理员账号还需输入 6 位动态口令 (admins marked * also need a TOTP code)：")
        out("  .venv/bin/zhengshe totp_code <用户名>    （或把右列密钥加入任一验证器 App）")
        out("-" * 78)
        out(f"{_pad('用户名', 13)}{_pad('角色', 17)}{_pad('范围', 28)}动态口令密钥 TOTP secret")
        for username, _display, role, _where, _dept in accounts_demo.DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            scope = user.role_assignments.select_related("region").first()
            where = getattr(scope.where, "name", str(scope.where)) if scope else ""
            name = f"{username}{' *' if user.totp_enabled else ''}"
            out(f"{_pad(name, 13)}{_pad(str(role.label), 17)}{_pad(where, 28)}"
                f"{user.totp_secret if user.totp_enabled else ''}")
        out("=" * 78)


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (a CJK character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)
