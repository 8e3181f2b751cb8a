"""Personal data at rest: SM4-GCM encryption and HMAC-SM3 blind indexes under a data key kept outside the database.

A ciphertext is one ASCII string, versioned and naming its key::

    zs1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>

- ``zs1``: SM4 (GB/T 32907) in GCM mode, a fresh random 96-bit nonce per value, 128-bit tag; the column it
  belongs to (its *purpose*, e.g. ``organizations.organization.contact_phone``) is bound in as associated data,
  so a value copied into another column does not decrypt.
- ``key id``: 8 hex characters, a fingerprint of the data key (not the key); it tells which key of the ring
  decrypts the value, so old values stay readable while ``zhengshe datakey rotate`` re-encrypts them.
- base64url (not hex), so no run of digits in the column can look like a phone or ID number.

A blind index is HMAC-SM3(index key, purpose ‖ normalised value) in base64url: the same value gives the same
index under one key, so an exact look-up is an indexed equality without decrypting the table; without the key
it tells nothing about the value.

The data key ring: ``ZHENGSHE_DATA_KEY`` (settings.DATA_KEY: 64 hex characters, or several separated by commas,
the first encrypting, the others only decrypting), else the file settings.DATA_KEY_FILE (``<data dir>/data.key``,
mode 0600, one key per line, first line current). Each master key yields an SM4 key and an index key (HMAC-SM3 key
derivation with distinct labels). The ring is re-read when the file changes (a rotation while servers run).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

VERSION = "zs1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_HEX_CHARS = 64


class DataKeyError(Exception):
    """The data key ring is missing or malformed (an installation problem, said in Chinese)."""


class DecryptError(Exception):
    """A stored value cannot be decrypted: unknown key, wrong key, tampered or not a ciphertext."""


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class DataKey:
    id: str
    enc: bytes  # 16 bytes: the SM4 key
    index: bytes  # 32 bytes: the HMAC-SM3 key of blind indexes

    @classmethod
    def from_hex(cls, text: str) -> DataKey:
        text = text.strip().lower()
        try:
            master = bytes.fromhex(text)
        except ValueError:
            master = b""
        if len(master) * 2 != KEY_HEX_CHARS:
            raise DataKeyError(f"数据密钥应为 {KEY_HEX_CHARS} 位十六进制字符（如 `openssl rand -hex 32` 的输出）。")
        return cls(id=_hmac_sm3(master, b"zhengshe-data-v1|id")[:4].hex(),
                   enc=_hmac_sm3(master, b"zhengshe-data-v1|sm4")[:16],
                   index=_hmac_sm3(master, b"zhengshe-data-v1|index"))


@dataclass(frozen=True)
class Keyring:
    keys: tuple[DataKey, ...]
    source: str  # "env" or the key file's path

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def get(self, key_id: str) -> DataKey | None:
        return next((k for k in self.keys if k.id == key_id), None)


def key_lines(text: str) -> list[str]:
    """The hex keys of a ring's text (commas or lines; ``#`` comments skipped), current first."""
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    return [p.strip() for line in lines for p in line.split(",") if p.strip()]


def parse_keys(text: str, source: str) -> Keyring:
    keys = tuple(DataKey.from_hex(p) for p in key_lines(text))
    if not keys:
        raise DataKeyError(f"数据密钥环为空（{source}）。")
    return Keyring(keys=keys, source=source)


def new_key_hex() -> str:
    return secrets.token_hex(KEY_HEX_CHARS // 2)


_cache: dict = {}


def keyring() -> Keyring:
    """The data key ring from settings (re-read when ZHENGSHE_DATA_KEY or the key file changes)."""
    from django.conf import settings

    env = getattr(settings, "DATA_KEY", "") or ""
    path = Path(settings.DATA_KEY_FILE)
    if env:
        stamp = ("env", env)
    else:
        try:
            stamp = ("file", str(path), path.stat().st_mtime_ns)
        except FileNotFoundError as exc:
            raise DataKeyError(f"找不到数据密钥文件 {path}，也没有设置 ZHENGSHE_DATA_KEY。") from exc
    if _cache.get("stamp") != stamp:
        ring = parse_keys(env, "ZHENGSHE_DATA_KEY") if env else parse_keys(path.read_text(), str(path))
        _cache.update(stamp=stamp, ring=ring)
    return _cache["ring"]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write the key ring file atomically, mode 0600 from its creation (first key = the current one)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("# 政社数据密钥（SM4-GCM / HMAC-SM3）：第一行为当前密钥，其余仅用于解密旧数据。与数据库备份分开保管。\n")
        out.write("\n".join(keys) + "\n")
    os.replace(tmp, path)


def is_ciphertext(value) -> bool:
    return isinstance(value, str) and value.startswith(VERSION + ":") and value.count(":") == 2


def key_id_of(value: str) -> str:
    return value.split(":", 2)[1] if is_ciphertext(value) else ""


def encrypt(plain: str, purpose: str, *, key: DataKey | None = None) -> str:
    key = key or keyring().current
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key.enc), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(purpose.encode())
    body = encryptor.update(plain.encode("utf-8")) + encryptor.finalize()
    return f"{VERSION}:{key.id}:{_b64(nonce + body + encryptor.tag)}"


def decrypt(value: str, purpose: str, *, ring: Keyring | None = None) -> str:
    if not is_ciphertext(value):
        raise DecryptError(f"{purpose}：保存的值不是本系统的密文（未加密或已损坏）。")
    _version, key_id, payload = value.split(":", 2)
    ring = ring or keyring()
    key = ring.get(key_id)
    if key is None:
        raise DecryptError(f"{purpose}：密文使用的数据密钥（编号 {key_id}）不在当前密钥环中（{ring.source}）。")
    try:
        raw = _unb64(payload)
    except (binascii.Error, ValueError) as exc:
        raise DecryptError(f"{purpose}：密文格式已损坏。") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptError(f"{purpose}：密文格式已损坏。")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key.enc), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(purpose.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError) as exc:
        raise DecryptError(f"{purpose}：解密失败——数据密钥不对，或密文已被篡改（密钥编号 {key_id}）。") from exc


def blind_index(normalized: str, purpose: str, *, key: DataKey | None = None) -> str:
    """The keyed look-up hash of an already normalised value under ``key`` (default: the current key)."""
    key = key or keyring().current
    return _b64(_hmac_sm3(key.index, purpose.encode() + b"\x00" + normalized.encode("utf-8")))


def blind_indexes(normalized: str, purpose: str) -> list[str]:
    """The look-up hash under every key of the ring (rows not yet re-encrypted still match during a rotation)."""
    return [blind_index(normalized, purpose, key=k) for k in keyring().keys]
