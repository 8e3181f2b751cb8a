"""Remove old login-attempt rows (run daily from cron, or queue it for the db_worker).

    30 3 * * *  zhengshe prune_login_attempts            # now, in this process
    zhengshe prune_login_attempts --queue                # as a background job for the db_worker
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = ("清理早于保存期（LOGIN_ATTEMPT_RETENTION_DAYS，默认 30 天）的登录尝试记录；锁定时限内的记录始终保留，"
            "登录失败另记在审计日志中。 (zhengshe prune_login_attempts [--days 30] [--queue])")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保留最近多少天的记录（默认取设置）")
        parser.add_argument("--queue", action="store_true", help="加入后台任务队列由 db_worker 执行，而不是立即执行")

    def handle(self, *args, days=None, queue=False, **options):
        if days is not None and days < 0:
            raise CommandError(_("天数不能为负数。"))
        if queue:
            from zhengshe.accounts.tasks import prune_login_attempts

            result = prune_login_attempts.enqueue(days)
            self.stdout.write(_("已加入后台任务队列：%(id)s") % {"id": result.id})
            return
        from zhengshe.accounts.services import prune_login_attempts

        with acting_as(None, source="command"):
            deleted = prune_login_attempts(older_than_days=days)
        self.stdout.write(self.style.SUCCESS(_("已清理 %(n)d 条过期的登录尝试记录。") % {"n": deleted}))
