import pyotp
from django.core.management.base import BaseCommand, CommandError

from zhengshe.accounts.models import User


class Command(BaseCommand):
    help = "打印某用户当前的动态口令（仅供演示环境和运维人员使用）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.totp_enabled:
            raise CommandError(f"用户“{username}”不存在或未启用动态口令。")
        self.stdout.write(pyotp.TOTP(user.totp_secret).now())
