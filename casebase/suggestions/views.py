"""The question pages. No account and no JavaScript: plain forms posted with CSRF, answers kept
in the session between pages. `never_cache` on every page (and the page cache skips
/suggestions/ altogether): the pages hold a reader's own answers."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from casebase.content.models import CaseStudy, OrganisationType
from casebase.suggestions.forms import JOURNEYS, OTHER, Journey, QuestionForm
from casebase.suggestions.models import new_reference
from casebase.suggestions.services import suggestion_submit

BOT = "_bot"  # set in the answers when the honeypot was filled in


def client_address(group: str, request: HttpRequest) -> str:
    """The address django-axes locks sign-ins by: behind DJANGO_PROXY_COUNT proxies, the one
    the nearest trusted proxy saw (casebase/settings.py), so a reader cannot pick their own."""
    return get_client_ip_address(request) or "unknown"


def submission_rate(group: str, request: HttpRequest) -> str:
    return settings.SUGGESTIONS_RATE


def journey_or_404(kind: str) -> Journey:
    if kind not in JOURNEYS:
        raise Http404("No such suggestion")
    return JOURNEYS[kind]


def answers_of(request: HttpRequest, kind: str) -> dict:
    return dict(request.session.get(f"suggestion:{kind}", {}))


def keep(request: HttpRequest, kind: str, answers: dict) -> None:
    request.session[f"suggestion:{kind}"] = answers


def next_page(journey: Journey, answers: dict):
    step = journey.next_step(answers)
    if step is None:
        return redirect("suggestion-check", journey.kind)
    return redirect("suggestion-question", journey.kind, step.slug)


@never_cache
def start(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_or_404(kind)
    return next_page(journey, answers_of(request, kind))


@never_cache
def start_correction(request: HttpRequest, slug: str) -> HttpResponse:
    """From a case study's page: the case study is answered already."""
    study = get_object_or_404(CaseStudy.objects.published(), slug=slug)
    answers = answers_of(request, "correction") | {"case_study": study.slug}
    keep(request, "correction", answers)
    return next_page(JOURNEYS["correction"], answers)


@never_cache
def question(request: HttpRequest, kind: str, step: str) -> HttpResponse:
    journey = journey_or_404(kind)
    page = journey.step(step)
    if page is None:
        raise Http404("No such question")
    answers = answers_of(request, kind)
    if request.method == "POST":
        form = page.form(request.POST)
        if form.is_valid():
            answers |= form.answers() | ({BOT: True} if form.is_bot else {})
            keep(request, kind, answers)
            return next_page(journey, answers)
    else:
        form = page.form(initial=answers)
    index = journey.steps.index(page)
    back = (
        reverse("suggestion-question", args=[kind, journey.steps[index - 1].slug])
        if index
        else None
    )
    return render(
        request,
        "suggestions/question.html",
        {"journey": journey, "step": page, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


def rows(journey: Journey, answers: dict) -> list[dict]:
    """Check your answers: each question's answer in words, with its Change link."""
    named = {}
    if "case_study" in answers:
        study = CaseStudy.objects.published().filter(slug=answers["case_study"]).first()
        named["case_study"] = study.title if study else None
    if "organisation_type" in answers:
        kind = OrganisationType.objects.filter(slug=answers["organisation_type"]).first()
        named["organisation_type"] = kind.name if kind else "Another kind of organisation"
    shown = []
    for step in journey.steps:
        names = [name for name in step.form.base_fields if name != "website"]
        values = [named.get(name, answers.get(name)) for name in names]
        shown.append(
            {
                "label": step.label,
                "values": [value for value in values if value],
                "url": reverse("suggestion-question", args=[journey.kind, step.slug]),
            }
        )
    return shown


def records(answers: dict) -> dict | None:
    """The answers as the model's fields; None if the case study is no longer published."""
    fields = {name: value for name, value in answers.items() if not name.startswith("_")}
    if "case_study" in fields:
        fields["case_study"] = (
            CaseStudy.objects.published().filter(slug=fields["case_study"]).first()
        )
        if fields["case_study"] is None:
            return None
    if "organisation_type" in fields:
        slug = fields["organisation_type"]
        fields["organisation_type"] = (
            None if slug == OTHER else OrganisationType.objects.filter(slug=slug).first()
        )
    return fields


@never_cache
@ratelimit(
    group="suggestions", key=client_address, rate=submission_rate, method="POST", block=False
)
def check(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_or_404(kind)
    answers = answers_of(request, kind)
    if not answers or journey.next_step(answers) is not None:
        return lost(request, journey)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return render(request, "suggestions/too_many.html", {"journey": journey}, status=429)
        if answers.get(BOT) or QuestionForm(request.POST).is_bot:
            reference = new_reference()  # looks sent; nothing is stored
        else:
            fields = records(answers)
            if fields is None:  # the case study was withdrawn meanwhile: ask again
                answers.pop("case_study")
                keep(request, kind, answers)
                return next_page(journey, answers)
            reference = suggestion_submit(kind=kind, answers=fields).reference
        request.session.pop(f"suggestion:{kind}")
        request.session[f"suggestion-sent:{kind}"] = reference
        return redirect("suggestion-sent", kind)
    return render(
        request,
        "suggestions/check.html",
        {"journey": journey, "rows": rows(journey, answers), "form": QuestionForm()},
    )


def lost(request: HttpRequest, journey: Journey) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "suggestions/lost.html", {"journey": journey}, status=status)


@never_cache
def sent(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_or_404(kind)
    reference = request.session.get(f"suggestion-sent:{kind}")
    if reference is None:
        return lost(request, journey)
    return render(request, "suggestions/sent.html", {"journey": journey, "reference": reference})


@never_cache
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "suggestions/privacy.html")
