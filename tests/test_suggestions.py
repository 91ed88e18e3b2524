"""Readers' suggestions: the two journeys, bad input, the honeypot, the rate limit, a lost
session, the editors' admin, the erasing command, and the page cache never keeping a page."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from casebase.content.models import CaseStudy
from casebase.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db
LEEDS = "leeds-teaching-hospitals"
REFERENCE = re.compile(r"CB-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()  # django-ratelimit counts in the cache
    yield
    cache.clear()


def correction(client, *, wrong="The figure is 12%, not 21%.", should="12%, page 4", **contact):
    response = client.get(f"/suggestions/correction/for/{LEEDS}/")
    assert response.url == "/suggestions/correction/what-is-wrong/"
    client.post("/suggestions/correction/what-is-wrong/", {"text": wrong})
    client.post("/suggestions/correction/what-it-should-say/", {"proposed": should})
    return client.post("/suggestions/correction/your-details/", contact)


def story(client, **contact):
    client.post("/suggestions/story/organisation/", {"organisation_name": "Testshire Council"})
    client.post("/suggestions/story/type/", {"organisation_type": "county-council"})
    client.post("/suggestions/story/what-happened/", {"text": "We listened; sickness fell."})
    contact = contact or {"contact_name": "Sam", "contact_email": "sam@example.org"}
    return client.post("/suggestions/story/contact/", contact)


def sent(client, kind: str) -> str:
    response = client.post(f"/suggestions/{kind}/check/", follow=True)
    assert response.status_code == 200
    return REFERENCE.search(response.content.decode()).group()


def test_a_reader_suggests_a_correction_from_a_case_study_and_gets_a_reference(client):
    page = client.get(f"/case-studies/{LEEDS}/").content.decode()
    assert f'href="/suggestions/correction/for/{LEEDS}/"' in page
    assert correction(client).url == "/suggestions/correction/check/"
    check = client.get("/suggestions/correction/check/").content.decode()
    assert "Leeds Teaching Hospitals" in check and "The figure is 12%, not 21%." in check
    assert 'href="/suggestions/correction/what-is-wrong/"' in check  # a Change link
    reference = sent(client, "correction")
    stored = Suggestion.objects.get(reference=reference)
    assert (stored.kind, stored.status, stored.case_study.slug) == ("correction", "new", LEEDS)
    assert (stored.text, stored.proposed, stored.contact_email) == (
        "The figure is 12%, not 21%.", "12%, page 4", "")  # fmt: skip
    assert client.get("/suggestions/correction/check/").status_code == 200  # answers gone
    assert (
        "could not find your answers"
        in client.get("/suggestions/correction/check/").content.decode()
    )


def test_a_changed_answer_returns_to_check_your_answers(client):
    correction(client)
    response = client.post("/suggestions/correction/what-is-wrong/", {"text": "Another"})
    assert response.url == "/suggestions/correction/check/"
    assert "Another" in client.get(response.url).content.decode()


def test_an_organisation_tells_its_story(client):
    home = client.get("/").content.decode()
    assert 'href="/suggestions/story/"' in home
    assert client.get("/suggestions/story/").url == "/suggestions/story/organisation/"
    assert story(client).url == "/suggestions/story/check/"
    check = client.get("/suggestions/story/check/").content.decode()
    assert "County council" in check and "sam@example.org" in check
    stored = Suggestion.objects.get(reference=sent(client, "story"))
    assert (stored.organisation_name, stored.organisation_type.slug) == (
        "Testshire Council", "county-council")  # fmt: skip
    assert (stored.contact_name, stored.contact_email) == ("Sam", "sam@example.org")


def test_references_are_unique_and_unguessable(client):
    references = {sent(client, "story") for _ in range(3) if story(client)}
    assert len(references) == 3


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("correction/case-study/", {"case_study": ""}, "Select the case study that has a mistake"),
        ("correction/case-study/", {"case_study": "no-such-study"}, "Select a case study from"),
        ("correction/case-study/", {"case_study": "draft-study"}, "Select a case study from"),
        ("correction/what-is-wrong/", {"text": "  "}, "Enter what is wrong"),
        ("correction/what-is-wrong/", {"text": "x" * 2001}, "2,000 characters or fewer"),
        ("correction/what-it-should-say/", {"proposed": "x" * 2001}, "2,000 characters or"),
        ("correction/your-details/", {"contact_email": "not-an-email"}, "correct format"),
        ("correction/your-details/", {"contact_name": "x" * 101}, "100 characters or fewer"),
        ("story/organisation/", {}, "Enter the name of your organisation"),
        ("story/organisation/", {"organisation_name": "x" * 201}, "200 characters or fewer"),
        ("story/type/", {}, "Select the type of organisation"),
        ("story/type/", {"organisation_type": "castle"}, "Select the type of organisation"),
        ("story/what-happened/", {"text": ""}, "Enter what your organisation did"),
        ("story/what-happened/", {"text": "x" * 5001}, "5,000 characters or fewer"),
        ("story/contact/", {"contact_email": "sam@example.org"}, "Enter your name"),
        ("story/contact/", {"contact_name": "Sam"}, "Enter your email address"),
        ("story/contact/", {"contact_name": "Sam", "contact_email": "sam@"}, "correct format"),
    ],
)
def test_bad_input_gets_a_summary_and_a_message_by_the_field(client, url, data, message):
    response = client.post(f"/suggestions/{url}", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and page.count(message) == 2  # summary and inline
    assert page.count("govuk-error-message") == 1
    assert Suggestion.objects.count() == 0


def test_a_tampered_case_study_link_is_404(client):
    assert client.get("/suggestions/correction/for/no-such-study/").status_code == 404
    assert client.get("/suggestions/castle/").status_code == 404
    assert client.get("/suggestions/correction/castle/").status_code == 404


def test_a_bot_filling_the_honeypot_sees_a_reference_but_nothing_is_stored(client):
    correction(client, website="http://spam.example")
    assert REFERENCE.search(
        sent_page := client.post("/suggestions/correction/check/", follow=True).content.decode()
    )
    assert "Correction sent" in sent_page
    story(client)
    client.post("/suggestions/story/check/", {"website": "spam"}, follow=True)
    assert Suggestion.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    page = client.get("/suggestions/story/organisation/").content.decode()
    assert '<div hidden aria-hidden="true">' in page and 'tabindex="-1"' in page


def test_over_the_rate_limit_a_reader_gets_a_clear_429(client, settings):
    settings.SUGGESTIONS_RATE = "2/h"
    for _ in range(2):
        story(client)
        sent(client, "story")
    story(client)
    response = client.post("/suggestions/story/check/")
    assert response.status_code == 429
    assert "too many suggestions" in response.content.decode()
    assert Suggestion.objects.count() == 2
    other = client.__class__(REMOTE_ADDR="192.0.2.9")  # another address is not limited
    story(other)
    assert other.post("/suggestions/story/check/").status_code == 302


def test_a_session_lost_midway_gets_a_message_and_a_way_back(client):
    story(client)
    client.cookies.clear()
    for response in (
        client.get("/suggestions/story/check/"),
        client.post("/suggestions/story/check/"),
    ):
        page = response.content.decode()
        assert response.status_code in (200, 400)
        assert "could not find your answers" in page and 'href="/suggestions/story/"' in page
    assert client.get("/suggestions/story/sent/").status_code == 200
    assert Suggestion.objects.count() == 0


def test_a_case_study_withdrawn_meanwhile_is_asked_for_again(client):
    correction(client)
    from casebase.content.models import CaseStudy

    CaseStudy.objects.filter(slug=LEEDS).update(status="withdrawn")
    response = client.post("/suggestions/correction/check/")
    assert response.url == "/suggestions/correction/case-study/"
    assert Suggestion.objects.count() == 0


def test_the_privacy_notice_is_linked_from_both_forms(client):
    for url in ("/suggestions/story/organisation/", "/suggestions/correction/case-study/"):
        assert 'href="/suggestions/privacy/"' in client.get(url).content.decode()
    page = client.get("/suggestions/privacy/").content.decode()
    assert "12 months" in page and page.count("<h1") == 1


@pytest.fixture
def suggestions(client):
    story(client)
    sent(client, "story")
    correction(client, contact_name="Kim", contact_email="kim@example.org")
    sent(client, "correction")
    return Suggestion.objects.order_by("created_at")


@pytest.mark.parametrize("group", ["editor_only", "publisher"])
def test_editors_and_publishers_mark_status_and_erase_contact_details(request, group, suggestions):
    staff = request.getfixturevalue(group)
    listing = staff.get("/admin/suggestions/suggestion/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert page.index(suggestions[0].reference) < page.index(suggestions[1].reference)
    ids = [s.pk for s in suggestions]
    staff.post(
        "/admin/suggestions/suggestion/", {"action": "mark_in_review", "_selected_action": ids}
    )
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"in_review"}
    staff.post(
        "/admin/suggestions/suggestion/",
        {"action": "erase_contact_details", "_selected_action": ids},
    )
    for suggestion in Suggestion.objects.all():
        assert (suggestion.contact_name, suggestion.contact_email) == ("", "")
        assert suggestion.contact_erased_at is not None and suggestion.text
    correction_page = staff.get(f"/admin/suggestions/suggestion/{suggestions[1].pk}/change/")
    assert "/admin/content/casestudy/" in correction_page.content.decode()  # opens the record
    response = staff.post(
        f"/admin/suggestions/suggestion/{suggestions[1].pk}/change/", {"status": "accepted"}
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestions[1].pk).status == "accepted"


def test_the_admin_list_of_suggestions_takes_fixed_queries(
    editor_only, suggestions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        editor_only.get("/admin/suggestions/suggestion/")


def test_the_command_erases_contact_details_older_than_12_months(suggestions):
    old = suggestions[0]
    Suggestion.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=366))
    call_command("erase_old_contact_details", stdout=StringIO())
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.text) == (
        "",
        "",
        "We listened; sickness fell.",
    )
    assert old.contact_erased_at is not None
    assert Suggestion.objects.get(pk=suggestions[1].pk).contact_email == "kim@example.org"


def test_the_page_cache_never_keeps_a_suggestion_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    for url in ("/suggestions/privacy/", "/suggestions/story/organisation/"):
        for _ in range(2):
            response = client.get(url)
            assert "X-Page-Cache" not in response
            assert "no-store" in response["Cache-Control"]
    story(client)
    for _ in range(2):
        response = client.get("/suggestions/story/check/")
        assert "no-store" in response["Cache-Control"] and "Testshire" in response.content.decode()
    other = client.__class__()
    assert "Testshire" not in other.get("/suggestions/story/check/").content.decode()
    assert not [key for key in cache._cache if "page:" in str(key)]  # locmem: nothing stored


WORD = "Zqxjsuggestionword"


def test_a_planted_suggestion_word_appears_nowhere_public(client, settings):
    """As tests/test_drafts_invisible.py does for drafts: a unique word in every field of a
    suggestion of each kind, then every public surface fetched, with the page cache on."""
    from tests.test_drafts_invisible import public_urls

    correction(client, wrong=WORD, should=WORD, contact_name=WORD, contact_email=f"{WORD}@x.org")
    sent(client, "correction")
    client.post("/suggestions/story/organisation/", {"organisation_name": WORD})
    story_contact = {"contact_name": WORD, "contact_email": f"{WORD}@x.org"}
    client.post("/suggestions/story/type/", {"organisation_type": "other"})
    client.post("/suggestions/story/what-happened/", {"text": WORD})
    client.post("/suggestions/story/contact/", story_contact)
    sent(client, "story")
    assert Suggestion.objects.filter(text=WORD).count() == 2
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    reader = client.__class__()
    urls = [*public_urls(reader), f"/case-studies/?q={WORD}", f"/search/?q={WORD}"]
    shown_on = [
        url
        for url in urls
        if WORD
        in reader.get(url)
        .content.decode()
        .replace(f"“{WORD}”", "")
        .replace(f'value="{WORD}"', "")
        .replace(f"q={WORD}", "")
    ]
    assert shown_on == []


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/suggestions/privacy/", 0),
        ("/suggestions/story/organisation/", 0),
        ("/suggestions/correction/case-study/", 1),  # the published case studies
        ("/suggestions/story/type/", 1),  # the types of organisation
    ],
)
def test_a_question_page_takes_fixed_queries(client, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_check_your_answers_takes_five_queries(client, django_assert_num_queries):
    correction(client)
    # The session; the case study's title; the session saved (savepoint, update, release).
    with django_assert_num_queries(5):
        assert client.get("/suggestions/correction/check/").status_code == 200


@pytest.mark.parametrize("group", ["editor_only", "publisher"])
def test_accepting_a_story_makes_a_draft_case_study(request, group, suggestions, client):
    staff = request.getfixturevalue(group)
    told = suggestions[0]
    response = staff.post(
        "/admin/suggestions/suggestion/",
        {"action": "accept_story", "_selected_action": [told.pk]},
        follow=True,
    )
    assert "draft case study" in response.content.decode()
    told.refresh_from_db()
    study = told.case_study
    assert (told.status, study.status, study.organisation.status) == ("accepted", "draft", "draft")
    assert (study.title, study.context) == ("Testshire Council", "We listened; sickness fell.")
    assert study.organisation.type.slug == "county-council"
    assert client.get(study.get_absolute_url()).status_code == 404  # a draft, never public
    staff.post("/admin/suggestions/suggestion/",
               {"action": "accept_story", "_selected_action": [told.pk]})  # fmt: skip
    assert CaseStudy.objects.filter(organisation__name="Testshire Council").count() == 1
