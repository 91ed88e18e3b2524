"""The two editorial groups: Editors make and change drafts; Publishers also publish and
withdraw. Give people one group each in the admin (Users)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "sector", "organisationtype", "source", "organisation", "organisationfact", "person",
    "role", "practicetheme", "practice", "casestudy", "casestudyperson", "practiceapplication",
    "gradescale", "grade", "indicator", "outcome", "contribution", "quote", "finding",
    "recommendation", "testimonial",
]  # fmt: skip


def make_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editing = Permission.objects.filter(
        content_type__app_label="content",
        content_type__model__in=CONTENT_MODELS,
        codename__regex=r"^(add|change|delete|view)_",
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editing)
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(
        [*editing, Permission.objects.get(content_type__app_label="content", codename="publish")]
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_workflow_states"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
