from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casebase.content"
    verbose_name = "Knowledge base"

    def ready(self):
        from casebase.content.history import register_models

        register_models()
