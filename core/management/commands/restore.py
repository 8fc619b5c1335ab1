from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore a folder written by `manage.py backup` into an empty database (make one with createdb) "
            "and an empty file store (the MEDIA_ROOT folder, or the bucket or container of "
            "INSOURCE_STORAGE=s3 or azure), then check every table's row count and every file against its manifest.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder.")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup_restore(folder=folder)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored {summary.rows} rows in {summary.tables} tables and {summary.files} files from "
            f"{summary.folder}; every count and file matches the manifest."))
