"""Search everything (`/search/?q=...`): every kind of published record, grouped by kind with
how many of each match, each group's best few, and one kind at a time (`&kind=organisations`)
20 a page. The search itself is casebase/catalogue/sitewide.py.

The URL is the whole state, so the form is a plain GET form. What cannot be searched (no
words, only common words, too many words, a kind we do not have, a page that does not exist)
is said in a sentence on the page, never an error."""

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.views.generic import TemplateView

from casebase.catalogue import sitewide
from casebase.catalogue.sitewide import Count, Hit, Kind
from casebase.site.directories import page_notices
from casebase.site.views import page_links, paginated

BEST = 5  # hits shown of each kind, before "show all"


@dataclass
class Group:
    """The matches of one kind: how many, and those shown."""

    kind: Kind
    count: int
    hits: list[Hit]
    everything: str  # a link to every match of this kind, a page at a time
    chosen: bool = False

    @property
    def noun(self) -> str:
        return self.kind.label.lower()


class Matches:
    """One kind's matches as Paginator reads them: a count, and slices read from the index."""

    def __init__(self, terms: list[str], count: Count):
        self.terms, self.found = terms, count

    def count(self) -> int:
        return self.found.matches

    def __len__(self) -> int:
        return self.found.matches

    def __getitem__(self, bounds: slice) -> list[Hit]:
        return sitewide.page(self.terms, self.found, bounds.start or 0, bounds.stop)


class SiteSearchView(TemplateView):
    template_name = "site/search.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        text = params.get("q", "").strip()
        query = sitewide.parse(text)
        kind, notices = chosen_kind(params.get("kind", "")), list(query.notices)
        if params.get("kind") and kind is None:
            notices.append(
                f"“{params['kind']}” is not a kind of record we hold; showing every kind."
            )
        counts = sitewide.counts(query.terms)
        context = {
            "query": text,
            "searched": bool(query.terms),
            "kind": kind,
            "total": sum(count.matches for count in counts.values()),
            "groups": [],
            "page_obj": None,
        }
        if kind is not None and kind in counts:
            page = paginated(Matches(query.terms, counts[kind]), self.request)
            notices += page_notices(params.get("page"), page)
            context |= {"page_obj": page, "page_links": page_links(page, params)}
            shown = {kind: list(page.object_list)}
        else:
            shown = sitewide.best(query.terms, counts, BEST) if kind is None else {}
        context["groups"] = [
            Group(
                found.kind,
                found.matches,
                shown.get(found.kind, []),
                link_to(params, found.kind),
                chosen=found.kind == kind,
            )
            for found in counts.values()
        ]
        context["everywhere"] = link_to(params, None)
        return super().get_context_data(notices=notices, **context, **kwargs)


def chosen_kind(value: str) -> Kind | None:
    return Kind(value) if value in Kind.values else None


def link_to(params: QueryDict, kind: Kind | None) -> str:
    """This search, of one kind (or of every kind), from its first page."""
    query = QueryDict(mutable=True)
    query["q"] = params.get("q", "")
    if kind is not None:
        query["kind"] = kind.value
    return f"{reverse('search')}?{query.urlencode()}"
