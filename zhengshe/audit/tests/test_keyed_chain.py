"""The keyed MAC (HMAC-SM3) on every audit entry: someone who can write to the database but lacks the audit key
cannot edit a row and re-seal the chain; a wrong key fails at the first keyed entry; entries written before the key
existed (legacy, SM3 only) still verify and are counted; the key lives outside the database, mode 0600."""

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from zhengshe.audit import chain
from zhengshe.audit.models import AuditEntry
from zhengshe.audit.services import record_event
from zhengshe.audit.tests.test_chain import _rehash, raw, run_verify

WRONG_KEY = "0123456789abcdef" * 4


@pytest.fixture
def entries(db):
    return [record_event("test.event", None, object_repr=f"第{i}条", after={"n": i}) for i in range(1, 8)]


def test_new_entries_carry_a_keyed_mac_and_verify_clean_with_the_key(entries):
    key = chain.audit_key()
    for entry in AuditEntry.objects.all():
        assert entry.mac_version == chain.MAC_HMAC_SM3
        assert entry.mac_key_id == chain.key_id(key)
        assert entry.mac == chain.entry_mac(key, entry.seq, entry.hash)
        assert settings.AUDIT_KEY not in json.dumps([entry.mac, entry.mac_key_id, entry.after])
    result = chain.verify()
    assert result.ok and result.checked == len(entries) and result.legacy == 0
    out = run_verify()
    assert "审计链完整" in out and "所有记录都有审计密钥校验码" in out


def test_an_edit_re_hashed_with_plain_sm3_by_someone_without_the_key_is_named(entries):
    # Given someone with database rights edits #4 and recomputes its hash and every later one (plain SM3, no key)
    raw("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", ["改过的", 4])
    _rehash(key=False, from_seq=4)
    # Then every hash and link is consistent again...
    for entry in AuditEntry.objects.filter(seq__gte=4):
        assert entry.hash == chain.entry_hash(entry.prev_hash, chain.content_of(entry))
    # ...but verify names #4: its MAC was made over the old hash, and nobody without the key can make a new one.
    result = chain.verify()
    assert not result.ok and result.seq == 4 and result.checked == 3
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert "第 4 条记录的密钥校验码不符" in str(exc.value)


def test_a_mac_forged_with_a_guessed_key_is_named(entries):
    raw("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", ["改过的", 4])
    _rehash(key=WRONG_KEY.encode(), from_seq=4)  # MACs re-made with a key that is not the audit key
    assert chain.verify().seq == 4


def test_a_wrong_key_fails_at_the_first_keyed_entry(entries, settings):
    assert chain.verify().ok
    settings.AUDIT_KEY = WRONG_KEY
    result = chain.verify()
    assert not result.ok and result.seq == 1 and result.checked == 0
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert "第 1 条记录由另一把审计密钥签名" in str(exc.value)


def _make_legacy(up_to_seq):
    """Rows as written before the audit key existed (the migration leaves old rows so: mac_version 0, no MAC)."""
    raw("UPDATE audit_auditentry SET mac_version = 0, mac = '', mac_key_id = '' WHERE seq <= %s", [up_to_seq])


def test_legacy_entries_before_the_key_still_verify_and_are_counted(entries):
    _make_legacy(3)
    result = chain.verify()
    assert result.ok and result.checked == len(entries) and result.legacy == 3 and result.last_legacy_seq == 3
    out = run_verify()
    assert "审计链完整" in out and "其中 3 条（至第 3 条）是启用审计密钥之前写入的旧记录" in out
    # Legacy entries are still checked by their SM3 chain.
    raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = 2")
    assert chain.verify().seq == 2


def test_an_unkeyed_entry_after_keyed_ones_is_a_downgrade_and_is_named(entries):
    # Stripping one entry's MAC to pass it off as legacy does not work once keyed entries came before it.
    raw("UPDATE audit_auditentry SET mac_version = 0, mac = '', mac_key_id = '' WHERE seq = 5")
    result = chain.verify()
    assert not result.ok and result.seq == 5 and "没有密钥校验码" in result.problem


def test_an_unknown_mac_version_is_named(entries):
    raw("UPDATE audit_auditentry SET mac_version = 9 WHERE seq = 6")
    assert chain.verify().seq == 6


def test_a_checkpoint_catches_stripping_every_mac(entries, tmp_path):
    point = tmp_path / "checkpoint.json"
    call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    assert json.loads(point.read_text())["last_legacy_seq"] == 0
    # Every row passed off as legacy: the chain alone cannot tell, verify reports them all as unkeyed...
    _make_legacy(len(entries))
    assert chain.verify().legacy == len(entries)
    # ...and the checkpoint outside the database names the downgrade.
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    assert "没有密钥校验码的旧记录" in str(exc.value)


def test_a_raw_insert_without_mac_columns_after_keyed_entries_is_named(entries):
    last = AuditEntry.objects.order_by("-seq").first()
    content = {**chain.content_of(last), "seq": last.seq + 1, "object_repr": "伪造", "action": "forged"}
    forged_hash = chain.entry_hash(last.hash, content)
    raw("INSERT INTO audit_auditentry (seq, created_at, actor_name, actor_roles, source, ip, request_id, action, "
        "object_type, object_id, object_repr, region_path, success, before, after, prev_hash, hash) VALUES "
        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [last.seq + 1, last.created_at, last.actor_name, last.actor_roles, last.source, last.ip, last.request_id,
         "forged", last.object_type, last.object_id, "伪造", last.region_path, last.success, None,
         json.dumps(last.after), last.hash, forged_hash])
    assert chain.verify().seq == last.seq + 1


def _settings_in(env: dict, expression: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("ZHENGSHE_AUDIT_KEY", "DJANGO_SETTINGS_MODULE")}
    clean.update(env)
    code = f"import config.settings.prod as s; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=clean, capture_output=True,
                          text=True)


def test_the_key_file_is_generated_in_the_data_dir_private_and_kept(tmp_path):
    first = _settings_in({"ZHENGSHE_DATA_DIR": str(tmp_path)}, "s.AUDIT_KEY")
    assert first.returncode == 0, first.stderr
    path = tmp_path / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.stdout.strip() and len(first.stdout.strip()) == 64
    assert first.stdout.strip() != (tmp_path / "secret_key").read_text().strip()  # separate from SECRET_KEY
    assert not list(tmp_path.glob(".audit.key.*"))
    again = _settings_in({"ZHENGSHE_DATA_DIR": str(tmp_path)}, "s.AUDIT_KEY")
    assert again.stdout == first.stdout  # generated once, then read


def test_the_key_from_the_environment_wins_and_must_be_long(tmp_path):
    from_env = _settings_in({"ZHENGSHE_DATA_DIR": str(tmp_path), "ZHENGSHE_AUDIT_KEY": WRONG_KEY}, "s.AUDIT_KEY")
    assert from_env.stdout.strip() == WRONG_KEY and not (tmp_path / "audit.key").exists()
    short = _settings_in({"ZHENGSHE_DATA_DIR": str(tmp_path), "ZHENGSHE_AUDIT_KEY": "short"}, "s.AUDIT_KEY")
    assert short.returncode != 0 and "ZHENGSHE_AUDIT_KEY" in short.stderr


def test_the_key_is_not_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=Path(settings.BASE_DIR), capture_output=True,
                             text=True).stdout.split()
    assert not any(name.endswith("audit.key") for name in tracked)


def test_the_problem_is_told_in_english_too(entries, settings):
    from django.utils import translation

    settings.AUDIT_KEY = WRONG_KEY
    with translation.override("en"):
        assert "Entry 1 was sealed with another audit key" in chain.verify().problem
