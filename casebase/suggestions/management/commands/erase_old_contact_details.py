from django.core.management.base import BaseCommand

from casebase.suggestions.services import old_contact_details_erase


class Command(BaseCommand):
    help = "Erase readers' names and email addresses from suggestions sent over 12 months ago."

    def handle(self, *args, **options):
        erased = old_contact_details_erase()
        self.stdout.write(
            f"Erased the contact details of {erased} suggestion(s) over 12 months old."
        )
