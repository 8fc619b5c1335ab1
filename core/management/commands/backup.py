from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_make


class Command(BaseCommand):
    help = ("Back up the database (pg_dump) and the stored files (read through the storage: the "
            "MEDIA_ROOT folder, or the bucket or container of INSOURCE_STORAGE=s3 or azure) into a new "
            "folder, with a manifest of every table's row count and every file's SHA-256. Restore it "
            "with `manage.py restore`.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path,
                            help="A folder that does not exist yet (or is empty) to write the backup into.")

    def handle(self, *args, out: Path, **options):
        try:
            summary = backup_make(out=out)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {summary.rows} rows in {summary.tables} tables and {summary.files} files to {summary.folder}"))
