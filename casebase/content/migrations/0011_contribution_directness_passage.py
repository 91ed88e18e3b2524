from django.db import migrations, models


class Migration(migrations.Migration):
    """Say how directly the source credits each practice, on the passage it rests on.

    `reason` already held the source's words that link the practice to the result, so it
    becomes `passage` (kept, not copied). Existing credits start as "general", the weaker claim,
    until someone checks them against the source (the compendium loader sets each one).
    """

    dependencies = [
        ("content", "0010_corrections_for_editors"),
    ]

    operations = [
        migrations.RenameField(model_name="contribution", old_name="reason", new_name="passage"),
        migrations.AlterField(
            model_name="contribution",
            name="passage",
            field=models.TextField(
                help_text=(
                    "The source's words the credit rests on, copied exactly: the shortest passage "
                    "that carries the claim."
                )
            ),
        ),
        migrations.AddField(
            model_name="contribution",
            name="directness",
            field=models.CharField(
                choices=[
                    ("explicit", "The source says this practice led to this result"),
                    ("general", "The source credits leadership and management as a whole"),
                ],
                default="general",
                help_text=(
                    "Explicit only if the source's own words link this practice to this result. "
                    "If the source only credits good leadership or management in general, choose "
                    "general. If it does neither, do not credit the practice."
                ),
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="contribution",
            constraint=models.CheckConstraint(
                condition=models.Q(("directness__in", ["explicit", "general"])),
                name="contribution_directness_known",
                violation_error_message="Say how directly the source credits this practice.",
            ),
        ),
    ]
