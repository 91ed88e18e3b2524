"""Strength of evidence (casebase.content.grading): how each result was measured, whether its
figure is inferred, a short label, and the grade the database computes from them; and the
names a story's own programmes, places and bodies go by.

Existing results get the design their direction implies (a single measurement or a before
and after); so do the results recorded in revision history, so restoring one never writes a
single measurement as a before and after, which the database refuses."""

import json

import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.lookups
from django.db import migrations, models


def design_for(direction: str) -> str:
    return "snapshot" if direction == "snapshot" else "before_after"


def set_designs(apps, schema_editor):
    Outcome = apps.get_model("content", "Outcome")
    Outcome.objects.filter(direction="snapshot").update(design="snapshot")


def upgraded(serialized: str) -> str:
    """One result's recorded data with the new fields. Already up to date: as is."""
    records = json.loads(serialized)
    for record in records:
        fields = record["fields"]
        fields.setdefault("design", design_for(fields.get("direction", "")))
        fields.setdefault("inferred", False)
        fields.setdefault("inference", "")
        fields.setdefault("label", "")
    return json.dumps(records)


def upgrade_recorded_outcomes(apps, schema_editor):
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    outcome = ContentType.objects.filter(app_label="content", model="outcome").first()
    if outcome is None:
        return
    for version in Version.objects.filter(content_type=outcome, format="json").iterator():
        data = upgraded(version.serialized_data)
        if data != version.serialized_data:
            Version.objects.filter(pk=version.pk).update(serialized_data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0013_source_pages"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestudy",
            name="named_in_story",
            field=models.TextField(
                blank=True,
                db_default="",
                help_text='Its own programmes and slogans ("The Leeds Way"), and the places and bodies the story names, one per line: readers find the case study by any of them.',
                verbose_name="also named in the story",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="design",
            field=models.CharField(
                choices=[
                    ("before_after", "Before and after"),
                    ("trend", "A trend over several measurements"),
                    ("peers", "Compared with peers"),
                    ("national", "Compared with a national figure"),
                    ("snapshot", "A single measurement"),
                ],
                default="before_after",
                help_text="Compared with peers or a national figure only if the source gives the comparison.",
                max_length=12,
                verbose_name="how it was measured",
            ),
        ),
        migrations.RunPython(set_designs, migrations.RunPython.noop),
        migrations.RunPython(upgrade_recorded_outcomes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="outcome",
            name="inference",
            field=models.TextField(
                blank=True,
                db_default="",
                help_text="Required when inferred: what the editor worked the figure out from.",
                verbose_name="how it was inferred",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="inferred",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Tick if the source does not give the figure and an editor worked it out.",
                verbose_name="inferred by an editor",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="label",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text='A short name that tells this result apart from the case study\'s others ("CQC rating, 2014 to 2016"). Empty: what was measured.',
                max_length=80,
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="evidence",
            field=models.CharField(
                choices=[
                    ("regulator", "Regulator's inspection"),
                    ("survey", "National survey"),
                    ("ranking", "Ranking, league table or award"),
                    ("external_review", "External or peer review"),
                    ("official_data", "Official statistics"),
                    ("self_reported", "The organisation's own figures"),
                    ("not_stated", "Not stated in the source"),
                ],
                help_text='As the source says. If it does not say, choose "not stated": never guess.',
                max_length=20,
                verbose_name="who measured it",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("direction", "snapshot"), _negated=True),
                    models.Q(("design", "before_after"), _negated=True),
                    _connector="OR",
                ),
                name="outcome_snapshot_is_not_before_and_after",
                violation_error_message='A single measurement has no before: choose "a single measurement" or a comparison as how it was measured.',
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("inferred", False), models.Q(("inference", ""), _negated=True), _connector="OR"
                ),
                name="outcome_inferred_says_how",
                violation_error_message="Say how the figure was inferred.",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="strength",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        django.db.models.lookups.GreaterThanOrEqual(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.Case(
                                        models.When(
                                            models.Q(("evidence", "regulator")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "official_data")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "survey")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "external_review")),
                                            then=models.Value(2),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "ranking")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "self_reported")),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "not_stated")),
                                            then=models.Value(0),
                                        ),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                    "+",
                                    models.Case(
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                            ),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("design", "before_after")),
                                            then=models.Value(0),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "trend"),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(design="trend", then=models.Value(1)),
                                        models.When(design="peers", then=models.Value(2)),
                                        models.When(design="national", then=models.Value(2)),
                                        models.When(design="snapshot", then=models.Value(0)),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                ),
                                "+",
                                models.Case(
                                    models.When(inferred=True, then=models.Value(-1)),
                                    default=models.Value(0),
                                    output_field=models.IntegerField(),
                                ),
                            ),
                            5,
                        ),
                        then=models.Value(4),
                    ),
                    models.When(
                        django.db.models.lookups.GreaterThanOrEqual(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.Case(
                                        models.When(
                                            models.Q(("evidence", "regulator")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "official_data")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "survey")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "external_review")),
                                            then=models.Value(2),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "ranking")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "self_reported")),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "not_stated")),
                                            then=models.Value(0),
                                        ),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                    "+",
                                    models.Case(
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                            ),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("design", "before_after")),
                                            then=models.Value(0),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "trend"),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(design="trend", then=models.Value(1)),
                                        models.When(design="peers", then=models.Value(2)),
                                        models.When(design="national", then=models.Value(2)),
                                        models.When(design="snapshot", then=models.Value(0)),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                ),
                                "+",
                                models.Case(
                                    models.When(inferred=True, then=models.Value(-1)),
                                    default=models.Value(0),
                                    output_field=models.IntegerField(),
                                ),
                            ),
                            4,
                        ),
                        then=models.Value(3),
                    ),
                    models.When(
                        django.db.models.lookups.GreaterThanOrEqual(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.Case(
                                        models.When(
                                            models.Q(("evidence", "regulator")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "official_data")),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "survey")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "external_review")),
                                            then=models.Value(2),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "ranking")), then=models.Value(2)
                                        ),
                                        models.When(
                                            models.Q(("evidence", "self_reported")),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("evidence", "not_stated")),
                                            then=models.Value(0),
                                        ),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                    "+",
                                    models.Case(
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "before_after"),
                                                models.Q(
                                                    ("baseline_grade__isnull", False),
                                                    ("baseline_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                                models.Q(
                                                    ("result_grade__isnull", False),
                                                    ("result_value__isnull", False),
                                                    _connector="OR",
                                                ),
                                            ),
                                            then=models.Value(1),
                                        ),
                                        models.When(
                                            models.Q(("design", "before_after")),
                                            then=models.Value(0),
                                        ),
                                        models.When(
                                            models.Q(
                                                ("design", "trend"),
                                                ("baseline_year__isnull", False),
                                                ("result_year__isnull", False),
                                            ),
                                            then=models.Value(3),
                                        ),
                                        models.When(design="trend", then=models.Value(1)),
                                        models.When(design="peers", then=models.Value(2)),
                                        models.When(design="national", then=models.Value(2)),
                                        models.When(design="snapshot", then=models.Value(0)),
                                        default=models.Value(0),
                                        output_field=models.IntegerField(),
                                    ),
                                ),
                                "+",
                                models.Case(
                                    models.When(inferred=True, then=models.Value(-1)),
                                    default=models.Value(0),
                                    output_field=models.IntegerField(),
                                ),
                            ),
                            2,
                        ),
                        then=models.Value(2),
                    ),
                    default=models.Value(1),
                    output_field=models.PositiveSmallIntegerField(),
                ),
                output_field=models.PositiveSmallIntegerField(
                    choices=[(1, "Very limited"), (2, "Limited"), (3, "Moderate"), (4, "Strong")]
                ),
                verbose_name="strength of evidence",
            ),
        ),
    ]
