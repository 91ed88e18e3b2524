from django.core.management.base import BaseCommand

from casebase.content import search


class Command(BaseCommand):
    help = "Rewrite every search document from the published records (the admin keeps them in "
    "step; this is for after changes made outside it, such as a shell or a restore)."

    def handle(self, *args, **options):
        self.stdout.write(f"Search index rebuilt: {search.refresh()} published case studies.")
