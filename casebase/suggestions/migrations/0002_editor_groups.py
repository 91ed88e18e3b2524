"""Editors and Publishers (content migration 0005) may view suggestions and change their status."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("suggestions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    allowed = Permission.objects.filter(
        content_type__app_label="suggestions",
        codename__in=["view_suggestion", "change_suggestion"],
    )
    for name in ("Editors", "Publishers"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*allowed)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    allowed = Permission.objects.filter(content_type__app_label="suggestions")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*allowed)


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("content", "0005_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
