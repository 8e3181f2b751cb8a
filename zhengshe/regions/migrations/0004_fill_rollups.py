"""An existing tree gets its rollup rows (villages, population, households, centres) once, from its villages; from
then on every write keeps them (regions.rollups)."""

from django.db import migrations


def fill(apps, schema_editor):
    from zhengshe.core.rollups import spread
    from zhengshe.regions.rollups import rows_contribution

    Region = apps.get_model("regions", "Region")
    Rollup = apps.get_model("core", "Rollup")
    rows = spread(rows_contribution(Region.objects.all()))
    Rollup.objects.filter(key__in=["villages", "communities", "population", "households", "centres_400"]).delete()
    Rollup.objects.bulk_create([Rollup(region_path=p, year=y, key=k, value=v) for (p, y, k), v in rows.items()],
                               batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_covering_search_index"), ("core", "0003_rollups")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
