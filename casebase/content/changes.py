"""A change to content: a new content version, and a line in the log of changes naming the case
studies whose place in the catalogue it may move.

Every save, delete or status change of content calls `content_changed()` inside its own
transaction (the signals connected in `ContentConfig.ready()`, and by hand after a
`QuerySet.update()` or a bulk insert, which send none). Cached pages follow the new version once
the change commits; each worker's catalogue index re-reads only the case studies the log names
(`casebase.content.catalogue.current()`), and rebuilds only after a change that may move any.
"""

from django.db.models import Model

from casebase.content.models import CaseStudy, ContentVersion, Organisation, Person


def content_changed(instance: Model | None = None, action: str | None = None, **_) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed), and the call for changes that send
    no signal: without `instance`, a change that may move any case study."""
    changed = None if instance is None or action is not None else catalogue_case_studies(instance)
    ContentVersion.bump(changed)


def catalogue_case_studies(instance: Model) -> list[int] | None:
    """The case studies whose entry in the catalogue index a change to `instance` may alter,
    or None when it may alter any (a practice's name is a facet's label; a source's status
    publishes or hides every result citing it)."""
    match instance:
        case CaseStudy():
            return [instance.pk]
        case Organisation():  # its name orders, its type and region classify its case studies
            return list(instance.case_studies.values_list("pk", flat=True))
        case Person():  # named on pages and in search, never in the index
            return []
    if hasattr(instance, "case_study_id"):  # a part of one case study (an outcome, a quote...)
        return [instance.case_study_id] if instance.case_study_id else []
    return None
