from django.apps import AppConfig


class EditingConfig(AppConfig):
    """The editors' side: the admin, revision history, edit conflicts, who may change what,
    backups. Its models are the domain's (casebase.content)."""

    name = "casebase.editing"
    verbose_name = "Editing"

    def ready(self):
        from casebase.editing.history import register_models

        register_models()
