"""The rollup rows of communities whose service centre is at least 400 m² (the share of 社区 and of villages apart),
filled once for an existing tree; from then on every write to a village keeps them (regions.rollups)."""

from django.db import migrations

KEY = "community_centres_400"


def fill(apps, schema_editor):
    from zhengshe.core.rollups import spread
    from zhengshe.regions.rollups import rows_contribution

    Region = apps.get_model("regions", "Region")
    Rollup = apps.get_model("core", "Rollup")
    rows = {key: v for key, v in spread(rows_contribution(Region.objects.all())).items() if key[2] == KEY}
    Rollup.objects.filter(key=KEY).delete()
    Rollup.objects.bulk_create([Rollup(region_path=p, year=y, key=k, value=v) for (p, y, k), v in rows.items()],
                               batch_size=2000)


def empty(apps, schema_editor):
    apps.get_model("core", "Rollup").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0005_drop_tree_version"), ("core", "0003_rollups")]
    operations = [migrations.RunPython(fill, empty)]
