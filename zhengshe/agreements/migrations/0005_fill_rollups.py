"""Existing agreements get their rollup rows (count, signed, money by party B's node and year) once; from then on
every write keeps them (agreements.rollups)."""

from django.db import migrations


def fill(apps, schema_editor):
    from zhengshe.agreements.rollups import KEYS, rows_contribution
    from zhengshe.core.rollups import spread

    Agreement = apps.get_model("agreements", "Agreement")
    Rollup = apps.get_model("core", "Rollup")
    rows = spread(rows_contribution(Agreement.objects.all()))
    Rollup.objects.filter(key__in=KEYS).delete()
    Rollup.objects.bulk_create([Rollup(region_path=p, year=y, key=k, value=v) for (p, y, k), v in rows.items()],
                               batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_funds_version"), ("core", "0003_rollups"), ("regions", "0004_fill_rollups")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
