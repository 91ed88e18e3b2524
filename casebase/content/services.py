"""Writes that follow from a change to content, called explicitly by every writer."""

import hashlib
import json
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from casebase.content.models import CaseStudy

# Bookkeeping, not content: a part's status is implied (only published parts are read).
NOT_SHOWN = {"status", "created_at", "updated_at", "public_updated_at", "public_fingerprint"}


def public_dates_update(*, case_study_ids: Iterable[int]) -> int:
    """Move the public date ("last updated" for readers) of each of these case studies whose
    public content has changed, to now. Call it after any change that may touch them: the
    admin's saves, deletions and bulk actions, a compendium load. Returns how many moved.

    What readers see is compared as a fingerprint stored on the row, so this reads the case
    studies once, as their page does. A first publication dates a case study; a withdrawal
    keeps its date; a case study never compared before (older than public dates) has its
    fingerprint recorded and keeps the date it has. `updated_at`, the admin's edit-conflict
    check, is left alone: the row is written with update(), which does not touch it.
    """
    ids = set(case_study_ids)
    if not ids:
        return 0
    shown = {
        study.pk: public_fingerprint(study)
        for study in CaseStudy.objects.published().with_story().filter(pk__in=ids)
    }
    now, moved = timezone.now(), 0
    stored = CaseStudy.objects.filter(pk__in=ids).values_list(
        "pk", "public_fingerprint", "public_updated_at"
    )
    for pk, before, dated in stored:
        after = shown.get(pk, "")  # "": nothing of it is public
        if after == before:
            continue
        changes = {"public_fingerprint": after}
        if after and (before is not None or dated is None):
            changes["public_updated_at"] = now
            moved += 1
        CaseStudy.objects.filter(pk=pk).update(**changes)
    return moved


def public_fingerprint(study: CaseStudy) -> str:
    """A hash of what the case study's page shows of it (loaded with `with_story()`): its own
    fields and those of its published parts, in page order. Other records a part refers to
    (a practice, a person, an indicator) count by id: renaming a practice changes the
    practice, not the case studies that apply it."""
    parts = [
        study,
        *study.published_people,
        *study.published_applications,
        *study.published_outcomes,
        *study.published_contributions,
        *study.published_quotes,
        *study.published_corrections,
    ]
    shown = [[type(part).__name__, *shown_fields(part)] for part in parts]
    return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()


def shown_fields(record: models.Model) -> list:
    return [
        getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.name not in NOT_SHOWN
    ]
