"""Writes to suggestions: keyword-only functions, `full_clean()` before `save()`."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from casebase.content.changes import content_changed, touched_by
from casebase.content.models import CaseStudy, Organisation, Source
from casebase.suggestions.models import Suggestion, new_reference

KEPT_AT_MOST = timedelta(days=365)  # the privacy notice's "12 months at the latest"


def suggestion_submit(*, kind: str, answers: dict) -> Suggestion:
    """Store a reader's answers under a new, unique reference."""
    suggestion = Suggestion(kind=kind, **answers)
    for _ in range(5):  # a clash is 1 in ~900 million per stored reference: retry, never fail
        suggestion.reference = new_reference()
        suggestion.full_clean()
        try:
            with transaction.atomic():
                suggestion.save()
            return suggestion
        except IntegrityError:
            continue
    raise RuntimeError("No free reference after 5 tries")


def contact_details_erase(*, suggestions: QuerySet[Suggestion]) -> int:
    """Remove names and email addresses, keep the suggestions, and record when."""
    return suggestions.filter(contact_erased_at__isnull=True).update(
        contact_name="", contact_email="", contact_erased_at=timezone.now()
    )


def old_contact_details_erase(*, now=None) -> int:
    """Erase the contact details of every suggestion older than the privacy notice allows."""
    cutoff = (now or timezone.now()) - KEPT_AT_MOST
    return contact_details_erase(suggestions=Suggestion.objects.filter(created_at__lt=cutoff))


def story_accept(*, suggestion: Suggestion) -> CaseStudy:
    """A story accepted becomes a draft case study of a draft organisation, prefilled with the
    reader's words, citing a draft source that records where it came from: an editor then
    checks and rewrites it before anyone may publish it."""
    if suggestion.kind != Suggestion.Kind.STORY or suggestion.case_study_id:
        raise ValueError(f"{suggestion.reference} is not a story waiting for a draft")
    if suggestion.organisation_type is None:
        raise ValueError(
            f"{suggestion.reference}: the reader chose “another kind of organisation”; "
            "add the organisation with its type first"
        )
    slug = f"{slugify(suggestion.organisation_name)[:100]}-{suggestion.reference.lower()}"
    with transaction.atomic():
        organisation = Organisation(
            name=suggestion.organisation_name, slug=slug, type=suggestion.organisation_type
        )
        source = Source(
            title=f"Story sent to Casebase by {suggestion.organisation_name}",
            slug=slug,
            kind=Source.Kind.REPORT,
            note=f"Sent through the site as {suggestion.reference}: replace with the "
            "published source before publishing.",
        )
        for record in (organisation, source):
            record.full_clean()
            record.save()
        study = CaseStudy(
            title=suggestion.organisation_name,
            slug=slug,
            organisation=organisation,
            source=source,
            context=suggestion.text,
            summary=suggestion.text[:500],
        )
        study.full_clean()
        study.save()
        suggestion.case_study = study
        suggestion.status = Suggestion.Status.ACCEPTED
        suggestion.save(update_fields=["case_study", "status", "updated_at"])
        content_changed(touched_by([organisation, source, study]))
    return study
