"""python manage.py send_reminders [--dry-run]: one run of the reminders and digests."""
from django.core.management.base import BaseCommand

from programmes.notify import run_reminders


class Command(BaseCommand):
    help = ("Record the reminders and digests owed today and send those due, as Celery beat does; "
            "--dry-run says what it would record and send, and writes and sends nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Write and send nothing; print what would be.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = run_reminders(dry_run=dry_run)
        for line in report.lines(dry_run=dry_run):
            self.stdout.write(line)
