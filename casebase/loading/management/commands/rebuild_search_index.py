from django.core.management.base import BaseCommand
from django.db import transaction

from casebase.content.changes import content_changed
from casebase.content.models import SearchDocument, SiteDocument


class Command(BaseCommand):
    help = (
        "Make search, the catalogue and every page follow content changed outside the admin "
        "(a shell, a script): every search document (the catalogue's and the site-wide "
        "search's) is rewritten from the published records, "
        "and the content version moves."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            content_changed()
        self.stdout.write(
            f"Search index rebuilt: {SearchDocument.objects.count()} published case studies, "
            f"{SiteDocument.objects.count()} published records in the site-wide search."
        )
