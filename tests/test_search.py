"""Full-text search: stemmed, ranked, safe against query syntax, and in step with every edit
an editor makes in the admin. Runs on SQLite (FTS5) and PostgreSQL alike."""

import pytest
from django.urls import reverse

from casebase.catalogue import index as catalogue
from casebase.catalogue import search
from casebase.content.models import CaseStudy, Organisation, Person, Quote, Status

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    matches = search.matching(CaseStudy.objects.published(), query)
    ranked = matches.order_by("-search_rank", *catalogue.CATALOGUE_ORDER)
    return list(ranked.values_list("slug", flat=True))


def test_search_finds_a_practice_by_its_name_and_stems_words():
    assert {"norfolk", "tameside-and-glossop", "leeds-teaching-hospitals"} <= set(
        found("visible leadership")
    )
    assert "leeds-teaching-hospitals" in found("visibility")


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("LTHT", "leeds-teaching-hospitals"),  # an organisation's alias
        ("Kath Gaskell", "tameside-and-glossop"),  # a person's alias
        ("Stayner", "north-staffordshire-combined-healthcare"),  # the source's misspelling
        ("freedom in a box", "exeter-college"),  # a term its story names, and a quote
        ("golden thread", "tameside-and-glossop"),
    ],
)
def test_search_covers_names_aliases_synonyms_and_quotes(query, slug):
    assert slug in found(query)


def test_every_word_must_match():
    assert found("Ofsted") and not found("Ofsted zebra")


def test_a_title_match_ranks_above_a_passing_mention():
    assert found("Rutland")[0] == "rutland"


@pytest.mark.parametrize(
    "query", ['"', "AND", "visible OR", "NEAR(a b)", "title:x", "*", "-", "a'b", "()", "   "]
)
def test_search_syntax_in_a_query_is_just_text(query, client):
    assert client.get("/case-studies/", {"q": query}).status_code == 200


def test_editing_an_alias_in_the_admin_is_searchable_at_once(editor_client):
    person = Person.objects.get(slug="karen-james")
    assert not found("Kazza")
    response = editor_client.post(
        reverse("admin:content_person_change", args=[person.pk]),
        {
            "name": person.name,
            "slug": person.slug,
            "honorific": person.honorific,
            "post_nominals": person.post_nominals,
            "aliases": "Kazza",
            "summary": person.summary,
            "status": Status.PUBLISHED,
            "roles-TOTAL_FORMS": 0,
            "roles-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found("Kazza") == ["tameside-and-glossop"]


def test_returning_a_case_study_to_draft_removes_it_from_search(editor_client):
    norfolk = CaseStudy.objects.get(slug="norfolk")
    assert "norfolk" in found("McCabe")
    editor_client.post(
        reverse("admin:content_casestudy_changelist"),
        {"action": "unpublish", "_selected_action": [norfolk.pk]},
    )
    assert "norfolk" not in found("McCabe")
    editor_client.post(
        reverse("admin:content_casestudy_changelist"),
        {"action": "publish", "_selected_action": [norfolk.pk]},
    )
    assert "norfolk" in found("McCabe")


def test_withdrawing_an_organisation_removes_its_case_study_from_search(editor_client):
    rutland = Organisation.objects.get(slug="rutland-county-council")
    editor_client.post(
        reverse("admin:content_organisation_changelist"),
        {"action": "unpublish", "_selected_action": [rutland.pk]},
    )
    assert "rutland" not in found("Rutland")


def test_deleting_a_case_study_removes_it_from_search(editor_client):
    oakwood = CaseStudy.objects.get(slug="oakwood-surgery")
    editor_client.post(
        reverse("admin:content_casestudy_delete", args=[oakwood.pk]), {"post": "yes"}
    )
    assert not CaseStudy.objects.filter(pk=oakwood.pk).exists()
    assert not found("Eggitt")


def test_a_quote_searchable_only_once_published():
    study = CaseStudy.objects.get(slug="exeter-college")
    quote = Quote.objects.create(
        case_study=study,
        speaker=Person.objects.get(slug="john-laramy"),
        text="Quixotic dedication to learners",
        source=study.source,
    )
    search.refresh(search.affected_case_study_ids(quote))
    assert not found("quixotic"), "a draft quote is never indexed"
    Quote.objects.filter(pk=quote.pk).update(status=Status.PUBLISHED)
    search.refresh(search.affected_case_study_ids(quote))
    assert found("quixotic") == ["exeter-college"]


def test_the_rebuild_command_restores_the_index(django_db_blocker):
    from django.core.management import call_command

    from casebase.content.models import SearchDocument

    SearchDocument.objects.all().delete()
    assert not found("Tuddenham")
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert found("Tuddenham") == ["calderdale"]
