"""Blank the personal fields of transfer rosters some months after transfer day."""
from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workforce.models import EmployeeRecord, TransferRoster
from workforce.services import rosters_purge_personal_data


class Command(BaseCommand):
    help = ("Blank names and personal fields (in the history tables too) of the rosters of programmes "
            "whose transfer date is more than N months ago, keeping team, grade, FTE and the aggregates.")

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, required=True, help="Months after transfer day")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be purged; change nothing")

    def handle(self, *args, months: int, dry_run: bool, **options):
        if months < 0:
            raise CommandError("--months must be 0 or more")
        cutoff = timezone.localdate() - relativedelta(months=months)
        rosters = list(TransferRoster.objects.filter(programme__transfer_date__lt=cutoff,
                                                     personal_data_purged_at__isnull=True)
                       .select_related("programme", "upload").order_by("programme__name", "version"))
        people = EmployeeRecord.objects.filter(roster__in=rosters).count()
        for r in rosters:
            self.stdout.write(f"{r.programme.name}: roster version {r.version} (transfer {r.programme.transfer_date})")
        if dry_run:
            self.stdout.write(f"Dry run: {len(rosters)} roster versions, {people} records would be purged.")
            return
        n = rosters_purge_personal_data(rosters=rosters)
        self.stdout.write(f"Purged the personal fields of {n} records in {len(rosters)} roster versions.")
