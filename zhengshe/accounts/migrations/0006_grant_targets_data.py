# Step 2 of 3: existing grants are carried over in place, the grant's region becoming the target's region (for the
# managers' scope); and back again on reverse. A migration of its own: PostgreSQL refuses schema changes on a table
# with pending trigger events in the same transaction.

from django.db import migrations


def forwards(apps, schema_editor):
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    for a in RoleAssignment.objects.filter(organization__isnull=False).select_related("organization"):
        a.target_kind, a.target_id, a.region_id = "organization", a.organization_id, a.organization.region_id
        a.save(update_fields=["target_kind", "target_id", "region"])
    for a in RoleAssignment.objects.filter(council__isnull=False).select_related("council"):
        a.target_kind, a.target_id, a.region_id = "council", a.council_id, a.council.region_id
        a.save(update_fields=["target_kind", "target_id", "region"])


def backwards(apps, schema_editor):
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    for a in RoleAssignment.objects.exclude(target_kind=""):
        field = {"organization": "organization_id", "council": "council_id"}[a.target_kind]
        setattr(a, field, a.target_id)
        a.region_id = None
        a.save(update_fields=[field.removesuffix("_id"), "region"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_grant_targets"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
