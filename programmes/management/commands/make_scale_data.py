from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.search import search_rebuild
from programmes.scale import MILESTONES_PER_PROGRAMME, SCALE_USERS, scale_data_build


class Command(BaseCommand):
    help = ("Build large synthetic programmes (scale-1 … scale-N) for benchmarks. Running it "
            "again replaces them.")

    def add_arguments(self, parser):
        parser.add_argument("--programmes", type=int, default=5,
                            help="How many scale programmes to build (default 5).")

    def handle(self, *args, programmes: int, **options):
        from django.conf import settings

        if settings.INSOURCE_DEMO_PASSWORD is None:
            raise CommandError("Scale data makes sign-in accounts, and demo accounts are switched "
                               "off in these settings (INSOURCE_DEMO_PASSWORD is None).")
        if programmes < 1:
            raise CommandError("--programmes must be at least 1.")
        ctx = scale_data_build(programmes=programmes, today=timezone.localdate())
        # Scale rows are written with bulk_create, which sends no signal to the search index.
        search_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Built {len(ctx.programmes)} scale programmes (scale-1 … scale-{len(ctx.programmes)}), "
            f"{MILESTONES_PER_PROGRAMME} milestones each."))
        self.stdout.write("Logins (password: the demo password): "
                          + ", ".join(username for username, *_ in SCALE_USERS))
