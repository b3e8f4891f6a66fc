from django.core.management.base import BaseCommand, CommandError

from scrutiny.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Replace ALL data and uploaded files with those of a backup made by "
        "`manage.py backup`. The backup is checked first; the database part is one "
        "transaction, so a failure leaves the database unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The backup folder.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the backup against its manifest; change nothing.",
        )

    def handle(self, *args, directory, interactive, check, **options):
        try:
            manifest = verify_backup(directory)
            if check:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup is complete: {manifest['rows']} rows, "
                        f"{len(manifest['files'])} files, taken {manifest['created_at']}"
                    )
                )
                return
            if interactive:
                answer = input(
                    f"This replaces ALL portal data and files with the backup taken "
                    f"{manifest['created_at']}. Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            summary = restore_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.rows} rows and {summary.files} files from {summary.directory}"
            )
        )
