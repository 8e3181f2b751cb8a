"""The hash chain: append-only in the application; `zhengshe audit verify` names the first entry edited,
inserted or removed by raw SQL; the retention purge refuses young rows, archives, and records itself."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from zhengshe.audit import chain
from zhengshe.audit.models import AuditEntry
from zhengshe.audit.services import purge_before, record_event
from zhengshe.core.errors import ServiceError


@pytest.fixture
def entries(db):
    return [record_event("test.event", None, object_repr=f"第{i}条", after={"n": i}) for i in range(1, 8)]


def run_verify():
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def raw(sql, params=()):
    """Raw SQL as someone with the database owner's rights would run it (the no-update trigger switched off)."""
    with connection.cursor() as cursor:
        if sql.lstrip().upper().startswith("UPDATE"):
            _without_trigger(cursor)
        cursor.execute(sql, params)


def _without_trigger(cursor):
    if connection.vendor == "postgresql":
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_no_update")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")


def test_the_database_itself_refuses_updates(entries):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = 1")
    assert AuditEntry.objects.get(seq=1).object_repr == "第1条"


def test_an_intact_chain_verifies(entries):
    assert "审计链完整" in run_verify()
    assert chain.verify().checked == len(entries)


def test_an_entry_edited_by_raw_sql_is_named(entries):
    raw("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", ["改过的", 4])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert "第 4 条记录内容被篡改" in str(exc.value)


def test_an_entry_removed_by_raw_sql_is_named(entries):
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [3])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert "第 3 条记录缺失" in str(exc.value)


def test_the_first_entries_removed_without_a_purge_record_are_named(entries):
    raw("DELETE FROM audit_auditentry WHERE seq <= %s", [2])
    result = chain.verify()
    assert not result.ok and result.seq == 1 and "缺失" in result.problem


def test_an_entry_inserted_by_raw_sql_is_named(entries):
    last = AuditEntry.objects.order_by("-seq").first()
    # An inserted row at the end, pretending to follow the last one but with a hash that is not its own.
    raw("INSERT INTO audit_auditentry (seq, created_at, actor_name, actor_roles, source, ip, request_id, action, "
        "object_type, object_id, object_repr, region_path, success, prev_hash, hash) VALUES "
        "(%s, %s, '', '', 'web', '', '', 'forged', '', '', '伪造', '', %s, %s, %s)",
        [last.seq + 1, timezone.now(), True, last.hash, "f" * 64])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert f"第 {last.seq + 1} 条" in str(exc.value)


def test_an_entry_replaced_in_the_middle_is_named(entries):
    # Remove #5 and insert a different #5 with a self-consistent hash over the forged content: #5 verifies on its
    # own link, but #6 no longer links to it.
    target = AuditEntry.objects.get(seq=5)
    forged = {**chain.content_of(target), "object_repr": "伪造"}
    raw("DELETE FROM audit_auditentry WHERE seq = 5")
    raw("INSERT INTO audit_auditentry (seq, created_at, actor_name, actor_roles, source, ip, request_id, action, "
        "object_type, object_id, object_repr, region_path, success, before, after, prev_hash, hash) VALUES "
        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [5, target.created_at, target.actor_name, target.actor_roles, target.source, target.ip, target.request_id,
         target.action, target.object_type, target.object_id, "伪造", target.region_path, target.success,
         None, json.dumps(target.after), target.prev_hash, chain.entry_hash(target.prev_hash, forged)])
    result = chain.verify()
    assert not result.ok and result.seq in (5, 6)


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entries):
    entry = AuditEntry.objects.get(seq=2)
    entry.object_repr = "x"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=2).update(object_repr="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=2).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_update([entry], ["object_repr"])
    assert "审计链完整" in run_verify()


def _age(days):
    for entry in AuditEntry.objects.all():
        raw("UPDATE audit_auditentry SET created_at = %s WHERE seq = %s", [entry.created_at - timedelta(days=days),
                                                                          entry.seq])


def _rehash(key=None, from_seq=1):
    """Recompute every hash from ``from_seq`` on. With the audit key: re-seal the chain after back-dating rows in a
    test (what the application would have written then). Without (``key=False``): what an attacker with database
    rights but not the key can do — plain SM3, the old MACs left as they were."""
    key = chain.audit_key() if key is None else key
    prev = AuditEntry.objects.filter(seq__lt=from_seq).order_by("-seq").values_list("hash", flat=True).first()
    prev = prev or chain.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        new_hash = chain.entry_hash(prev, chain.content_of(entry))
        mac = chain.entry_mac(key, entry.seq, new_hash) if key else entry.mac
        raw("UPDATE audit_auditentry SET prev_hash = %s, hash = %s, mac = %s WHERE seq = %s",
            [prev, new_hash, mac, entry.seq])
        prev = new_hash


def test_purge_refuses_rows_younger_than_180_days(entries, tmp_path):
    too_recent = timezone.localdate() - timedelta(days=179)
    with pytest.raises(ServiceError) as exc:
        purge_before(too_recent, archive_dir=tmp_path)
    assert "180" in exc.value.message
    with pytest.raises(CommandError):
        call_command("audit_purge", "--before", too_recent.isoformat(), "--archive-dir", str(tmp_path))
    assert AuditEntry.objects.count() == len(entries)


def test_purge_removes_old_rows_archives_them_records_itself_and_verify_still_passes(entries, tmp_path):
    # Given the first four entries written 400 days ago and the rest today
    for entry in AuditEntry.objects.filter(seq__lte=4):
        raw("UPDATE audit_auditentry SET created_at = %s WHERE seq = %s",
            [entry.created_at - timedelta(days=400), entry.seq])
    _rehash()
    # When purging everything before 200 days ago through the command
    day = timezone.localdate() - timedelta(days=200)
    call_command("audit_purge", "--before", day.isoformat(), "--archive-dir", str(tmp_path))
    # Then the old four are gone and archived, the purge is itself an entry, and the chain still verifies.
    assert not AuditEntry.objects.filter(seq__lte=4).exists()
    archive = next(tmp_path.glob("audit-before-*.jsonl"))
    lines = [json.loads(line) for line in archive.read_text(encoding="utf-8").splitlines()]
    assert [row["seq"] for row in lines] == [1, 2, 3, 4]
    purge = AuditEntry.objects.get(action="audit.purge")
    assert purge.source == "command" and purge.after["deleted"] == 4 and purge.after["first_kept_seq"] == 5
    out = run_verify()
    assert "审计链完整" in out and "第 5 条起" in out
    # Tampering after a purge is still found.
    raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = 6")
    assert chain.verify().seq == 6


def test_a_checkpoint_outside_the_database_catches_removed_tail_entries(entries, tmp_path):
    from io import StringIO

    point = tmp_path / "checkpoint.json"
    call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    assert json.loads(point.read_text())["seq"] == len(entries)
    # Removing the newest entries leaves a chain that is consistent in itself...
    raw("DELETE FROM audit_auditentry WHERE seq >= %s", [len(entries) - 1])
    assert chain.verify().ok
    # ...but the checkpoint names what is missing.
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    assert f"第 {len(entries)} 条已不存在" in str(exc.value)


def test_a_checkpoint_catches_a_recomputed_chain(entries, tmp_path):
    from io import StringIO

    point = tmp_path / "checkpoint.json"
    call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = 2")
    _rehash()  # an attacker who has the audit key as well and recomputes every hash and MAC after the edit
    assert chain.verify().ok
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", "--checkpoint", str(point), stdout=StringIO())
    assert "与检查点不符" in str(exc.value)
