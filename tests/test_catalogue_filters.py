"""The catalogue's FilterSet on its own: OR within a facet, AND across, counts that agree."""

import re

import pytest
from django.http import QueryDict

from casebase.catalogue import filters
from casebase.catalogue import index as catalogue
from casebase.catalogue.filters import CaseStudyFilter, CatalogueForm, Selection, facet_counts
from casebase.content.models import CaseStudy, Practice, PracticeApplication, Sector, Status
from tests.helpers import saved

pytestmark = pytest.mark.django_db


def results(query: str) -> set[str]:
    filterset = CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published())
    return set(filterset.qs.values_list("slug", flat=True))


def facets(query: str) -> dict:
    index = catalogue.current()
    selection = Selection(CatalogueForm(QueryDict(query), index), index)
    return {facet.name: facet for facet in facet_counts(selection)}


def applying(practice: str) -> set[str]:
    return set(
        CaseStudy.objects.filter(applications__practice__slug=practice).values_list(
            "slug", flat=True
        )
    )


def in_sector(sector: str) -> set[str]:
    return set(
        CaseStudy.objects.filter(organisation__type__sector__slug=sector).values_list(
            "slug", flat=True
        )
    )


def test_no_filter_gives_every_published_case_study():
    assert len(results("")) == 11


def test_values_within_one_facet_combine_with_or():
    either = results("practice=visible-leadership&practice=flat-structure")
    assert either == applying("visible-leadership") | applying("flat-structure")
    assert len(either) > len(applying("visible-leadership"))


def test_different_facets_combine_with_and():
    both = results("practice=visible-leadership&sector=local-government")
    assert both == applying("visible-leadership") & in_sector("local-government")
    assert both and both < in_sector("local-government")


def test_two_sectors_give_both():
    assert results("sector=healthcare&sector=education") == in_sector("healthcare") | in_sector(
        "education"
    )


def test_full_text_search_combines_with_facets():
    found = results("q=visible+leadership&sector=healthcare")
    assert found and found <= in_sector("healthcare")
    assert found <= results("q=visible+leadership")


def test_outcome_facets_filter_on_what_changed():
    improved_by_regulator = results("direction=improved&evidence=regulator")
    assert "leeds-teaching-hospitals" in improved_by_regulator
    assert "calderdale" not in improved_by_regulator
    assert results("indicator=ofsted-overall-grade") == {"oldham-college", "exeter-college"}


def test_years_covered_take_the_period_or_the_years_of_results():
    assert "leeds-teaching-hospitals" in results("year_from=2016&year_to=2016")
    assert "oldham-college" in results("year_from=2020"), "its period (2017 onwards) is ongoing"
    assert "oldham-college" not in results("year_to=2016")
    assert "norfolk" not in results("year_from=1900"), "nothing in its story is dated"


@pytest.mark.parametrize(
    "active",
    [
        "",
        "sector=healthcare",
        "practice=visible-leadership&practice=flat-structure",
        "practice=visible-leadership&sector=local-government",
        "q=leadership&direction=improved",
        "theme=communication&evidence=survey",
    ],
)
def test_every_facet_count_agrees_with_the_list_it_leads_to(active):
    for name, facet in facets(active).items():
        others = QueryDict(active, mutable=True)
        others.pop(name, None)
        for option in facet.options:
            choosing = others.copy()
            choosing.setlist(name, [option.value])
            assert option.count == len(results(choosing.urlencode())), (name, option.value)


def test_a_draft_application_neither_matches_nor_counts():
    application = PracticeApplication.objects.get(
        case_study__slug="leeds-teaching-hospitals", practice__slug="flat-structure"
    )
    before = facets("")["practice"]
    count = next(o.count for o in before.options if o.value == "flat-structure")
    application.status = Status.DRAFT
    saved(application)  # as an editor would: the content version changes
    assert "leeds-teaching-hospitals" not in results("practice=flat-structure")
    after = next(o.count for o in facets("")["practice"].options if o.value == "flat-structure")
    assert after == count - 1


def test_an_unknown_value_is_reported_and_the_rest_still_applies():
    filterset = CaseStudyFilter(
        QueryDict("practice=no-such-practice&sector=education"),
        queryset=CaseStudy.objects.published(),
    )
    assert "practice" in filterset.errors
    assert set(filterset.qs.values_list("slug", flat=True)) == in_sector("education")


def errors(form) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize(
    "query",
    [
        "practice=no-such-practice&sector=education",
        "sector=Education",  # a name is not a slug
        "theme=nope&type=nope&indicator=nope",
        "practice=flat-structure&practice=nope",
        "region=anywhere&direction=sideways&year_from=abc",
        "sector=education&practice=flat-structure",
    ],
)
def test_the_catalogue_form_refuses_just_what_the_filters_refuse(query):
    """The index checks model facets with a lookup where the filters run a query: the same
    fields in error, in the same words."""
    filterset = CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published())
    assert errors(CatalogueForm(QueryDict(query), catalogue.current())) == errors(filterset.form)


def test_a_draft_practice_cannot_be_chosen_and_a_new_sector_can_at_once():
    practice = Practice.objects.get(slug="flat-structure")
    practice.status = Status.DRAFT
    saved(practice)  # as an editor would: the content version changes
    Sector.objects.create(name="Policing", slug="policing")
    form = CatalogueForm(QueryDict("practice=flat-structure&sector=policing"), catalogue.current())
    assert list(form.errors) == ["practice"]
    assert "flat-structure is not one of the available choices" in form.errors["practice"][0]
    policing = next(o for o in facets("sector=policing")["sector"].options if o.value == "policing")
    assert (policing.label, policing.count, policing.selected) == ("Policing", 0, True)


def test_an_empty_facet_chooses_nothing():
    form = CatalogueForm(QueryDict("sector=&practice=&direction=&evidence="), catalogue.current())
    assert form.is_valid()
    assert not Selection(form, catalogue.current()).sets


def test_a_chosen_option_that_now_gives_nothing_stays_visible_to_untick():
    sector = facets("sector=education&practice=flat-structure")["sector"]
    education = next(o for o in sector.options if o.value == "education")
    assert education.selected and education.count == 0
    assert education.label == "Education"  # its name, not its slug


def test_a_long_facet_lists_the_options_with_the_most_results_and_the_chosen(monkeypatch):
    everything = facets("")["practice"].options  # the practice facet lists every practice
    monkeypatch.setattr(filters, "MOST_OPTIONS", 3)
    practice = facets("practice=flat-structure")["practice"]
    top = sorted(everything, key=lambda option: -option.count)[:3]
    assert [o.value for o in practice.options[:3]] == [o.value for o in top]
    assert [o.value for o in practice.options if o.selected] == ["flat-structure"]
    listed = len(practice.options)
    assert practice.hidden == len(everything) - listed


def test_facet_options_are_escaped_checked_and_labelled_on_the_page(client):
    kind = CaseStudy.objects.get(slug="norfolk").organisation.type
    kind.name = 'County <b>"Shire"</b> & more'
    kind.save()
    html = client.get("/case-studies/", {"type": kind.slug}).content.decode()
    assert "<b>" not in html
    escaped = "County &lt;b&gt;&quot;Shire&quot;&lt;/b&gt; &amp; more"
    box = re.search(rf'<input [^>]*id="(type-\d+)"[^>]*value="{kind.slug}"( checked)?>', html)
    assert box.group(2) == " checked"
    count = CaseStudy.objects.published().filter(organisation__type=kind).count()
    label = rf'<label [^>]*for="{box.group(1)}">{escaped} <span class="cb-count">\({count}\)</span>'
    assert re.search(label, html)
