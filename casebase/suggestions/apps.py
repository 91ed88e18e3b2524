from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    """Readers' suggestions: corrections to case studies and organisations' stories, sent
    through GOV.UK question pages and handled by editors in the admin. Never public."""

    name = "casebase.suggestions"
    label = "suggestions"
    verbose_name = "Readers' suggestions"
