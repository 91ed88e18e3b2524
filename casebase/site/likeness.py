"""Organisations like mine (issue 17): a reader describes their organisation, or names one
Casebase knows, and gets the case studies of the most similar organisations, nearest first,
each with a sentence saying why it is alike and what happened there. The URL holds the whole
state; a plain GET form, so it works without JavaScript. The method: casebase/catalogue/peers.py.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.views.generic import TemplateView

from casebase.catalogue import index as catalogue
from casebase.catalogue import peers
from casebase.catalogue.peers import Peer, Profile
from casebase.content import profiles
from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    OrganisationType,
    Status,
)
from casebase.site import alike as peer_words
from casebase.site import rows
from casebase.site.views import Breadcrumbs

GOVUK_CLASSES = {
    "organisation": "govuk-input",
    "sector": "govuk-radios__input",
    "size": "govuk-input govuk-input--width-10",
}
PAGE_SIZE = 10
MAX_PAGES = 10  # the nearest 100: further off, a peer is no longer much like yours
LARGEST = 100_000_000


class LikeMineForm(forms.Form):
    organisation = forms.CharField(
        label="The name of your organisation, if Casebase has it",
        required=False,
        max_length=200,
        help_text="For example, Leeds Teaching Hospitals NHS Trust. Leave it empty to describe "
        "your organisation below instead.",
    )
    sector = forms.ChoiceField(label="Sector", required=False, widget=forms.RadioSelect)
    type = forms.ChoiceField(label="Type of organisation (optional)", required=False)
    measure = forms.ChoiceField(
        label="What your size counts (optional)",
        required=False,
        choices=[("", "Choose what it counts")]
        + [(kind, OrganisationFact.Kind(kind).label) for kind in profiles.SIZE_KINDS],
    )
    size = forms.IntegerField(
        label="How many (optional)",
        required=False,
        min_value=1,
        max_value=LARGEST,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter your size as a whole number, like 15000",
            "min_value": "Your size must be 1 or more",
            "max_value": f"Your size must be {LARGEST:,} or fewer",
        },
    )
    region = forms.ChoiceField(
        label="Region (optional)",
        required=False,
        choices=[("", "Choose a region"), *Organisation.Region.choices],
    )
    rating = forms.ChoiceField(
        label="Your latest inspection rating, CQC or Ofsted (optional)",
        required=False,
        choices=[("", "Choose a rating"), *profiles.RATINGS],
    )

    def __init__(self, *args, index: catalogue.CatalogueIndex, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = index.options["sector"]
        self.types = {kind.slug: kind for kind in OrganisationType.objects.select_related("sector")}
        by_sector: dict[str, list] = {}
        for kind in self.types.values():
            sector = kind.sector.name if kind.sector else "Other bodies"
            by_sector.setdefault(sector, []).append((kind.slug, kind.name))
        self.fields["type"].choices = [("", "Choose a type"), *by_sector.items()]
        self.named: Organisation | None = None
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", GOVUK_CLASSES.get(name, "govuk-select"))
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{name}-hint"

    def full_clean(self):
        """GOV.UK's error styles, and each field described by its error message."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += f" {widget.attrs['class'].split()[0]}--error"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} {name}-error".strip()

    def clean_organisation(self) -> str:
        words = " ".join(self.cleaned_data["organisation"].split())
        if words:
            self.named = named_organisation(words)
            if self.named is None:
                raise forms.ValidationError(
                    f"Casebase has no organisation called “{words}”. Check the spelling, or "
                    "leave it empty and describe your organisation below."
                )
        return words

    def clean(self):
        data = super().clean()
        if self.named or "organisation" in self.errors:
            return data
        sector, kind = data.get("sector"), data.get("type")
        if not sector and "sector" not in self.errors:
            self.add_error("sector", "Choose your sector, or name an organisation Casebase has")
        elif kind and (self.types[kind].sector is None or self.types[kind].sector.slug != sector):
            self.add_error("type", f"{self.types[kind].name} is not a type in the sector chosen")
        if data.get("size") and not data.get("measure"):
            self.add_error("measure", "Choose what your size counts, such as staff")
        if data.get("measure") and not data.get("size") and "size" not in self.errors:
            self.add_error("size", "Enter how many, or leave what it counts empty")
        return data

    def profile(self) -> Profile:
        data = self.cleaned_data
        return Profile(
            sector=data["sector"] or None,
            type=data["type"] or None,
            region=data["region"] or None,
            size_kind=data["measure"] or None,
            size=data["size"],
            rating=data["rating"] or None,
        )


def named_organisation(words: str) -> Organisation | None:
    """A published organisation by its slug or its name, in any case (both indexed), else by
    one of its other names (a scan: 30 ms at 100,000 organisations, so only when needed)."""
    published = Organisation.objects.published().select_related("type__sector")
    by_name = published.annotate(upper=Upper("name")).filter(
        Q(slug=words.lower()) | Q(upper=Upper(Value(words)))  # the database's own upper case
    )
    if found := by_name.first():
        return found
    for organisation in published.filter(aliases__icontains=words)[:20]:
        if words.lower() in (alias.lower() for alias in organisation.alias_list):
            return organisation
    return None


@dataclass(frozen=True)
class Alike:
    """A case study near yours: its catalogue row, and why its organisation is alike."""

    row: rows.Row
    why: str
    distance: float


class LikeMineView(Breadcrumbs, TemplateView):
    template_name = "site/like_mine.html"
    trail = (("Case studies", "case-studies"),)

    def get(self, request, *args, **kwargs):
        index = catalogue.current()
        # A submitted form sends every field, even empty: submitting it empty is bad input.
        asked = any(name in request.GET for name in LikeMineForm.base_fields)
        form = LikeMineForm(request.GET if asked else None, index=index)
        if not asked:
            return self.render_to_response(self.get_context_data(form=form))
        if not form.is_valid():
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=400)
        return self.render_to_response(self.get_context_data(form=form, **self.answer(form, index)))

    def answer(self, form: LikeMineForm, index: catalogue.CatalogueIndex) -> dict:
        page = page_number(self.request.GET.get("page"))
        if form.named:
            organisation = form.named
            studies = CaseStudy.objects.published().filter(organisation=organisation)
            facts = organisation.facts.filter(source__status=Status.PUBLISHED)
            mine, leave_out = peer_words.known_profile(
                organisation, list(studies.values_list("pk", flat=True)), facts, index
            )
            whose = peer_words.HERE
        else:
            mine, leave_out, whose = form.profile(), [], peer_words.YOURS
        found, total = peers.nearest(index, mine, page * PAGE_SIZE, leave_out=leave_out)
        shown = alike(index, mine, found[(page - 1) * PAGE_SIZE :], whose)
        first = (page - 1) * PAGE_SIZE + 1
        return {
            "named": form.named,
            "alike": shown,
            "total": total,
            "first": first,
            "last": first + len(shown) - 1,
            # How many the next page shows (none after the last): the link says so.
            "more": max(0, min(PAGE_SIZE, total - page * PAGE_SIZE)) if page < MAX_PAGES else 0,
            "next_query": with_page(self.request.GET, page + 1),
            "weights": peers.WEIGHTS,
        }


def page_number(value: str | None) -> int:
    """Pages 1 to MAX_PAGES; anything else is the first (the form says what it shows)."""
    return int(value) if value and value.isdigit() and 1 <= int(value) <= MAX_PAGES else 1


def with_page(query, page: int) -> str:
    query = query.copy()
    query["page"] = str(page)
    return query.urlencode()


def alike(index: catalogue.CatalogueIndex, mine: Profile, found: list[Peer], whose: str):
    """The rows of the case studies found, each with why its organisation is alike."""
    ids = index.id_at([peer.position for peer in found])
    shown = rows.rows_by_id(ids, index)
    reasons = peer_words.reasons_for(index, mine, found, ids, whose)
    return [
        Alike(shown[pk], reasons[pk], peer.distance)
        for pk, peer in zip(ids, found, strict=True)
        if pk in shown
    ]
