from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "casebase.site"
    label = "site"
    verbose_name = "Public site"
