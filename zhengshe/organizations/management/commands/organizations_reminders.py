"""Queue the daily jobs of the organizations app (run from cron; the db_worker executes them).

    0 6 * * *  zhengshe organizations_reminders          # enqueue
    zhengshe organizations_reminders --now               # run in this process (e.g. after a restore)
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "年报提醒与逾期标记、评估等级到期提醒（加入后台任务队列；--now 立即执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="在本进程内立即执行，而不是加入队列")

    def handle(self, *args, now=False, **options):
        from zhengshe.organizations.tasks import annual_report_reminders, grade_expiry_reminders

        for job in (annual_report_reminders, grade_expiry_reminders):
            if now:
                result = job.call()
                self.stdout.write(f"{job.name}: {result}")
            else:
                queued = job.enqueue()
                self.stdout.write(f"{job.name}: queued {queued.id}")
