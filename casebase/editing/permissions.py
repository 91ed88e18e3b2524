"""What is live, and so read-only to Editors: only Publishers add, change or delete it.

- A record with a status is live once it is published, and stays so when withdrawn (it was
  public, and is kept for the record).
- A record without a status shows on the pages of the records it hangs on (SHOWN_WITH): it is
  live when one of them is.
- Reference data (REFERENCE_DATA) shapes every page: it is always live.

The admin derives every permission from `why_live()`: its pages, inlines, list edits and bulk
deletions (casebase/editing/admin.py).
"""

from django.db import models
from django.utils.text import capfirst

from casebase.content.models import (
    CaseStudyPerson,
    Contribution,
    Grade,
    GradeScale,
    Indicator,
    OrganisationFact,
    OrganisationType,
    Publishable,
    Role,
    Sector,
    Status,
)

REFERENCE_DATA: frozenset[type[models.Model]] = frozenset(
    {Sector, OrganisationType, GradeScale, Grade, Indicator}
)

# Records without a status, and the records whose pages show them.
SHOWN_WITH: dict[type[models.Model], tuple[str, ...]] = {
    CaseStudyPerson: ("case_study",),
    Contribution: ("case_study",),
    OrganisationFact: ("organisation",),
    Role: ("person", "organisation"),
}


def why_live(obj: models.Model) -> str | None:
    """Why `obj` is live, in words for an editor; None if an Editor may change it."""
    model = type(obj)
    if model in REFERENCE_DATA:
        return f"{model._meta.verbose_name_plural} are reference data that every page uses"
    if isinstance(obj, Publishable):
        return None if obj.status == Status.DRAFT else f"it is {_status(obj)}"
    for name in SHOWN_WITH.get(model, ()):
        if getattr(obj, model._meta.get_field(name).attname) is None:
            continue  # an optional link left empty, or not chosen yet
        shown_on = getattr(obj, name)
        if why_live(shown_on):
            return f"its {shown_on._meta.verbose_name} “{shown_on}” is {_status(shown_on)}"
    return None


def refusal(obj: models.Model, reason: str) -> str:
    return (
        f"{capfirst(reason)}: only a Publisher can add, change or remove this "
        f"{obj._meta.verbose_name}."
    )


def _status(obj: Publishable) -> str:
    return obj.get_status_display().lower()
