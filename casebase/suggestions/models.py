"""What readers send: a correction to a case study, or their organisation's story.

Nothing here is ever shown to the public: not on pages, in the cache, exports, search or
sitemaps. Contact details are erased once handled, and after 12 months at the latest
(`erase_old_contact_details`)."""

import secrets

from django.db import models

from casebase.content.models import CaseStudy, OrganisationType

# No 0/O, 1/I/L: a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """`CB-7K3M-Q2`: 31^6 (nearly 900 million) references, drawn by `secrets`."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"CB-{chars[:4]}-{chars[4:]}"


class Suggestion(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        STORY = "story", "Organisation's story"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    reference = models.CharField(max_length=12, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField("sent", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The case study a correction is about, or the draft made from a story.",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_type = models.ForeignKey(
        OrganisationType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the reader chose “another kind of organisation”.",
    )
    text = models.TextField(
        help_text="A correction: what is wrong. A story: what they did and what happened."
    )
    proposed = models.TextField(
        "what it should say", blank=True, help_text="A correction's fix and where it comes from."
    )
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the contact details were erased (the suggestion is kept).",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_erased_at__isnull=True)
                | models.Q(contact_name="", contact_email=""),
                name="suggestion_erased_has_no_contact",
                violation_error_message="Erased contact details must be empty.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display().lower()})"
