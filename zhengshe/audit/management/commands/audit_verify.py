import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengshe.audit import chain
from zhengshe.audit.chain import verify


class Command(BaseCommand):
    help = ("校验审计日志哈希链和密钥校验码（HMAC-SM3，审计密钥不在数据库中）：指出第一条被篡改、插入或删除的记录，"
            "并报告启用审计密钥之前的旧记录条数。 (zhengshe audit verify)\n"
            "每次校验都对照库外最新的签名检查点（ZHENGSHE_AUDIT_CHECKPOINT_DIR），通过后写下新的检查点：末尾记录被删除、"
            "记录被清空、整链被重写或密钥校验码被去掉，都会被发现。--checkpoint 文件：另外再对照并更新一个指定的检查点文件。")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", default=None,
                            help="库外检查点文件（JSON；建议放在另一台机器或只读介质上）")

    def handle(self, *args, checkpoint=None, **options):
        result = verify()
        if not result.ok:
            raise CommandError(f"审计链被破坏：{result.problem}（此前已通过校验 {result.checked} 条）。")
        point, problem = chain.newest_checkpoint()
        problem = problem or (chain.checkpoint_problem(result, point) if point else "")
        if problem:
            raise CommandError(_("审计链被破坏：%s。") % problem)
        written = chain.write_checkpoint(result)
        if written is not None:
            self.stdout.write(_("已写下签名检查点：%s") % written.name)
        if checkpoint:
            self._check_point(Path(checkpoint), result)
        start = f"（自第 {result.first_seq} 条起，之前的记录已按保存期清理）" if (result.first_seq or 1) > 1 else ""
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {result.checked} 条记录{start}。"))
        if result.legacy:
            self.stdout.write(_("其中 %(n)d 条（至第 %(seq)d 条）是启用审计密钥之前写入的旧记录，没有密钥校验码，"
                                "只受 SM3 哈希链保护（能改写数据库并重算整条链的人改动它们，只有库外检查点能发现）。")
                              % {"n": result.legacy, "seq": result.last_legacy_seq})
        else:
            self.stdout.write(_("所有记录都有审计密钥校验码（HMAC-SM3）。"))

    def _check_point(self, path: Path, result) -> None:
        from zhengshe.audit.models import AuditEntry

        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            # Unkeyed entries never appear after the fact: more of them than at the checkpoint is a downgrade
            # (keyed rows stripped of their MAC and the whole chain recomputed).
            if result.last_legacy_seq > saved.get("last_legacy_seq", result.last_legacy_seq):
                raise CommandError(_("审计链被破坏：检查点之后，第 %(seq)d 条及之前的记录变成了没有密钥校验码的旧记录"
                                     "（记录被改写、整链被重算）。") % {"seq": result.last_legacy_seq})
            entry = AuditEntry.objects.filter(seq=saved["seq"]).values("hash").first()
            if entry is None:
                first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first() or 0
                if first <= saved["seq"]:
                    raise CommandError(f"审计链被破坏：检查点记录的第 {saved['seq']} 条已不存在（末尾记录被删除）。")
            elif entry["hash"] != saved["hash"]:
                raise CommandError(f"审计链被破坏：第 {saved['seq']} 条与检查点不符（记录被改写或整链被重算）。")
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        if last is not None:
            last["last_legacy_seq"] = result.last_legacy_seq
            path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
            self.stdout.write(f"检查点已更新：第 {last['seq']} 条。")
