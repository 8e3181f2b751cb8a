"""``zhengshe rollups rebuild`` / ``zhengshe rollups verify``: the totals over the region tree, from scratch or
compared with a fresh aggregation (every difference listed; exit status 1 if there is any)."""

from django.core.management.base import BaseCommand, CommandError

from zhengshe.core import rollups
from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "区划汇总数：rebuild 从原始数据重新计算全部汇总行；verify 与现场重新汇总的结果逐行比对，列出每一处差异。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "verify"])
        parser.add_argument("--limit", type=int, default=50, help="verify 最多列出的差异条数")

    def handle(self, *args, action, limit, **options):
        names = "、".join(s.name for s in rollups.sources()) or "无"
        if action == "rebuild":
            with acting_as(None, source="command"):
                written = rollups.rebuild()
            self.stdout.write(self.style.SUCCESS(f"汇总数已重建：{written} 行（来源：{names}）。"))
            return
        found = rollups.differences()
        if not found:
            self.stdout.write(self.style.SUCCESS(f"汇总数与现场汇总一致：0 处差异（来源：{names}）。"))
            return
        for path, year, key, have, want in found[:limit]:
            self.stdout.write(f"{path} {year or '—'} {key}：表中 {have}，重新汇总 {want}")
        raise CommandError(f"汇总数有 {len(found)} 处差异（可用 zhengshe rollups rebuild 重建）。")
