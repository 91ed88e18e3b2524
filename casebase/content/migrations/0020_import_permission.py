"""Spreadsheet imports (casebase/editing/imports.py): Editors and Publishers may import, and
everything imported arrives as a draft."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("content")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    importing = Permission.objects.get(content_type__app_label="content", codename="import_records")
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(importing)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="content", codename="import_records").delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0019_organisation_name_index")]

    operations = [
        migrations.AlterModelOptions(
            name="casestudy",
            options={
                "ordering": ["title"],
                "permissions": [
                    ("publish", "Can publish and withdraw records"),
                    ("import_records", "Can import records from spreadsheets (as drafts)"),
                ],
                "verbose_name_plural": "case studies",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
