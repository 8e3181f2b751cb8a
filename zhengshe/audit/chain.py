"""Hashing and verification of the audit chain (SM3, GB/T 32905)."""

import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64
CONTENT_FIELDS = ("seq", "created_at", "actor_id", "actor_name", "actor_roles", "source", "ip", "request_id", "action",
                  "object_type", "object_id", "object_repr", "region_path", "success", "before", "after")


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


def verify(queryset=None, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first altered, inserted or removed entry."""
    from .models import AuditEntry

    qs = (queryset if queryset is not None else AuditEntry.objects.all()).order_by("seq")
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        chunk = list(qs.filter(seq__gt=last_seq)[:batch])
        if not chunk:
            break
        for entry in chunk:
            if entry.seq != expected_seq:
                if entry.seq > expected_seq:
                    return VerifyResult(False, checked, f"第 {expected_seq} 条记录缺失（被删除）", expected_seq)
                return VerifyResult(False, checked, f"第 {entry.seq} 条记录序号重复（被插入）", entry.seq)
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked, f"第 {entry.seq} 条记录的前序哈希不符（前一条被删除或此条被插入）", entry.seq)
            if entry_hash(prev_hash, content_of(entry)) != entry.hash:
                return VerifyResult(False, checked, f"第 {entry.seq} 条记录内容被篡改", entry.seq)
            prev_hash = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
    return VerifyResult(True, checked)
