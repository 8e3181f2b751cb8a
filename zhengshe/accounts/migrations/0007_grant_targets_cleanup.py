# Step 3 of 3: the index and the one-scope rule over the new columns; the foreign keys into feature apps go.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_grant_targets_data"),
    ]

    operations = [
        migrations.AddIndex(
            model_name='roleassignment',
            index=models.Index(fields=['target_kind', 'target_id'], name='role_assignment_target'),
        ),
        migrations.AddConstraint(
            model_name='roleassignment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('target_kind', ''), ('target_id__isnull', True), ('region__isnull', False)), models.Q(models.Q(('target_kind', ''), _negated=True), ('target_id__isnull', False)), _connector='OR'), name='role_assignment_one_scope'),
        ),
        migrations.RemoveField(
            model_name='roleassignment',
            name='council',
        ),
        migrations.RemoveField(
            model_name='roleassignment',
            name='organization',
        ),
    ]
