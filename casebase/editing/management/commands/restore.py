from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebase.editing.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("backup_file", type=Path)

    def handle(self, *args, backup_file: Path, **options):
        try:
            restore(backup_file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup_file}. Run `manage.py migrate` if the code is newer.")
