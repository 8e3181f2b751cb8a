from django.core.management.base import BaseCommand, CommandError

from zhengshe.accounts.models import User
from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "运维人员为某用户签发（或重新签发）接口令牌并打印；原令牌立即作废。签发记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="只作废现有令牌，不签发新令牌")

    def handle(self, *args, username, revoke, **options):
        from zhengshe.accounts import services

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用。")
        with acting_as(None, source="command"):
            if revoke:
                done = services.api_token_revoke(user=user, actor=None)
                self.stdout.write("已作废。" if done else "该用户没有令牌。")
                return
            token = services.api_token_issue(user=user, actor=None)
        self.stdout.write(token.key)
