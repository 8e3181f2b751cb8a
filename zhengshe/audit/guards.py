"""The database's own refusal to lose audit rows: no DELETE (nor, on PostgreSQL, TRUNCATE) of audit entries,
except inside the retention purge, which holds a permit for its own transaction only.

The UPDATE guard is migration 0002. These are defence in depth: whoever owns the database can drop a trigger, and
then the chain and the signed checkpoints outside the database (``audit.chain``) tell what was done.
"""

from contextlib import contextmanager

from django.db import connection

SQLITE_PERMIT = "CREATE TABLE IF NOT EXISTS audit_purge_permit (id INTEGER PRIMARY KEY)"
SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit)
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted (only the retention purge may)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_auditentry_no_delete;"
PG_UP = """
CREATE OR REPLACE FUNCTION zhengshe_audit_no_delete() RETURNS trigger AS $$
BEGIN
  IF current_setting('zhengshe.audit_purge', true) = 'on' THEN
    RETURN CASE WHEN TG_LEVEL = 'ROW' THEN OLD ELSE NULL END;
  END IF;
  RAISE EXCEPTION 'audit entries cannot be deleted (only the retention purge may)';
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditentry_no_delete ON audit_auditentry;
CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION zhengshe_audit_no_delete();
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON audit_auditentry
FOR EACH STATEMENT EXECUTE FUNCTION zhengshe_audit_no_delete();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_auditentry_no_delete ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS zhengshe_audit_no_delete();
"""


def install(schema_editor=None) -> None:
    """Create the DELETE/TRUNCATE guards (idempotent)."""
    run = schema_editor.execute if schema_editor is not None else _execute
    vendor = (schema_editor.connection if schema_editor is not None else connection).vendor
    if vendor == "sqlite":
        run(SQLITE_PERMIT)
        run(SQLITE_UP)
    elif vendor == "postgresql":
        run(PG_UP)


def uninstall(schema_editor=None) -> None:
    run = schema_editor.execute if schema_editor is not None else _execute
    vendor = (schema_editor.connection if schema_editor is not None else connection).vendor
    if vendor == "sqlite":
        run(SQLITE_DOWN)
    elif vendor == "postgresql":
        run(PG_DOWN)


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@contextmanager
def purge_permit():
    """Inside the caller's transaction: the audit rows may be deleted until the block ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL zhengshe.audit_purge = 'on'")
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_PERMIT)
            cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL zhengshe.audit_purge = 'off'")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM audit_purge_permit")
