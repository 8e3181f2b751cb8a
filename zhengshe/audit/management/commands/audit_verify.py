from django.core.management.base import BaseCommand, CommandError

from zhengshe.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：指出第一条被篡改、插入或删除的记录。 (zhengshe audit verify)"

    def handle(self, *args, **options):
        result = verify()
        if result.ok:
            start = f"（自第 {result.first_seq} 条起，之前的记录已按保存期清理）" if (result.first_seq or 1) > 1 else ""
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {result.checked} 条记录{start}。"))
            return
        raise CommandError(f"审计链被破坏：{result.problem}（此前已通过校验 {result.checked} 条）。")
