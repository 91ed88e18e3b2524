"""The log of changes to content: each worker's catalogue index catches up with a change by
re-reading the case studies it names, instead of rebuilding (issue 16)."""

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0014_evidence_strength'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(unique=True)),
                ('token', models.CharField(help_text='The content version it made.', max_length=32)),
                ('case_studies', models.JSONField(help_text='Ids of the case studies it may move; null: any of them.', null=True)),
                ('made_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'ordering': ['seq'],
            },
        ),
        migrations.AddField(
            model_name='contentversion',
            name='seq',
            field=models.PositiveBigIntegerField(default=0, help_text='How many changes so far.'),
        ),
    ]
