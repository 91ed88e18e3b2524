"""Credits recorded in revision history before 0011 name their passage `reason` and have no
`directness`: restoring such a revision would write a credit with an empty passage and no
directness, which the database refuses. Their recorded data is brought up to date, as 0011
brought the table: `reason` becomes `passage`, and the credit is "general" until checked."""

import json

from django.db import migrations


def upgraded(serialized: str) -> str:
    """One credit's recorded data, in the shape 0011 gave the table. Already up to date: as is."""
    records = json.loads(serialized)
    for record in records:
        fields = record["fields"]
        if "reason" in fields:
            fields["passage"] = fields.pop("reason")
        fields.setdefault("directness", "general")
    return json.dumps(records)


def upgrade_recorded_credits(apps, schema_editor):
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    credit = ContentType.objects.filter(app_label="content", model="contribution").first()
    if credit is None:
        return
    for version in Version.objects.filter(content_type=credit, format="json").iterator():
        data = upgraded(version.serialized_data)
        if data != version.serialized_data:
            Version.objects.filter(pk=version.pk).update(serialized_data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0011_contribution_directness_passage"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(upgrade_recorded_credits, migrations.RunPython.noop)]
