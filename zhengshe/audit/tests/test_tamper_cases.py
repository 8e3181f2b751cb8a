"""Nine ways to tamper with the audit trail, each named by `zhengshe audit verify` on its own — with no checkpoint
kept by hand: every verify holds the chain to the newest signed checkpoint outside the database and writes a new
one. And the database itself refuses to delete audit rows outside the retention purge."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from zhengshe.audit import chain, guards
from zhengshe.audit.models import AuditEntry
from zhengshe.audit.services import record_event
from zhengshe.audit.tests.test_chain import _rehash, raw


@pytest.fixture
def verified(db):
    """Ten entries, verified once (which wrote the first signed checkpoint)."""
    for i in range(1, 11):
        record_event("test.event", None, object_repr=f"第{i}条", after={"n": i})
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue() and "已写下签名检查点" in out.getvalue()
    return AuditEntry.objects.count()


def _strip_macs_and_recompute():
    """Someone with database rights but not the key: every row made 'legacy' and the plain SM3 chain recomputed."""
    raw("UPDATE audit_auditentry SET mac_version = 0, mac_key_id = '', mac = ''")
    _rehash(key=False)


TAMPER = {
    "edit": (lambda n: raw("UPDATE audit_auditentry SET object_repr = '改过' WHERE seq = 3"), "第 3 条记录内容被篡改"),
    "event type": (lambda n: raw("UPDATE audit_auditentry SET action = 'test.other' WHERE seq = 4"), "第 4 条记录内容被篡改"),
    "edited JSON": (lambda n: raw("""UPDATE audit_auditentry SET "after" = '{"n": 99}' WHERE seq = 5"""),
                    "第 5 条记录内容被篡改"),
    "replaced hash": (lambda n: raw("UPDATE audit_auditentry SET hash = %s WHERE seq = 6", ["f" * 64]), "第 6 条"),
    "one deleted row": (lambda n: raw("DELETE FROM audit_auditentry WHERE seq = 7"), "第 7 条记录缺失"),
    "deleted range": (lambda n: raw("DELETE FROM audit_auditentry WHERE seq BETWEEN 2 AND 5"), "第 2 条记录缺失"),
    "truncated tail": (lambda n: raw("DELETE FROM audit_auditentry WHERE seq > 7"), "末尾记录被删除"),
    "emptied table": (lambda n: raw("DELETE FROM audit_auditentry"), "审计记录已被清空"),
    "keyless downgrade": (lambda n: _strip_macs_and_recompute(), "没有密钥校验码的旧记录"),
}


@pytest.mark.parametrize("case", list(TAMPER))
def test_every_tampering_is_named_by_verify(verified, case):
    tamper, named = TAMPER[case]
    tamper(verified)
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", stdout=StringIO())
    assert named in str(exc.value), f"{case}: {exc.value}"


def test_a_forged_checkpoint_is_refused(verified, settings):
    newest = sorted(settings.AUDIT_CHECKPOINT_DIR.glob("checkpoint-*.json"))[-1]
    newest.write_text(newest.read_text().replace('"seq": 10', '"seq": 3'))
    with pytest.raises(CommandError, match="检查点被篡改"):
        call_command("audit_verify", stdout=StringIO())


def test_checkpoints_are_private_files_outside_the_database(verified, settings):
    folder = settings.AUDIT_CHECKPOINT_DIR
    files = list(folder.glob("checkpoint-*.json"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert settings.AUDIT_KEY not in files[0].read_text()
    point, problem = chain.newest_checkpoint()
    assert problem == "" and point["seq"] == verified


def test_new_entries_after_a_checkpoint_verify(verified):
    record_event("test.event", None, object_repr="又一条")
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()


@pytest.mark.django_db(transaction=False)
def test_the_database_refuses_deleting_audit_rows_except_inside_the_purge(verified):
    with transaction.atomic():
        guards.install()
        try:
            with pytest.raises(DatabaseError), transaction.atomic():
                raw("DELETE FROM audit_auditentry WHERE seq = 1")
            if connection.vendor == "postgresql":
                with pytest.raises(DatabaseError), transaction.atomic():
                    raw("TRUNCATE audit_auditentry")
            assert AuditEntry.objects.filter(seq=1).exists()
            with guards.purge_permit():
                raw("DELETE FROM audit_auditentry WHERE seq = 1")
            assert not AuditEntry.objects.filter(seq=1).exists()
            with pytest.raises(DatabaseError), transaction.atomic():
                raw("DELETE FROM audit_auditentry WHERE seq = 2")  # the permit ended with its block
        finally:
            guards.uninstall()
