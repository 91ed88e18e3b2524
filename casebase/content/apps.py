from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casebase.content"
    verbose_name = "Knowledge base"

    def ready(self):
        from casebase.content.history import register_models

        register_models()
        self.track_every_change()

    def track_every_change(self):
        """A new content version and a line in the log of changes on every change. Bulk
        updates send no signal: those call casebase.content.changes.content_changed() too."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from casebase.content.changes import content_changed
        from casebase.content.models import ContentChange, ContentVersion

        for model in self.get_models(include_auto_created=True):  # m2m links too
            if model in (ContentVersion, ContentChange):
                continue
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(content_changed, sender=model, dispatch_uid=f"pages-{model}")
