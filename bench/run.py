"""`make bench`: server time, query counts and the plan PDF's time split on scale data.

Runs with the project's settings (bench/settings.py: local settings with DEBUG off) on a
throwaway database: SQLite in a temporary directory, or, when DATABASE_URL names a
PostgreSQL server, a new database on it made for this run and dropped afterwards; an
existing database is never used. It migrates, builds the scale programmes, then times
pages through Django's test Client signed in as scale-pm. It prints figures and never
fails on them.

    python bench/run.py [--programmes 5] [--warmup 5] [--iterations 50] [--pdf-runs 5]
"""
import argparse
import gc
import logging
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRACKER_P95_TARGET_MS = 150
NON_RENDER_SHARE_TARGET = 20  # per cent of the PDF's total time
# Sections after the pages and the plan PDF, each a module bench/<name>.py.
SECTIONS = ("tracker", "search", "mspdi", "workforce", "finance", "business_cases", "papers", "hostile", "load")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--only", action="append", choices=("pages", "pdf", *SECTIONS), metavar="SECTION",
                        help="run only this section (pages, pdf or one of bench/*.py; repeatable)")
    args = parser.parse_args()

    started = time.perf_counter()
    with ThrowawayDatabase() as db_label:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        # Whitenoise warns that collectstatic has not run; pages do not need the files.
        warnings.filterwarnings("ignore", message="No directory at")
        import django

        django.setup()
        try:
            run(args, db_label)
        finally:
            from django.db import connections

            connections.close_all()
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s")


class ThrowawayDatabase:
    """A database for this run only: its name goes to bench/settings.py."""

    def __init__(self):
        self.tmp = None
        self.pg = None
        self.pg_name = None

    def __enter__(self) -> str:
        import dj_database_url

        url = os.environ.get("DATABASE_URL", "")
        config = dj_database_url.parse(url) if url else {"ENGINE": "django.db.backends.sqlite3"}
        engine = config["ENGINE"]
        if engine == "django.db.backends.sqlite3":
            self.tmp = tempfile.mkdtemp(prefix="insource-bench-")
            name = os.path.join(self.tmp, "bench.sqlite3")
            os.environ["INSOURCE_BENCH_DB_NAME"] = name
            return f"SQLite file {name} (temporary)"
        if "postgresql" not in engine:
            sys.exit(f"bench supports SQLite and PostgreSQL, not {engine}")
        server = {"host": config.get("HOST"), "port": config.get("PORT"), "user": config.get("USER"),
                  "password": config.get("PASSWORD"), **config.get("OPTIONS", {})}
        self.pg = {k: v for k, v in server.items() if v}
        name = f"insource_bench_{os.getpid()}_{secrets.token_hex(4)}"
        # CREATE fails if the name is taken, so no existing database is ever touched.
        self._pg_admin(f'CREATE DATABASE "{name}"')
        self.pg_name = name
        os.environ["INSOURCE_BENCH_DB_NAME"] = name
        return f"PostgreSQL database {name} on {self.pg.get('host', 'localhost')} (made for this run)"

    def _pg_admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as conn:
            conn.execute(sql)

    def __exit__(self, *exc) -> None:
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.pg:
            self._pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}"')


def run(args, db_label: str) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from core.roles import Role
    from programmes.scale import MILESTONES_PER_PROGRAMME, scale_data_build

    print("Insource bench")
    print(f"CPU:       {cpu_model()}, {os.cpu_count()} cores")
    print(f"Python:    {platform.python_version()}   Django: {django.get_version()}")
    print(f"Database:  {connection.vendor} {db_version(connection)}; {db_label}")

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - t:.1f} s")
    today = timezone.localdate()
    t = time.perf_counter()
    ctx = scale_data_build(programmes=args.programmes, today=today)
    programme, user = ctx.programmes[0].programme, ctx.users[Role.PROGRAMME_MANAGER]  # scale-pm
    del ctx  # its thousands of rows would only make each garbage collection slower
    gc.collect()
    print(f"Scale data: {args.programmes} programmes x {MILESTONES_PER_PROGRAMME} milestones "
          f"built in {time.perf_counter() - t:.1f} s; measuring {programme.slug}")

    client = Client()
    client.force_login(user)
    if not args.only or "pages" in args.only:
        pages_section(client, programme, args)
    if not args.only or "pdf" in args.only:
        pdf_split(programme, user, today, args.pdf_runs)

    # Each section adds its own figures from bench/<name>.py: a module-level
    # run(*, programme, user, client, today, args) that prints its section.
    import importlib

    for name in SECTIONS:
        if args.only and name not in args.only:
            continue
        try:
            section = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            continue
        section.run(programme=programme, user=user, client=client, today=today, args=args)


def pages_section(client, programme, args) -> None:
    from django.urls import reverse

    from programmes.scale import MILESTONES_PER_PROGRAMME

    slug = programme.slug
    pages = [
        ("Programme list", reverse("programmes:list")),
        ("Overview", reverse("programmes:overview", args=[slug])),
        ("Milestone tracker", reverse("programmes:tracker", args=[slug])),
        ("Risk register", reverse("risks:register", args=[slug])),
        ("Risk heat map", reverse("risks:heatmap", args=[slug])),
    ]
    print(f"\nPages: {args.warmup} warm-up + {args.iterations} measured requests each, "
          "server time through the test Client (CPU: this process's CPU time, which other "
          "load on the machine disturbs less)")
    print(f"  {'page':<20}{'median ms':>10}{'p95 ms':>10}{'CPU median':>12}{'CPU p95':>9}{'queries':>9}")
    results = {}
    for label, url in pages:
        times, cpu, queries = time_page(client, url, args.warmup, args.iterations)
        results[label] = times
        print(f"  {label:<20}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
              f"{statistics.median(cpu):>12.1f}{p95(cpu):>9.1f}{queries:>9}")
    tracker_p95 = p95(results["Milestone tracker"])
    print(f"  Target: tracker p95 <= {TRACKER_P95_TARGET_MS} ms with {MILESTONES_PER_PROGRAMME} "
          f"milestones: {tracker_p95:.1f} ms, {'met' if tracker_p95 <= TRACKER_P95_TARGET_MS else 'MISSED'}"
          " (the tracker section measures 3,000)")


def time_page(client, url: str, warmup: int, iterations: int) -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    times, cpu = [], []
    for _ in range(iterations):
        t, c = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return times, cpu, len(captured)


def pdf_split(programme, user, today, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pdf import render_pdf
    from programmes.exports import plan_pdf_context

    # WeasyPrint logs every page it lays out at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    print(f"\nPlan PDF for {programme.slug}: {runs} runs, as the PDF job makes it")
    rows = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            context = plan_pdf_context(programme=programme, today=today)
            context["asked_by"] = user
            context_s = time.perf_counter() - t
        pdf = render_pdf("pdf/plan.html", context, title=f"Milestone plan – {programme.name}")
        rows.append((context_s, pdf.html_seconds, pdf.render_seconds))
    context_s, html_s, render_s = (statistics.median(col) for col in zip(*rows, strict=True))
    ours = context_s + html_s
    share = 100 * ours / (ours + render_s)
    print(f"  context (queries, timeline SVG) {context_s:8.3f} s  median, {len(captured)} queries")
    print(f"  HTML (template)                 {html_s:8.3f} s  median")
    print(f"  WeasyPrint render               {render_s:8.3f} s  median")
    print(f"  total                           {ours + render_s:8.3f} s  ({len(pdf.content) // 1024} KB)")
    print(f"  Target: all but WeasyPrint's render < {NON_RENDER_SHARE_TARGET}% of the total: "
          f"{share:.1f}%, {'met' if share < NON_RENDER_SHARE_TARGET else 'MISSED'}")


def p95(values: list[float]) -> float:
    """The 95th percentile, by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def db_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        v = connection.pg_version
        return f"{v // 10000}.{v % 10000}"
    return ""


if __name__ == "__main__":
    main()
