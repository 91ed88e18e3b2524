"""Two to four case studies side by side: each organisation's profile, the practices they share
and those only one has, and what happened, with the strength of its evidence.

The URL is the whole state (`/compare/?cs=<slug>&cs=<slug>`), so the catalogue's rows choose
case studies with plain checkboxes and a comparison can be shared. A choice the page cannot
show (too few, too many, a slug it does not know) is a 400 that says what to do, never an
error: a draft or withdrawn case study reads as unknown, so a slug never tells it exists.
"""

from dataclasses import dataclass, field

from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator

from casebase.content import profiles
from casebase.content.models import CaseStudy, OrganisationFact, Practice

FEWEST, MOST = 2, 4
PARAMETER = "cs"
SLUG_LENGTH = CaseStudy._meta.get_field("slug").max_length


@dataclass
class Column:
    """One case study as the comparison shows it."""

    study: CaseStudy
    # Its organisation's size band and inspection ratings, as its profile gives them.
    size: profiles.Size | None = None
    start: profiles.Rating | None = None
    end: profiles.Rating | None = None
    in_common: list[Practice] = field(default_factory=list)
    # Practices some but not all of the others applied too, each with those others' names.
    shared: list[tuple[Practice, list[str]]] = field(default_factory=list)
    only_here: list[Practice] = field(default_factory=list)
    without: str | None = None  # the comparison without this case study, when that is one


def chosen(params: QueryDict) -> tuple[list[str], bool]:
    """The slugs asked for, in order, each once, blanks left out; and whether any was repeated."""
    given = [slug.strip() for slug in params.getlist(PARAMETER) if slug.strip()]
    slugs = list(dict.fromkeys(given))
    return slugs, len(slugs) < len(given)


def case_studies(slugs: list[str]) -> dict[str, CaseStudy]:
    """The published case studies among `slugs`, by slug, with what the page shows of each:
    four queries however many (the case studies with their organisations, their published
    practices, results and organisations' figures). A slug no case study could have is not
    looked up."""
    lookable = [slug for slug in slugs if len(slug) <= SLUG_LENGTH and slug_re.match(slug)]
    if not lookable:
        return {}
    studies = (
        CaseStudy.objects.published()
        .filter(slug__in=lookable)
        .for_catalogue()
        .prefetch_related(
            Prefetch(
                "organisation__facts",
                queryset=OrganisationFact.objects.published().select_related("source"),
                to_attr="published_facts",
            )
        )
    )
    return {study.slug: study for study in studies}


def columns(studies: list[CaseStudy]) -> tuple[list[Column], list[Practice]]:
    """Each case study's column, and the practices every one of them applied (in the order the
    first tells them)."""
    practices = [
        {
            application.practice.pk: application.practice
            for application in study.published_applications
        }
        for study in studies
    ]
    everywhere = set.intersection(*(set(applied) for applied in practices))
    result = []
    for study, applied in zip(studies, practices, strict=True):
        organisation = study.organisation
        start, end = profiles.ratings(study.published_outcomes)
        column = Column(
            study,
            size=profiles.size(organisation, organisation.published_facts),
            start=start,
            end=end,
            without=without(studies, study),
        )
        for pk, practice in applied.items():
            others = [
                other.organisation.name
                for other, theirs in zip(studies, practices, strict=True)
                if other is not study and pk in theirs
            ]
            if pk in everywhere:
                column.in_common.append(practice)
            elif others:
                column.shared.append((practice, others))
            else:
                column.only_here.append(practice)
        result.append(column)
    common = [practices[0][pk] for pk in practices[0] if pk in everywhere]
    return result, common


def without(studies: list[CaseStudy], study: CaseStudy) -> str | None:
    """The comparison's address without `study`: only while at least two would be left."""
    if len(studies) <= FEWEST:
        return None
    return link([other.slug for other in studies if other is not study])


def link(slugs: list[str]) -> str:
    params = QueryDict(mutable=True)
    params.setlist(PARAMETER, slugs)
    return f"{reverse('compare')}?{params.urlencode()}"


def quoted(slug: str) -> str:
    return f"“{Truncator(slug).chars(60)}”"


def problems(
    slugs: list[str], found: dict[str, CaseStudy], repeated: bool
) -> tuple[list[str], str | None]:
    """What stops the comparison, in words, and a comparison of what was found that can be
    shown instead (when some slugs were unknown but two to four were found)."""
    if len(slugs) > MOST:
        return [
            f"You chose {len(slugs)} case studies. Compare at most {MOST} at a time: choose "
            f"{MOST} or fewer from the catalogue."
        ], None
    errors = [
        f"There is no published case study {quoted(slug)}. Check the web address, or choose "
        "case studies from the catalogue."
        for slug in slugs
        if slug not in found
    ]
    known = [slug for slug in slugs if slug in found]
    if len(known) == 1:
        title = found[known[0]].title
        repeat = " (more than once)" if repeated else ""
        errors.append(
            f"You chose one case study, {title}{repeat}. Choose at least {FEWEST} to compare "
            "them side by side."
        )
    elif not known and not errors:
        errors.append(f"Choose {FEWEST} to {MOST} case studies to compare them side by side.")
    instead = link(known) if errors and FEWEST <= len(known) <= MOST else None
    return errors, instead


def compare(request: HttpRequest) -> HttpResponse:
    slugs, repeated = chosen(request.GET)
    # Too many are refused before anything is read.
    found = case_studies(slugs) if len(slugs) <= MOST else {}
    errors, instead = problems(slugs, found, repeated)
    context = {
        "fewest": FEWEST,
        "most": MOST,
        "breadcrumbs": [("Case studies", reverse("case-studies"))],
    }
    if errors:
        known = [found[slug] for slug in slugs if slug in found]
        context |= {"errors": errors, "instead": instead, "known": known}
        return render(request, "content/compare.html", context, status=400)
    compared, common = columns([found[slug] for slug in slugs])
    context |= {"columns": compared, "common": common, "count": len(compared)}
    return render(request, "content/compare.html", context)
