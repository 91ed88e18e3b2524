from django.core.management.base import BaseCommand, CommandError

from casebase.loading import planner
from casebase.loading.compendium import CompendiumError, load_compendium


class Command(BaseCommand):
    help = (
        "Load The Management Mission compendium (data/compendium/*.yaml): creates what is "
        "missing, updates what differs, and can run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-edits",
            action="store_true",
            help="Create missing records but leave records that differ from the files alone "
            "(editors' changes in the admin survive). `make run` uses this.",
        )

    def handle(self, *args, keep_edits: bool = False, **options):
        try:
            summary = load_compendium(keep_edits=keep_edits)
        except CompendiumError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        planner.refresh_statistics()
        self.stdout.write(summary)
