import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "生成演示数据：一个县级市（默认），或省级规模数据（--scale province，供性能测试）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["county", "province"], default="county")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed, **options):
        from zhengshe.accounts.models import User
        from zhengshe.audit.services import record_event
        from zhengshe.regions import demo as regions_demo
        from zhengshe.regions.models import Region

        rng = random.Random(seed)
        started = time.monotonic()
        with acting_as(None, source="command"):
            if scale == "province":
                province = regions_demo.build_province(rng)
                count = Region.objects.filter(path__startswith=province.path, level="village").count()
                record_event("demo.province", province, after={"villages": count})
                self._province_users(province)
                self.stdout.write(f"省级规模数据就绪：{count} 个村（社区），用时 {time.monotonic() - started:.1f} 秒。")
                return
            if Region.objects.filter(code=regions_demo.COUNTY[0]).exists():
                self.stdout.write("演示数据已存在，跳过生成。")
            else:
                self._build_county(rng)
            self._print_logins()
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒。")
        User.objects.none()

    @transaction.atomic
    def _build_county(self, rng):
        from zhengshe.accounts import demo as accounts_demo
        from zhengshe.accounts.models import User
        from zhengshe.core.demo import DemoContext, run_app_steps
        from zhengshe.organizations.models import Organization
        from zhengshe.regions import demo as regions_demo

        county = regions_demo.build_county(rng)
        org = Organization.objects.filter(name="太仓市益众社会工作服务中心").first() or Organization.objects.create(
            name="太仓市益众社会工作服务中心", credit_code="", region=county)
        self.logins = accounts_demo.build_users(county, org)
        ctx = DemoContext(rng=rng, county=county, users={u.username: u for u in User.objects.all()})
        run_app_steps(ctx)
        for line in ctx.log:
            self.stdout.write(line)

    def _province_users(self, province):
        from zhengshe.accounts.models import RoleAssignment, User
        from zhengshe.regions.models import Region

        town = Region.objects.filter(path__startswith=province.path, level="town").exclude(
            code__startswith="320585").order_by("code").first()
        county = town.parent
        for username, role, region in [("bench_leader", "leader", province), ("bench_district", "district_admin", county),
                                       ("bench_town", "town_staff", town)]:
            user, created = User.objects.get_or_create(username=username, defaults={"must_change_password": False})
            if created:
                user.set_password("Bench@2026x")
                user.save()
                RoleAssignment.objects.create(user=user, role=role, region=region)

    def _print_logins(self):
        from zhengshe.accounts import demo as accounts_demo
        from zhengshe.accounts.models import User

        self.stdout.write("\n演示账号（密码均为 %s）：" % accounts_demo.DEMO_PASSWORD)
        self.stdout.write(f"{'用户名':<12}{'角色':<14}{'范围':<16}动态口令密钥（用 `zhengshe totp_code 用户名` 取当前口令）")
        for username, _display, role, _where, _dept in accounts_demo.DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            scope = user.role_assignments.select_related("region", "organization").first()
            where = (scope.region or scope.organization).name if scope else ""
            self.stdout.write(f"{username:<14}{str(role.label):<14}{where:<16}{user.totp_secret if user.totp_enabled else ''}")
