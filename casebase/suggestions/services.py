"""Writes to suggestions: keyword-only functions, `full_clean()` before `save()`."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

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
