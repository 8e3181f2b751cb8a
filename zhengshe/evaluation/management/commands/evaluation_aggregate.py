"""``evaluation_aggregate --round N``: aggregate a round's results and report how long it took."""

import time

from django.core.management.base import BaseCommand, CommandError

from zhengshe.core.context import acting_as


class Command(BaseCommand):
    help = "计算（刷新）一个评估轮次的结果，并报告用时。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, dest="round_id", help="评估轮次编号")

    def handle(self, *args, round_id, **options):
        from zhengshe.core.errors import ServiceError
        from zhengshe.evaluation.aggregation import round_compute_results
        from zhengshe.evaluation.models import Round

        round_ = Round.objects.filter(pk=round_id).select_related("region").first()
        if round_ is None:
            raise CommandError(f"评估轮次 {round_id} 不存在。")
        started = time.perf_counter()
        try:
            with acting_as(None, source="command"):
                stats = round_compute_results(actor=None, round_=round_)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{round_.title}：{stats['units']} 个单位，{stats['indicator_results']} 条指标结果；"
            f"查询 {stats['seconds_queries']:.2f} 秒，计算 {stats['seconds_compute']:.2f} 秒，"
            f"合计 {elapsed:.2f} 秒。")
