"""The contact phone becomes protected personal data: SM4-GCM at rest, a blind index for look-ups.

Existing plain phones are encrypted in place (the column is read raw, written as ciphertext with its index).
Audit rows written before keep what they hold (the chain is never edited); every new row carries the mask.
"""

import zhengshe.core.protected
from django.db import migrations


def encrypt_phones(apps, schema_editor):
    zhengshe.core.protected.encrypt_existing(apps.get_model("organizations", "Organization"), "contact_phone")


def decrypt_phones(apps, schema_editor):
    zhengshe.core.protected.decrypt_existing(apps.get_model("organizations", "Organization"), "contact_phone")


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_registry_reports_incubators_grading_credit'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='contact_phone_index',
            field=zhengshe.core.protected.BlindIndexField(source='contact_phone'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='contact_phone',
            field=zhengshe.core.protected.ProtectedField(blank=True, kind='phone', max_length=20, verbose_name='联系电话'),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
    ]
