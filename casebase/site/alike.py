"""Why an organisation is like another, in words, and the short list of organisations like
this one that organisation and case study pages show (issue 17). The ranking itself:
casebase/catalogue/peers.py."""

from dataclasses import dataclass

from django.urls import reverse

from casebase.catalogue import index as catalogue
from casebase.catalogue import peers
from casebase.catalogue.peers import Peer, Profile
from casebase.content import profiles
from casebase.content.models import CaseStudy, Organisation, OrganisationFact, Status

SHORT_LIST = 3
# Whose figures the other organisation's are set against: the reader's, or the page's own.
YOURS, HERE = "yours", "here"


@dataclass(frozen=True)
class Peered:
    """A case study in the short list: its title, link and organisation, and why alike."""

    title: str
    url: str
    organisation: str
    why: str


def in_short(index: catalogue.CatalogueIndex, mine: Profile, leave_out: list[int]) -> list[Peered]:
    """The case studies of the organisations most like `mine`, in short: what a page shows
    under "Organisations like this one"."""
    found, _ = peers.nearest(index, mine, SHORT_LIST, leave_out=leave_out)
    ids = index.id_at([peer.position for peer in found])
    studies = CaseStudy.objects.filter(pk__in=ids).values_list(
        "pk", "title", "slug", "organisation__name", "organisation"
    )
    named = {pk: rest for pk, *rest in studies}
    organisations = {pk: organisation for pk, (*_, organisation) in named.items()}
    reasons = reasons_for(index, mine, found, ids, HERE, organisations)
    return [
        Peered(title, reverse("case-study", args=[slug]), organisation, reasons[pk])
        for pk in ids
        if pk in named
        for title, slug, organisation, _ in [named[pk]]
    ]


def like_organisation(
    organisation: Organisation, studies: list[CaseStudy], facts: list[OrganisationFact]
) -> list[Peered]:
    """The short list for an organisation's page: like its story, or itself if it has none."""
    index = catalogue.current()
    mine, leave_out = known_profile(organisation, [study.pk for study in studies], facts, index)
    return in_short(index, mine, leave_out)


def known_profile(
    organisation: Organisation,
    studies: list[int],
    facts: list[OrganisationFact],
    index: catalogue.CatalogueIndex,
) -> tuple[Profile, list[int]]:
    """An organisation Casebase has: the profile the index holds for its published case study
    (the first, if it has several) or, with none, its own from its figures; and the positions
    of its case studies, which are not its peers."""
    positions = [p for pk in studies if (p := index.position(pk)) is not None]
    if positions:
        return peers.of_position(index, positions[0]), positions
    sector = organisation.type.sector
    size = profiles.size(organisation, facts)
    mine = Profile(
        sector=sector.slug if sector else None,
        type=organisation.type.slug,
        region=organisation.region or None,
        size_kind=size.fact.kind if size else None,
        size=float(size.fact.value) if size else None,
    )
    return mine, []


def reasons_for(
    index: catalogue.CatalogueIndex,
    mine: Profile,
    found: list[Peer],
    ids: list[int],
    whose: str,
    organisations: dict[int, int] | None = None,
) -> dict[int, str]:
    """{case study id: why its organisation is like `mine`}. `organisations`: each case
    study's organisation id, when the caller has read them."""
    if organisations is None:
        organisations = dict(CaseStudy.objects.filter(pk__in=ids).values_list("pk", "organisation"))
    sizes = sizes_in_words(index, found, ids, organisations)
    return {
        pk: why(index, mine, peers.of_position(index, peer.position), sizes.get(pk), whose)
        for pk, peer in zip(ids, found, strict=True)
    }


def sizes_in_words(
    index: catalogue.CatalogueIndex,
    found: list[Peer],
    ids: list[int],
    organisations: dict[int, int],
) -> dict[int, profiles.Size]:
    """The sizes, in the source's words ("more than 21,000 staff"), of these case studies'
    organisations: their figures in one query, their sectors from the index."""
    figures: dict[int, list[OrganisationFact]] = {}
    facts = OrganisationFact.objects.filter(
        organisation__in=set(organisations.values()), source__status=Status.PUBLISHED
    )
    for fact in facts:
        figures.setdefault(fact.organisation_id, []).append(fact)
    sizes = {}
    for pk, peer in zip(ids, found, strict=True):
        sector = peers.of_position(index, peer.position).sector
        if size := profiles.sized(sector, figures.get(organisations.get(pk), [])):
            sizes[pk] = size
    return sizes


def why(
    index: catalogue.CatalogueIndex,
    mine: Profile,
    theirs: Profile,
    size: profiles.Size | None,
    whose: str,
) -> str:
    """Why an organisation is like yours, in words: "Also an NHS acute trust; more than 21,000
    staff against your 15,000; also started from ‘requires improvement’." """
    parts = []
    if mine.type and mine.type == theirs.type:
        name = index.label("type", theirs.type)
        parts.append(f"also {article(name)} {lowered(name)}")
    elif mine.sector and mine.sector == theirs.sector:
        parts.append(f"also in {index.label('sector', theirs.sector).lower()}")
    elif mine.sector and theirs.sector:
        theirs_name, mine_name = (
            index.label("sector", s).lower() for s in (theirs.sector, mine.sector)
        )
        parts.append(f"in {theirs_name}, not {mine_name}")
    if mine.size and size and size.fact.kind == mine.size_kind:
        parts.append(f"{size} against {against(whose, f'{mine.size:,.0f}')}")
    if mine.region and mine.region == theirs.region:
        parts.append(f"also in {region_name(mine.region)}")
    if mine.rating and theirs.rating:
        theirs_label, mine_label = (
            index.label("started", r).lower() for r in (theirs.rating, mine.rating)
        )
        if theirs.rating == mine.rating:
            parts.append(f"also started from ‘{theirs_label}’")
        else:
            parts.append(
                f"started from ‘{theirs_label}’ against {against(whose, f'‘{mine_label}’')}"
            )
    if not parts:
        return ""
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def against(whose: str, value: str) -> str:
    """ "your 15,000", or "41,000 here" on the page of the organisation with 41,000."""
    return f"your {value}" if whose == YOURS else f"{value} here"


def lowered(name: str) -> str:
    """A type's name inside a sentence: "county council", but "NHS acute trust"."""
    first = name.split()[0]
    return name if first.isupper() and len(first) > 1 else name[0].lower() + name[1:]


def article(name: str) -> str:
    """ "an NHS acute trust", "a GP practice", "an integrated care trust"."""
    first = name.split()[0]
    if first.isupper() and len(first) > 1:  # an initialism is said letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[0].lower() in "aeiou" else "a"


def region_name(value: str) -> str:
    """As a sentence names it: "the North West", but "London" and "Wales"."""
    label = Organisation.Region(value).label
    return f"the {label}" if label.split()[0] in ("North", "South", "East", "West") else label
