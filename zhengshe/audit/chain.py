"""Hashing and verification of the audit chain (SM3, GB/T 32905).

Each entry's ``hash`` = SM3(previous hash ‖ canonical JSON of its content). ``verify`` walks the
chain by ``seq`` and names the first entry that was edited (its hash no longer matches), removed
(a gap in ``seq`` or a broken link) or inserted (a link or hash that does not fit). After a
retention purge the chain starts later: the purge's own entry (itself part of the chain) records the
first kept ``seq`` and the hash it links to, and ``verify`` starts from that anchor.
"""

import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64
CONTENT_FIELDS = ("seq", "created_at", "actor_id", "actor_name", "actor_roles", "source", "ip", "request_id", "action",
                  "object_type", "object_id", "object_repr", "region_path", "success", "before", "after")
PURGE_ACTION = "audit.purge"


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


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    first_seq: int | None = None


def purge_anchor(first_seq: int, qs) -> str | None:
    """The hash the first kept entry links to, as recorded by the purge that removed the entries before it."""
    for after in qs.filter(action=PURGE_ACTION).values_list("after", flat=True):
        if isinstance(after, dict) and after.get("first_kept_seq") == first_seq:
            return after.get("first_kept_prev_hash")
    return None


def verify(queryset=None, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first altered, inserted or removed entry."""
    from .models import AuditEntry

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
            prev_hash = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
    return VerifyResult(True, checked, first_seq=first_seq)
