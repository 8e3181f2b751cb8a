"""The work inbox's commands.

    zhengshe inbox rebuild              # recompute the open items from current states (existing data, the demo)
    15 7 * * *  zhengshe inbox remind   # daily: notify holders of items due within 3 days or overdue
    zhengshe inbox remind --queue       # the same, as a background job for the db_worker
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengshe.core import inbox
from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "待办事项：rebuild 按当前状态重建待办；remind 发送到期提醒（每日一次）。 (zhengshe inbox rebuild|remind [--queue])"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rebuild", "remind"])
        parser.add_argument("--queue", action="store_true", help="加入后台任务队列由 db_worker 执行，而不是立即执行")

    def handle(self, *args, what, queue=False, **options):
        if what == "rebuild":
            counts = inbox.rebuild()
            for name, n in counts.items():
                self.stdout.write(f"{name}: {n}")
            self.stdout.write(self.style.SUCCESS(_("已重建 %(n)d 条待办。") % {"n": sum(counts.values())}))
            return
        if queue:
            from zhengshe.core.tasks import inbox_remind

            result = inbox_remind.enqueue()
            self.stdout.write(_("已加入后台任务队列：%(id)s") % {"id": result.id})
            return
        with acting_as(None, source="command"):
            written = inbox.remind()
        self.stdout.write(self.style.SUCCESS(_("已发送 %(n)d 条到期提醒。") % {"n": written}))
