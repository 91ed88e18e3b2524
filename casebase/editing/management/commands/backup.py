from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebase.editing.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to a file (SQLite online backup, or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The backup file to write.")

    def handle(self, *args, output: Path, **options):
        if output.exists():
            raise CommandError(f"{output} exists already; choose a new file name.")
        try:
            backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {output} ({output.stat().st_size:,} bytes).")
