"""A change to content, said once per transaction by whoever made it.

`content_changed()` is the one call after content changes: the admin makes it after every save,
delete, bulk action and restore (`CasebaseAdmin`), the compendium loader and the synthetic
writer after their transaction's writes, and anyone changing content in a shell after theirs
(see the README). It rewrites the search documents of the case studies the change touched
and the documents of the site-wide search (`/search/`) of every record it touched,
logs which catalogue entries it may move and moves the content version, all inside the
change's transaction: once it commits, each worker's catalogue index catches up (re-reading
only those case studies) and every cached page made before is retired, since pages are served
only for the version in the database. No signal does any of this: a write that does not call
it changes nothing readers see until the next call.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model

from casebase.catalogue import search, sitewide
from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Organisation,
    OrganisationFact,
    Person,
    Role,
)


@dataclass(frozen=True)
class Touched:
    """What a change touched: the case studies whose pages, search documents and catalogue
    entries show it (None: all of them), and whether it may move any catalogue entry (a
    practice's name is a facet's label; a source's status publishes or hides every result
    citing it)."""

    case_studies: frozenset[int] | None = None
    everything: bool = True
    # The site-wide search's documents it touched, as (kind, record id); None: any of them.
    documents: frozenset[tuple[str, int]] | None = None


EVERYTHING = Touched()


def touched_by(objects: Iterable[Model]) -> Touched:
    """What changing (or deleting) these records touches: ask before deleting them."""
    case_studies: set[int] = set()
    everything = False
    documents: set[tuple[str, int]] | None = set()
    for obj in objects:
        case_studies.update(search.affected_case_study_ids(obj))
        entries = catalogue_case_studies(obj)
        if entries is None:
            everything = True
        else:
            case_studies.update(entries)
        shown = sitewide.affected(obj)
        documents = None if shown is None or documents is None else documents | set(shown)
    return Touched(
        frozenset(case_studies), everything, None if documents is None else frozenset(documents)
    )


def content_changed(touched: Touched = EVERYTHING, *, search_written: bool = False) -> None:
    """Search, the log of changes and the content version follow a change: call once, inside
    the change's transaction, after its writes. `search_written`: the writer has written the
    search documents itself, the site-wide search's too (the synthetic writer, in bulk)."""
    if not search_written:
        search.refresh(touched.case_studies)
        sitewide.refresh(touched.documents)
    ContentVersion.bump(None if touched.everything else touched.case_studies)


def catalogue_case_studies(instance: Model) -> list[int] | None:
    """The case studies whose entry in the catalogue index a change to `instance` may alter,
    or None when it may alter any."""
    match instance:
        case CaseStudy():
            return [instance.pk]
        case Organisation():  # its name orders, its type and region classify its case studies
            return list(instance.case_studies.values_list("pk", flat=True))
        case OrganisationFact():  # its figures size its case studies
            return list(
                CaseStudy.objects.filter(organisation=instance.organisation_id).values_list(
                    "pk", flat=True
                )
            )
        case Person() | Role():  # named on pages and in search, never in the index
            return []
    if hasattr(instance, "case_study_id"):  # a part of one case study (an outcome, a quote...)
        return [instance.case_study_id] if instance.case_study_id else []
    return None
