from django.db import migrations, models

# The compendium's indicators and their areas (as in data/compendium/reference.yaml), so a
# database loaded before this migration gets the right areas without reloading. Others (added
# by editors) start as "service" and can be changed in the admin.
AREAS = {
    "cqc-overall-rating": "inspection",
    "ofsted-overall-grade": "inspection",
    "nhs-staff-survey-standing": "staff",
    "staff-survey-results": "staff",
    "staff-proud-to-work-here": "staff",
    "staff-feeling-empowered": "staff",
    "staff-retention": "staff",
    "staff-recruitment": "staff",
    "staff-satisfaction": "staff",
    "council-productivity-rank": "finance",
    "surplus-as-share-of-income": "finance",
    "external-review-judgement": "recognition",
    "award": "recognition",
    "service-user-satisfaction": "service",
    "service-performance": "service",
    "service-demand": "service",
    "service-change-percent": "service",
}


def set_areas(apps, schema_editor):
    Indicator = apps.get_model("content", "Indicator")
    for slug, area in AREAS.items():
        Indicator.objects.filter(slug=slug).update(area=area)


class Migration(migrations.Migration):
    dependencies = [("content", "0002_search_document")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="area",
            field=models.CharField(
                choices=[
                    ("inspection", "Inspection grades"),
                    ("staff", "Staff"),
                    ("finance", "Finance and productivity"),
                    ("service", "Services and users"),
                    ("recognition", "Reviews and awards"),
                ],
                default="service",
                help_text="What kind of result this is, for readers: the evidence map's columns.",
                max_length=12,
                verbose_name="outcome area",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(set_areas, migrations.RunPython.noop),
    ]
