from django.apps import AppConfig


class LoadingConfig(AppConfig):
    """Data loading: the compendium loader, synthetic data for benchmarks, and the commands
    that run them."""

    name = "casebase.loading"
    verbose_name = "Loading"
