"""The database refuses DELETE (and, on PostgreSQL, TRUNCATE) of audit entries, except inside the retention purge
(``audit.guards``). Test databases skip it (``ZHENGSHE_AUDIT_GUARD_DELETES=0`` in the test settings): the test
runner empties tables between browser tests; a test installs the guards itself and proves them."""

from django.conf import settings
from django.db import migrations


def up(apps, schema_editor):
    from zhengshe.audit import guards

    if getattr(settings, "AUDIT_GUARD_DELETES", True):
        guards.install(schema_editor)


def down(apps, schema_editor):
    from zhengshe.audit import guards

    guards.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_keyed_mac")]
    operations = [migrations.RunPython(up, down)]
