"""``zhengshe datakey status|rotate|reencrypt|retire``: the data key ring of protected personal data.

- ``status``: the ring (key ids, where it comes from) and, per protected field, how many values each key holds.
- ``rotate``: a new key first in the key file (the old ones kept for decryption), then ``reencrypt``.
- ``reencrypt``: every value not under the current key re-encrypted in batches (``--batch-size``), with its blind
  index; safe to interrupt and run again. With ``ZHENGSHE_DATA_KEY`` the operator puts the new key first
  (``new,old``), restarts, and runs this.
- ``retire``: drops from the key file the old keys no value uses any more (refused while some still do).
"""

from django.core.management.base import BaseCommand, CommandError

from zhengshe.core import protected
from zhengshe.core.context import acting_as
from zhengshe.core.events import record_event
from zhengshe.utilities import crypto


class Command(BaseCommand):
    help = "数据密钥（个人信息 SM4 加密）：status 查看；rotate 生成新密钥并分批重新加密；reencrypt 用当前密钥重新加密；retire 移除不再使用的旧密钥。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rotate", "reencrypt", "retire"])
        parser.add_argument("--batch-size", type=int, default=500, help="每批重新加密的行数")

    def handle(self, *args, action, batch_size, **options):
        from django.conf import settings

        try:
            ring = crypto.keyring()
        except crypto.DataKeyError as exc:
            raise CommandError(str(exc)) from exc
        with acting_as(None, source="command"):
            if action == "status":
                return self._status(ring)
            if action == "rotate":
                if ring.source == "ZHENGSHE_DATA_KEY":
                    raise CommandError("密钥来自环境变量 ZHENGSHE_DATA_KEY：请生成新密钥（openssl rand -hex 32），设置为"
                                       "“新密钥,旧密钥”，重启服务后运行 zhengshe datakey reencrypt。")
                path = settings.DATA_KEY_FILE
                old = crypto.key_lines(path.read_text())
                crypto.write_key_file(path, [crypto.new_key_hex(), *old])
                ring = crypto.keyring()
                self.stdout.write(f"已生成新数据密钥 {ring.current.id}，写入 {path}（旧密钥保留用于解密）。")
                record_event("datakey.rotate", None, object_repr="数据密钥轮换",
                             after={"key_id": ring.current.id, "previous": [k.id for k in ring.keys[1:]]})
                return self._reencrypt(ring, batch_size)
            if action == "reencrypt":
                return self._reencrypt(ring, batch_size)
            return self._retire(ring, settings.DATA_KEY_FILE)

    def _status(self, ring):
        self.stdout.write(f"密钥来源：{ring.source}")
        self.stdout.write("密钥：" + "、".join(f"{k.id}{'（当前）' if i == 0 else ''}" for i, k in enumerate(ring.keys)))
        known = {k.id for k in ring.keys}
        missing = 0
        for purpose, counts in protected.key_usage().items():
            parts = []
            for key, n in sorted(counts.items()):
                label = "未加密" if key == "plain" else key if key in known else f"{key}（不在密钥环中，无法解密）"
                missing += n if key not in known else 0
                parts.append(f"{label} {n} 条")
            self.stdout.write(f"{purpose}：{'、'.join(parts) or '无数据'}")
        if missing:
            raise CommandError(f"{missing} 条数据未加密或使用了不在密钥环中的密钥：请检查 ZHENGSHE_DATA_KEY 或密钥文件。")

    def _reencrypt(self, ring, batch_size):
        done = protected.reencrypt(batch_size=max(1, batch_size), progress=lambda purpose, n: self.stdout.write(
            f"{purpose}：已重新加密 {n} 条"))
        record_event("datakey.reencrypt", None, object_repr="数据重新加密",
                     after={"key_id": ring.current.id, "rows": done})
        total = sum(done.values())
        self.stdout.write(self.style.SUCCESS(f"重新加密完成：{total} 条，全部使用当前密钥 {ring.current.id}。"))

    def _retire(self, ring, path):
        used = {k for counts in protected.key_usage().values() for k, n in counts.items() if n}
        old = [k for k in ring.keys[1:]]
        busy = [k.id for k in old if k.id in used]
        if busy:
            raise CommandError(f"旧密钥 {'、'.join(busy)} 仍有数据使用：请先运行 zhengshe datakey reencrypt。")
        if ring.source == "ZHENGSHE_DATA_KEY":
            self.stdout.write(f"没有数据使用旧密钥：ZHENGSHE_DATA_KEY 只保留当前密钥（{ring.current.id}）即可。")
            return
        keep = crypto.key_lines(path.read_text())[:1]
        crypto.write_key_file(path, keep)
        record_event("datakey.retire", None, object_repr="旧数据密钥移除", after={"retired": [k.id for k in old]})
        self.stdout.write(self.style.SUCCESS(f"已移除旧密钥 {'、'.join(k.id for k in old) or '（无）'}；"
                                             "请确认备份中也保存了新密钥。"))
