"""Corrections came after the editorial groups (0005) and were given to neither: only
superusers saw them. Editors and Publishers work on them like every other part."""

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
    corrections = Permission.objects.filter(
        content_type__app_label="content",
        content_type__model="correction",
        codename__regex=r"^(add|change|delete|view)_",
    )
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*corrections)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    corrections = Permission.objects.filter(
        content_type__app_label="content", content_type__model="correction"
    )
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*corrections)


class Migration(migrations.Migration):
    dependencies = [("content", "0009_public_dates")]

    operations = [migrations.RunPython(grant, revoke)]
