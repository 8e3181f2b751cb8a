import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengshe.audit.chain import verify


class Command(BaseCommand):
    help = ("校验审计日志哈希链：指出第一条被篡改、插入或删除的记录。 (zhengshe audit verify)\n"
            "--checkpoint 文件：把本次校验到的最后一条（序号和哈希）记在库外的文件里；下次校验时若该条已不在"
            "或已改变，即发现末尾记录被删除或整链被重写。")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", default=None,
                            help="库外检查点文件（JSON；建议放在另一台机器或只读介质上）")

    def handle(self, *args, checkpoint=None, **options):
        result = verify()
        if not result.ok:
            raise CommandError(f"审计链被破坏：{result.problem}（此前已通过校验 {result.checked} 条）。")
        if checkpoint:
            self._check_point(Path(checkpoint))
        start = f"（自第 {result.first_seq} 条起，之前的记录已按保存期清理）" if (result.first_seq or 1) > 1 else ""
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {result.checked} 条记录{start}。"))

    def _check_point(self, path: Path) -> None:
        from zhengshe.audit.models import AuditEntry

        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            entry = AuditEntry.objects.filter(seq=saved["seq"]).values("hash").first()
            if entry is None:
                first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first() or 0
                if first <= saved["seq"]:
                    raise CommandError(f"审计链被破坏：检查点记录的第 {saved['seq']} 条已不存在（末尾记录被删除）。")
            elif entry["hash"] != saved["hash"]:
                raise CommandError(f"审计链被破坏：第 {saved['seq']} 条与检查点不符（记录被改写或整链被重算）。")
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        if last is not None:
            path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
            self.stdout.write(f"检查点已更新：第 {last['seq']} 条。")
