from django.core.management.base import BaseCommand, CommandError

from scrutiny.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and every uploaded file into a new folder "
        "(data.json.gz, media/, manifest.json with SHA-256 hashes). Restore with "
        "`manage.py restore <folder>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new (or empty) folder to write the backup to.")

    def handle(self, *args, directory, **options):
        try:
            summary = create_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.rows} rows and {summary.files} files to {summary.directory}"
            )
        )
