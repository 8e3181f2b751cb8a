"""The organizations' own notification table merges into the house's one (``core.Notification``): each message
becomes a message to every user who then holds a role at its address (the organization, or the office of the
region) — read where it had been read — and one with no user where nobody did, so nothing is lost."""

from django.db import migrations


def move(apps, schema_editor):
    Old = apps.get_model("organizations", "Notification")
    New = apps.get_model("core", "Notification")
    Grant = apps.get_model("accounts", "RoleAssignment")
    rows = []
    for n in Old.objects.select_related("region").order_by("id").iterator():
        if n.organization_id:
            address = {"region_path": "", "target_kind": "organization", "target_id": n.organization_id}
            users = Grant.objects.filter(active=True, target_kind="organization", target_id=n.organization_id)
        else:
            path = n.region.path if n.region_id else ""
            address = {"region_path": path, "target_kind": "", "target_id": None}
            users = Grant.objects.filter(active=True, region__path=path) if path else Grant.objects.none()
        ids = sorted(set(users.values_list("user_id", flat=True))) or [None]
        for uid in ids:
            rows.append(New(user_id=uid, kind=n.kind, message=n.title[:300], body=n.body, url=n.link,
                            dedupe_key=n.dedupe_key, read_at=n.read_at, **address))
    created = New.objects.bulk_create(rows, batch_size=1000)
    # keep the original times (auto_now_add wrote "now")
    stamps = {}
    for n in Old.objects.order_by("id"):
        stamps.setdefault((n.kind, n.title[:300], n.dedupe_key), n.created_at)
    for row in created:
        when = stamps.get((row.kind, row.message, row.dedupe_key))
        if when:
            New.objects.filter(pk=row.pk).update(created_at=when)


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0003_protected_contact_phone'),
        ('core', '0004_notifications_addressed'),
        ('accounts', '0007_grant_targets_cleanup'),
    ]

    operations = [
        migrations.RunPython(move, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
