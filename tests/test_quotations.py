"""A pull quote is a whole sentence. A quotation that is a fragment ("These are hard jobs,") is
shown in its sentence from the source, the quoted words marked, never on its own. Whether it is
a whole sentence, and the rest of its sentence, are worked out when the compendium is loaded."""

import re

import pytest
from django.utils.html import escape

from casebase.content.models import Quote
from casebase.content.passages import quotation_context

pytestmark = pytest.mark.django_db

LEEDS = "/case-studies/leeds-teaching-hospitals/"
PULL_QUOTE = re.compile(r'<blockquote class="govuk-inset-text[^"]*">“(.*?)”</blockquote>', re.S)
IN_SENTENCE = re.compile(r'<blockquote class="[^"]*cb-quote-in-sentence">(.*?)</blockquote>', re.S)

# Every quotation of the compendium that is not a whole sentence of its source, by its first
# words: 16 start within a sentence ("freedom in a box."), 6 are cut off by the words that say
# who spoke ("These are hard jobs," says Wood).
FRAGMENTS = [
    "freedom in a box.",
    "That's what makes well performing teams",
    "fundamental to fostering the kind of culture",
    "You have to be clear about your assessment",
    "people that pass through the organisation.",
    "a golden thread throughout the organisation.",
    "all of a sudden, because you're great",
    "the ability to engage individuals.",
    "distrust of management.",
    "These are hard jobs,",
    "not tell people what to do",
    "an accountability conversation",
    "you have the permission to deliver",
    "have a go,",
    "gold-standard care on a faded-bronze budget.",
    "99.99%, about communication and relationships,",
    "we solve it as a team.",
    "It's been an evolutionary process,",
    "I always get asked what I think, never told.",
    "I do think I reflect a lot more",
    "an okay leader",
    "brave and ethical",
]


def test_the_compendium_has_26_whole_sentences_and_22_fragments():
    quotes = list(Quote.objects.all())
    fragments = [quote.text for quote in quotes if quote.sentence]

    assert len(quotes) == 48
    assert all("whole_sentence" in quote.passage_context for quote in quotes)  # all found
    assert len(fragments) == 22
    assert len(quotes) - len(fragments) == 26
    for first_words, text in zip(FRAGMENTS, sorted(fragments, key=order_of), strict=True):
        assert text.startswith(first_words)


def order_of(text: str) -> int:
    return next(index for index, words in enumerate(FRAGMENTS) if text.startswith(words))


def test_a_fragment_cut_off_by_who_said_it_keeps_the_rest_of_its_sentence():
    found = quotation_context("These are hard jobs,", "the-management-mission")

    assert found["whole_sentence"] is False
    assert (found["lead_in"], found["follow_on"]) == ("“", "” says Wood.")
    assert found["passage"] == "These are hard jobs,"  # the where_from context is kept too
    assert found["section"] == "Leeds Teaching Hospitals Trust"


def test_a_fragment_within_a_sentence_keeps_its_start():
    found = quotation_context("freedom in a box.", "the-management-mission")

    assert (found["lead_in"], found["follow_on"]) == ("Laramy described it as “", "”")


def test_a_whole_sentence_has_no_sentence_around_it():
    found = quotation_context(
        "You work collaboratively to make the best for patients.", "the-management-mission"
    )

    assert found["whole_sentence"] is True
    assert found["lead_in"] == found["follow_on"] == ""


def test_a_sentence_introduced_by_a_colon_is_whole():
    found = quotation_context(
        "Leadership style correlates to outcomes...[the leader]...here, respects boundaries "
        "and treads a very good line...",
        "the-management-mission",
    )

    assert found["whole_sentence"] is True


def test_a_sentence_quoted_without_its_full_stop_is_whole():
    found = quotation_context(
        "You work collaboratively to make the best for patients", "the-management-mission"
    )

    assert found["whole_sentence"] is True


def test_words_no_source_holds_are_not_judged():
    assert quotation_context("Words nobody wrote down anywhere.", "the-management-mission") == {}
    assert Quote(text="Words nobody wrote down anywhere.").sentence is None


def test_the_case_study_page_shows_a_fragment_in_its_sentence(client):
    page = client.get(LEEDS).content.decode()

    assert "“<mark>These are hard jobs,</mark>” says Wood." in IN_SENTENCE.findall(page)
    assert "These are hard jobs," not in " ".join(PULL_QUOTE.findall(page))
    assert "the words of <a" in page and "highlighted in their sentence from the source" in page


def test_a_whole_sentence_is_still_a_pull_quote(client):
    page = client.get(LEEDS).content.decode()

    whole = Quote.objects.get(text__startswith="We've had people who have worked")
    assert escape(whole.text) in PULL_QUOTE.findall(page)


def test_every_quote_on_the_case_study_page_is_a_pull_quote_or_in_its_sentence(client):
    page = client.get(LEEDS).content.decode()
    quotes = Quote.objects.filter(case_study__slug="leeds-teaching-hospitals")

    pulled, in_sentence = PULL_QUOTE.findall(page), " ".join(IN_SENTENCE.findall(page))
    for quote in quotes:
        if quote.sentence:
            assert f"<mark>{escape(quote.text)}</mark>" in in_sentence
            assert escape(quote.text) not in pulled
        else:
            assert escape(quote.text) in pulled


def test_a_sector_page_shows_a_fragment_in_its_sentence(client):
    page = client.get("/sectors/healthcare/").content.decode()

    in_sentence = " ".join(IN_SENTENCE.findall(page))
    assert "<mark>fundamental to fostering the kind of culture" in in_sentence
    assert "she said, adding that they are" in in_sentence


def test_a_person_page_shows_a_fragment_in_its_sentence(client):
    page = client.get("/people/philip-wood/").content.decode()

    assert "<mark>These are hard jobs,</mark>" in " ".join(IN_SENTENCE.findall(page))
    assert "their words highlighted in their sentence from the source" in page


def test_an_edited_quotation_shows_no_stale_sentence(client):
    quote = Quote.objects.get(text="These are hard jobs,")
    quote.text = "These are hard jobs."
    quote.save()

    page = client.get(LEEDS).content.decode()

    assert quote.sentence is None
    assert "These are hard jobs." in PULL_QUOTE.findall(page)
    assert "says Wood.</blockquote>" not in page
