import time

from django.core.management.base import BaseCommand

from core.search import search_rebuild


class Command(BaseCommand):
    help = ("Make the search index afresh from the records: after rows were written without their "
            "signals (bulk loads, scale data), or to mend an index that has drifted.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {count} search documents in {time.perf_counter() - started:.1f} s."))
