# Grants bound to an organization or a residents' council become generic (target_kind, target_id) rows, so
# accounts holds no foreign key into a feature app (step 1 of 3: the new columns).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_grants_token'),
        ('regions', '0003_covering_search_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='roleassignment',
            name='role_assignment_one_scope',
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='target_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='绑定对象编号'),
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='target_kind',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='绑定对象类型'),
        ),
        migrations.AlterField(
            model_name='roleassignment',
            name='region',
            field=models.ForeignKey(blank=True, help_text='按区划授权时为管辖范围；绑定组织或理事会时为其所在区划（仅用于管理）', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='role_assignments', to='regions.region', verbose_name='区划范围'),
        ),
    ]
