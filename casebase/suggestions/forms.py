"""The questions, one page each, and the two journeys they make.

Answers are kept in the session between pages as plain strings (slugs for records), and read
back into records only when the suggestion is sent, so a record unpublished meanwhile is asked
for again rather than stored."""

from dataclasses import dataclass

from django import forms

from casebase.content.models import CaseStudy, OrganisationType

OTHER = "other"


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def text(label: str, *, limit: int, required: str | None, hint: str = "", rows: int = 8):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=limit,
        required=required is not None,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required or "",
            "max_length": too_long(label.split(" (")[0], limit),
            "null_characters_not_allowed": "Enter plain text only",
        },
    )


class QuestionForm(forms.Form):
    """Every page carries the honeypot: hidden from people and assistive technology, filled
    in only by bots, which then see the usual pages while nothing is stored."""

    website = forms.CharField(required=False, label="Leave this empty")

    def answers(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class CaseStudyForm(QuestionForm):
    case_study = forms.ChoiceField(
        label="Which case study has a mistake?",
        error_messages={
            "required": "Select the case study that has a mistake",
            "invalid_choice": "Select a case study from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        studies = CaseStudy.objects.published().values_list("slug", "title")
        self.fields["case_study"].choices = [("", "Choose a case study"), *studies]


class WhatIsWrongForm(QuestionForm):
    text = text(
        "What is wrong?",
        limit=2000,
        required="Enter what is wrong",
        hint="Say which part of the page it is in, for example the figure or the quotation.",
    )


class WhatItShouldSayForm(QuestionForm):
    proposed = text(
        "What should it say, and where does that come from? (optional)",
        limit=2000,
        required=None,
        hint="For example the right figure and the report or web page it is in.",
    )


class ContactForm(QuestionForm):
    contact_name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={
            "required": "Enter your name",
            "max_length": too_long("Your name", 100),
        },
    )
    contact_email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We only use this to reply to you about this suggestion.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": too_long("Email address", 254),
        },
    )


class OptionalContactForm(ContactForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["contact_name"].label = "Your name (optional)"
        self.fields["contact_email"].label = "Email address (optional)"


class OrganisationNameForm(QuestionForm):
    organisation_name = forms.CharField(
        label="What is the name of your organisation?",
        max_length=200,
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": too_long("The name of your organisation", 200),
        },
    )


class OrganisationTypeForm(QuestionForm):
    organisation_type = forms.ChoiceField(
        label="What type of organisation is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of organisation",
            "invalid_choice": "Select the type of organisation",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = OrganisationType.objects.select_related("sector").order_by(
            "sector__position", "sector__name", "name"
        )
        self.fields["organisation_type"].choices = [
            *((kind.slug, kind.name) for kind in types),
            (OTHER, "Another kind of organisation"),
        ]


class WhatHappenedForm(QuestionForm):
    text = text(
        "What did your organisation do, and what happened?",
        limit=5000,
        required="Enter what your organisation did and what happened",
        hint="What you faced, what you changed in how people are led and managed, and what "
        "changed as a result, with figures if you have them.",
        rows=12,
    )


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[QuestionForm]
    label: str  # the row's key on "Check your answers"


@dataclass(frozen=True)
class Journey:
    kind: str
    title: str
    steps: tuple[Step, ...]

    def step(self, slug: str) -> Step | None:
        return next((step for step in self.steps if step.slug == slug), None)

    def next_step(self, answers: dict) -> Step | None:
        """The first page not answered yet; None when all are."""
        fields = (
            step
            for step in self.steps
            if not set(step.form.base_fields) - {"website"} <= set(answers)
        )
        return next(fields, None)


JOURNEYS = {
    "correction": Journey(
        kind="correction",
        title="Suggest a correction",
        steps=(
            Step("case-study", CaseStudyForm, "Case study"),
            Step("what-is-wrong", WhatIsWrongForm, "What is wrong"),
            Step("what-it-should-say", WhatItShouldSayForm, "What it should say"),
            Step("your-details", OptionalContactForm, "Your name and email"),
        ),
    ),
    "story": Journey(
        kind="story",
        title="Tell us about your organisation's story",
        steps=(
            Step("organisation", OrganisationNameForm, "Organisation"),
            Step("type", OrganisationTypeForm, "Type of organisation"),
            Step("what-happened", WhatHappenedForm, "What it did and what happened"),
            Step("contact", ContactForm, "Your name and email"),
        ),
    ),
}
