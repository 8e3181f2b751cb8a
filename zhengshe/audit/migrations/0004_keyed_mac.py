"""Keyed MAC per audit entry (HMAC-SM3, key outside the database).

Existing rows are not rewritten (the database refuses UPDATE on them): they get ``mac_version`` 0 and
``zhengshe audit verify`` checks them by the SM3 chain alone and counts them as legacy. On SQLite,
adding columns rebuilds the table, which drops its triggers, so the no-update trigger is created again.
"""

import importlib

from django.db import migrations, models

no_update = importlib.import_module("zhengshe.audit.migrations.0002_no_update_trigger")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_actor_do_nothing'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, db_default='', default='', max_length=64, verbose_name='密钥校验码'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac_key_id',
            field=models.CharField(blank=True, db_default='', default='', max_length=16, verbose_name='审计密钥编号'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac_version',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='校验方式'),
        ),
        # The table rebuild on SQLite drops the trigger; CREATE ... IF NOT EXISTS / OR REPLACE on both vendors.
        migrations.RunPython(no_update.up, migrations.RunPython.noop),
    ]
