"""The agreements' rollup rows gain the standard agreements' signing states and funding and the count of funded
agreements (read by the funds summary instead of a page cache): written again from the agreements once."""

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
    dependencies = [("agreements", "0006_drop_funds_version")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
