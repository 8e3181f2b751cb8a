"""Hashing and verification of the audit chain (SM3, GB/T 32905; HMAC-SM3 with a key kept outside the database).

Each entry's ``hash`` = SM3(previous hash ‖ canonical JSON of its content). ``verify`` walks the
chain by ``seq`` and names the first entry that was edited (its hash no longer matches), removed
(a gap in ``seq`` or a broken link) or inserted (a link or hash that does not fit). After a
retention purge the chain starts later: the purge's own entry (itself part of the chain) records the
first kept ``seq`` and the hash it links to, and ``verify`` starts from that anchor.

The SM3 chain alone needs no secret, so whoever can write to the database could edit a row and
recompute every hash after it. Each entry therefore also carries a MAC, chosen per entry by
``mac_version``:

- ``0`` (legacy): written before the audit key existed; SM3 chain only. Such entries may only come
  before the first keyed one (an unkeyed entry after a keyed one is a downgrade and fails).
- ``1``: ``mac`` = HMAC-SM3(audit key, "zhengshe-audit-v1|seq|hash") and ``mac_key_id`` names the key
  (a fingerprint, not the key), so a wrong or lost key is told apart from an edited row.

The key (settings.AUDIT_KEY: env ZHENGSHE_AUDIT_KEY or ``<data dir>/audit.key``) is never stored in
the database; without it a recomputed chain cannot be re-sealed.
"""

import hmac as std_hmac
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

GENESIS = "0" * 64
CONTENT_FIELDS = ("seq", "created_at", "actor_id", "actor_name", "actor_roles", "source", "ip", "request_id", "action",
                  "object_type", "object_id", "object_repr", "region_path", "success", "before", "after")
PURGE_ACTION = "audit.purge"
MAC_LEGACY = 0  # SM3 chain only (entries written before the audit key)
MAC_HMAC_SM3 = 1
CURRENT_MAC_VERSION = MAC_HMAC_SM3


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(values: dict) -> bytes:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def content_of(entry) -> dict:
    values = {f: getattr(entry, f) for f in CONTENT_FIELDS}
    values["created_at"] = entry.created_at.isoformat(timespec="microseconds")
    return values


def entry_hash(prev_hash: str, content: dict) -> str:
    return sm3_hex(prev_hash.encode() + canonical(content))


def audit_key() -> bytes:
    from django.conf import settings

    return settings.AUDIT_KEY.encode()


def _hmac_sm3(key: bytes, message: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize().hex()


def key_id(key: bytes) -> str:
    """A fingerprint naming the key (not revealing it): tells "another key" apart from "an edited row"."""
    return _hmac_sm3(key, b"zhengshe-audit-key-id")[:16]


def entry_mac(key: bytes, seq: int, hash_: str) -> str:
    """HMAC-SM3 over the entry's place and hash (the hash already covers its content and the previous hash)."""
    return _hmac_sm3(key, f"zhengshe-audit-v1|{seq}|{hash_}".encode())


def seal(entry, key: bytes | None = None) -> None:
    """Set ``hash`` and the keyed MAC of a new entry (``prev_hash`` and content already set)."""
    key = key if key is not None else audit_key()
    entry.hash = entry_hash(entry.prev_hash, content_of(entry))
    entry.mac_version = CURRENT_MAC_VERSION
    entry.mac_key_id = key_id(key)
    entry.mac = entry_mac(key, entry.seq, entry.hash)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    first_seq: int | None = None
    legacy: int = 0  # entries checked that carry no keyed MAC (written before the audit key)
    last_legacy_seq: int = 0


def purge_anchor(first_seq: int, qs) -> str | None:
    """The hash the first kept entry links to, as recorded by the purge that removed the entries before it."""
    for after in qs.filter(action=PURGE_ACTION).values_list("after", flat=True):
        if isinstance(after, dict) and after.get("first_kept_seq") == first_seq:
            return after.get("first_kept_prev_hash")
    return None


def _mac_problem(entry, key: bytes, current_key_id: str, keyed_seen: bool) -> str:
    """Why the entry's MAC does not hold ("" when it does)."""
    from django.utils.translation import gettext as _

    if entry.mac_version == MAC_LEGACY:
        if keyed_seen:
            return _("第 %(seq)d 条记录没有密钥校验码，却排在启用审计密钥之后的记录后面（记录被篡改或插入）") % {
                "seq": entry.seq}
        return ""
    if entry.mac_version != MAC_HMAC_SM3:
        return _("第 %(seq)d 条记录的校验方式（%(version)s）无法识别（记录被篡改）") % {
            "seq": entry.seq, "version": entry.mac_version}
    if entry.mac_key_id != current_key_id:
        return _("第 %(seq)d 条记录由另一把审计密钥签名（密钥编号 %(theirs)s，当前密钥编号 %(ours)s）："
                 "审计密钥不对、已更换或丢失，或此条记录被篡改") % {
            "seq": entry.seq, "theirs": entry.mac_key_id, "ours": current_key_id}
    if not std_hmac.compare_digest(entry.mac, entry_mac(key, entry.seq, entry.hash)):
        return _("第 %(seq)d 条记录的密钥校验码不符（记录被篡改或插入）") % {"seq": entry.seq}
    return ""


def verify(queryset=None, *, key: bytes | None = None, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first altered, inserted or removed entry (by hash, link and keyed MAC)."""
    from .models import AuditEntry

    key = key if key is not None else audit_key()
    current_key_id = key_id(key)
    keyed_seen = False
    legacy = last_legacy_seq = 0

    qs = (queryset if queryset is not None else AuditEntry.objects.all()).order_by("seq")
    first = qs.values("seq", "prev_hash").first()
    if first is None:
        return VerifyResult(True, 0)
    prev_hash = GENESIS
    expected_seq = 1
    if first["seq"] != 1:
        anchor = purge_anchor(first["seq"], qs)
        if anchor is None:
            return VerifyResult(False, 0, f"第 1 至 {first['seq'] - 1} 条记录缺失（被删除，且没有对应的清理记录）", 1)
        expected_seq, prev_hash = first["seq"], anchor
    first_seq = expected_seq
    checked = 0
    last_seq = 0
    while True:
        chunk = list(qs.filter(seq__gt=last_seq)[:batch])
        if not chunk:
            break
        for entry in chunk:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, f"第 {expected_seq} 条记录缺失（被删除）", expected_seq, first_seq)
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked,
                                    f"第 {entry.seq} 条记录的前序哈希不符（前一条被删除或替换，或此条被插入）",
                                    entry.seq, first_seq)
            if entry_hash(prev_hash, content_of(entry)) != entry.hash:
                return VerifyResult(False, checked, f"第 {entry.seq} 条记录内容被篡改（或被插入）", entry.seq, first_seq)
            problem = _mac_problem(entry, key, current_key_id, keyed_seen)
            if problem:
                return VerifyResult(False, checked, problem, entry.seq, first_seq)
            if entry.mac_version == MAC_LEGACY:
                legacy += 1
                last_legacy_seq = entry.seq
            else:
                keyed_seen = True
            prev_hash = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
    return VerifyResult(True, checked, first_seq=first_seq, legacy=legacy, last_legacy_seq=last_legacy_seq)


# ---------------------------------------------------------------- signed checkpoints outside the database
#
# The chain proves every kept row against the one before it, not that rows at the end were not removed, nor that
# a whole chain was not rewritten by someone holding the key, nor that every MAC was stripped and the plain SM3
# chain recomputed. A checkpoint — the last sequence number and hash seen by a successful verify, HMAC-SM3'd
# with the audit key — is written to a directory outside the database on every ``verify`` and daily by the
# worker; the next ``verify`` holds the chain to the newest one by itself.

CHECKPOINTS_KEPT = 60


def _checkpoint_dir():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _checkpoint_mac(key: bytes, payload: dict) -> str:
    body = {k: payload[k] for k in ("seq", "hash", "first_seq", "last_legacy_seq", "written_at")}
    return _hmac_sm3(key, b"zhengshe-audit-checkpoint-v1|" + canonical(body))


def write_checkpoint(result: "VerifyResult", key: bytes | None = None):
    """Record the chain's end as ``result`` saw it (nothing is written for an empty chain). Returns the file."""
    import os

    from django.utils import timezone

    from .models import AuditEntry

    last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
    if last is None:
        return None
    key = key if key is not None else audit_key()
    payload = {"seq": last["seq"], "hash": last["hash"], "first_seq": result.first_seq or 1,
               "last_legacy_seq": result.last_legacy_seq, "written_at": timezone.now().isoformat()}
    payload["mac"] = _checkpoint_mac(key, payload)
    folder = _checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"checkpoint-{last['seq']:012d}-{timezone.now():%Y%m%d%H%M%S%f}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False)
    for old in sorted(folder.glob("checkpoint-*.json"))[:-CHECKPOINTS_KEPT]:
        old.unlink(missing_ok=True)
    return path


def newest_checkpoint(key: bytes | None = None) -> tuple[dict | None, str]:
    """The newest checkpoint and "" — or (None, why) when the newest file is not one we signed."""
    from django.utils.translation import gettext as _

    files = sorted(_checkpoint_dir().glob("checkpoint-*.json")) if _checkpoint_dir().exists() else []
    if not files:
        return None, ""
    key = key if key is not None else audit_key()
    try:
        payload = json.loads(files[-1].read_text(encoding="utf-8"))
        signed = std_hmac.compare_digest(str(payload.get("mac", "")), _checkpoint_mac(key, payload))
    except (ValueError, KeyError, TypeError):
        signed = False
    if not signed:
        return None, _("检查点文件 %(name)s 的校验码不符（检查点被篡改，或审计密钥已更换）") % {"name": files[-1].name}
    return payload, ""


def checkpoint_problem(result: "VerifyResult", point: dict) -> str:
    """Why the chain as it stands does not continue the checkpoint ("" when it does)."""
    from django.utils.translation import gettext as _

    from .models import AuditEntry

    seq = point["seq"]
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    if last is None:
        return _("审计记录已被清空：检查点记到第 %(seq)d 条，数据库中一条也没有了") % {"seq": seq}
    if last < seq:
        return _("检查点记到第 %(seq)d 条，现在只到第 %(last)d 条：第 %(seq)d 条已不存在（末尾记录被删除）") % {
            "seq": seq, "last": last}
    if result.last_legacy_seq > point.get("last_legacy_seq", 0):
        return _("检查点之后，第 %(seq)d 条及之前的记录变成了没有密钥校验码的旧记录（密钥校验码被去掉、整链被重算）") % {
            "seq": result.last_legacy_seq}
    kept = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if kept is None and (result.first_seq or 1) <= seq:
        return _("检查点记录的第 %(seq)d 条已不存在（记录被删除）") % {"seq": seq}
    if kept is not None and kept != point["hash"]:
        return _("第 %(seq)d 条与检查点不符（记录被改写或整链被重算）") % {"seq": seq}
    return ""
