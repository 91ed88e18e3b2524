from django.apps import AppConfig


class ContentConfig(AppConfig):
    """The domain: the data model, its `published()` querysets and a change to content."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casebase.content"
    verbose_name = "Knowledge base"
