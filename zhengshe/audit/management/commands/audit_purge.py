from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zhengshe.core.context import acting_as
from zhengshe.core.errors import ServiceError


class Command(BaseCommand):
    help = ("清理早于指定日期的审计记录（先归档为 JSONL 文件）。拒绝清理保存期未满 180 天的记录；"
            "清理本身记入审计链。 (zhengshe audit purge --before 2026-01-01)")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="清理此日期（YYYY-MM-DD）之前的记录")
        parser.add_argument("--archive-dir", default=None, help="归档目录（默认 <数据目录>/audit_archive）")

    def handle(self, *args, before, archive_dir, **options):
        from zhengshe.audit.services import purge_before

        try:
            day = date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"日期“{before}”格式不正确，应为 YYYY-MM-DD。") from exc
        with acting_as(None, source="command"):
            try:
                entry = purge_before(day, archive_dir=archive_dir)
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
        info = entry.after
        self.stdout.write(self.style.SUCCESS(
            f"已清理 {info['deleted']} 条审计记录（{before} 之前）；归档文件：{info['archive'] or '无'}；"
            f"本次清理记为第 {entry.seq} 条。"))
