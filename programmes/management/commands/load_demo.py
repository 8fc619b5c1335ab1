from django.core.management.base import BaseCommand
from django.utils import timezone

from core.search import search_rebuild
from programmes.demo import COUNCIL_ADMIN, DEMO_SLUG, DEMO_USERS, OUTSIDER, demo_load


class Command(BaseCommand):
    help = "Load the demo programme and one demo user per role. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--real-dates", action="store_true",
                            help="Keep the historical dates instead of moving them by whole years "
                                 "so that today falls in the financial year that began on transfer day.")

    def handle(self, *args, real_dates=False, **options):
        from django.conf import settings

        created = demo_load(today=timezone.localdate(), real_dates=real_dates)
        # Some demo rows are written in bulk, which sends no signal to the search index.
        search_rebuild()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo programme ({DEMO_SLUG})."))
        else:
            self.stdout.write("The demo programme is already loaded; nothing changed.")
        self.stdout.write("\nDemo logins at http://127.0.0.1:8000/accounts/login/ "
                          f"(password: {settings.INSOURCE_DEMO_PASSWORD})")
        for username, *_, role in DEMO_USERS:
            self.stdout.write(f"  {username:<15} {role.label}")
        self.stdout.write(f"  {OUTSIDER[0]:<15} Programme manager of another council's "
                          "programme only")
        self.stdout.write(f"  {COUNCIL_ADMIN[0]:<15} B&NES's council administrator (no programme "
                          "role)\n")
