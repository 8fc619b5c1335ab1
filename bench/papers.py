"""Cabinet paper section of `make bench` (bench/run.py calls `run`): the demo programme's
Cabinet paper made as the paper job makes it (`business_cases.papers.paper_render`: read
the figures, build the document, its HTML, WeasyPrint's render, the Word file), timed step
by step, against the target that everything but WeasyPrint's own render is under
NON_RENDER_SHARE_TARGET per cent of the total; then the paper's preview page; then papers
per minute through one and two real Celery workers on an S3 store (bench/paper_workers.py).

The scale programmes have no paper, so the demo programme is loaded into the bench's
throwaway database if it is not there already. Prints figures; never asserts.
"""
import logging
import os
import secrets
import statistics
import time

from bench.run import NON_RENDER_SHARE_TARGET, p95, time_page

STEPS = (("data_seconds", "data (one snapshot read)"), ("build_seconds", "build the document"),
         ("html_seconds", "HTML (template)"), ("render_seconds", "WeasyPrint render"),
         ("docx_seconds", "Word file (beside the PDF)"), ("files_seconds", "PDF and Word together"))
# The steps one after another: the Word file is made during the PDF's, inside files_seconds.
SEQUENTIAL = ("data_seconds", "build_seconds", "files_seconds")


class WeasyPrintWarnings(logging.Handler):
    """Collects what WeasyPrint logs while the paper is made, to print once in the figures
    rather than at every render; it logs every page it lays out at INFO, which is dropped."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.logger = logging.getLogger("weasyprint")

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self):
        self.saved = self.logger.level, self.logger.propagate
        self.logger.setLevel(logging.WARNING)
        self.logger.propagate = False
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.saved[0])
        self.logger.propagate = self.saved[1]


def _demo_paper(today):
    """The demo programme's paper, loading the demo first if it is not there."""
    from django.conf import settings
    from django.test.utils import override_settings

    from business_cases.models import CabinetPaper
    from programmes.demo import DEMO_SLUG, demo_load

    paper = CabinetPaper.objects.filter(programme__slug=DEMO_SLUG).order_by("pk").first()
    if paper is None:
        t = time.perf_counter()
        # The bench database is thrown away afterwards; settings without demo accounts get
        # a random password for them here, which no one learns.
        with override_settings(INSOURCE_DEMO_PASSWORD=settings.INSOURCE_DEMO_PASSWORD or secrets.token_urlsafe()):
            demo_load(today=today)
        print(f"  (demo programme loaded in {time.perf_counter() - t:.1f} s)")
        paper = CabinetPaper.objects.filter(programme__slug=DEMO_SLUG).order_by("pk").first()
    if paper is None:
        return None
    return (CabinetPaper.objects.select_related("programme__lead_organisation",
                                                "business_case", "roster").get(pk=paper.pk))


def _reader(user, programme):
    """`user` if they may see the programme, else one of its members (a programme manager
    or director first, who see an exempt paper's full copy as its authors do)."""
    from core.roles import Role
    from programmes.access import programmes_for_user
    from programmes.models import Membership

    if programmes_for_user(user).filter(pk=programme.pk).exists():
        return user
    order = {Role.PROGRAMME_MANAGER: 0, Role.DIRECTOR: 1}
    members = sorted(Membership.objects.filter(programme=programme).select_related("user"),
                     key=lambda m: (order.get(m.role, 2), m.pk))
    return members[0].user if members else None


def run(*, programme, user, client, today, args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from business_cases.papers import paper_render

    runs = max(3, args.pdf_runs)
    print(f"\nCabinet paper: 1 warm-up + {runs} runs of paper_render, as the paper job makes a version")
    paper = _demo_paper(today)
    if paper is None:
        print("  skipped: the demo programme has no Cabinet paper")
        return
    slug = paper.programme.slug
    print(f"  {slug}, paper {paper.pk}: {paper.title} ({paper.get_classification_display().lower()}"
          f"{', with a public copy' if paper.is_exempt else ''})")

    rows = []
    with WeasyPrintWarnings() as warned:
        paper_render(paper=paper, today=today)  # warm-up: fonts, templates, imports
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                _, out = paper_render(paper=paper, today=today)
                total = time.perf_counter() - t
            timings = out.timings
            rows.append({**{key: timings[key] for key, _ in STEPS}, "pages": timings["pages"], "total": total,
                         "other": total - sum(timings[key] for key in SEQUENTIAL),
                         "share": 100 * (total - timings["render_seconds"]) / total,
                         "pdf_kb": len(out.pdf) // 1024, "docx_kb": len(out.docx) // 1024,
                         "queries": len(captured)})

    header = "".join(f"{h:>9}" for h in ("data s", "build s", "HTML s", "render s", "docx s", "files s",
                                         "total s", "not WP"))
    print(f"  {'run':<8}{'pages':>6}{header}")
    for n, r in enumerate(rows, 1):
        print(f"  {n:<8}{r['pages']:>6}" + "".join(f"{r[key]:>9.3f}" for key, _ in STEPS)
              + f"{r['total']:>9.3f}{r['share']:>8.1f}%")
    med = {key: statistics.median(r[key] for r in rows)
           for key in ("pages", "total", "share", *(k for k, _ in STEPS))}
    print(f"  {'median':<8}{med['pages']:>6g}" + "".join(f"{med[key]:>9.3f}" for key, _ in STEPS)
          + f"{med['total']:>9.3f}{med['share']:>8.1f}%")
    last = rows[-1]
    print(f"  {last['queries']} queries per paper; PDF {last['pdf_kb']} KB, Word file {last['docx_kb']} KB")
    for key, label in STEPS:
        print(f"  {label:<28}{med[key]:8.3f} s  median, {100 * med[key] / med['total']:5.1f}% of the total")
    other = statistics.median(r["other"] for r in rows)
    print(f"  {'in no step above':<28}{other:8.3f} s  median (the timing calls, the thread's start)")
    share = med["share"]
    print(f"  Target: all but WeasyPrint's render < {NON_RENDER_SHARE_TARGET}% of the total: "
          f"{share:.1f}% (median of the runs), {'met' if share < NON_RENDER_SHARE_TARGET else 'MISSED'}; "
          f"the Word file ({med['docx_seconds']:.3f} s) is made while the PDF is, "
          f"{med['files_seconds']:.3f} s for the two")
    if warned.messages:
        first = warned.messages[0]
        print(f"  WeasyPrint logged {len(warned.messages) / (runs + 1):g} warnings a render, the first: {first!r}")
    paper_ratio = med["total"] / med["render_seconds"]
    _highlight(paper.programme, today, runs, paper_ratio)

    reader = _reader(user, paper.programme)
    if reader is None:
        print("  preview page skipped: no one may see the demo programme")
        return
    _preview_page(client, user, reader, paper, args)

    from bench.paper_workers import papers_per_minute

    papers_per_minute(paper=paper, director=reader, today=today,
                      papers=max(1, int(os.environ.get("INSOURCE_BENCH_PAPERS", "6"))))


def _preview_page(client, user, reader, paper, args) -> None:
    from django.urls import reverse

    slug = paper.programme.slug
    if reader != user:
        client.force_login(reader)
    try:
        url = reverse("business_cases:paper_preview", args=[slug, paper.pk])
        times, cpu, queries = time_page(client, url, args.warmup, args.iterations)
    finally:
        if reader != user:
            client.force_login(user)  # the sections after this one measure as the bench's user
    print(f"  Preview page as {reader.username}: {args.warmup} warm-up + {args.iterations} requests")
    print(f"  {'page':<22}{'median ms':>10}{'p95 ms':>10}{'CPU median':>12}{'CPU p95':>9}{'queries':>9}")
    print(f"  {'Paper preview':<22}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
          f"{statistics.median(cpu):>12.1f}{p95(cpu):>9.1f}{queries:>9}")


RATIO_TARGET = 1.2  # a document's whole time, as a multiple of WeasyPrint's own render


def _highlight(programme, today, runs: int, paper_ratio: float) -> None:
    """The programme's latest highlight report made as its job makes a version, beside the
    paper: each one's whole time as a multiple of WeasyPrint's own render."""
    from business_cases.highlight import highlight_render
    from business_cases.models import HighlightReport

    report = HighlightReport.objects.filter(programme=programme).order_by("-period_end").first()
    print(f"\nHighlight report: 1 warm-up + {runs} runs of highlight_render, as its job makes a version")
    if report is None:
        print("  skipped: the demo programme has no highlight report")
        return
    print(f"  {report.title}")
    keys = ("data_seconds", "build_seconds", "html_seconds", "render_seconds", "docx_seconds", "files_seconds")
    rows = []
    with WeasyPrintWarnings():
        highlight_render(report=report, today=today)
        for _ in range(runs):
            t = time.perf_counter()
            _, out = highlight_render(report=report, today=today)
            rows.append({**{k: out.timings[k] for k in keys}, "total": time.perf_counter() - t,
                         "pages": out.timings["pages"]})
    med = {k: statistics.median(r[k] for r in rows) for k in (*keys, "total", "pages")}
    print(f"  {'median':<8}{'pages':>6}" + "".join(f"{h:>9}" for h in ("data s", "build s", "HTML s", "render s",
                                                                       "docx s", "files s", "total s")))
    print(f"  {'':<8}{med['pages']:>6g}" + "".join(f"{med[k]:>9.3f}" for k in (*keys, "total")))
    ratio = med["total"] / med["render_seconds"]
    for name, value in (("Cabinet paper", paper_ratio), ("Highlight report", ratio)):
        print(f"  {name:<18} whole time {value:.2f}x WeasyPrint's render: target <= {RATIO_TARGET}x, "
              f"{'met' if value <= RATIO_TARGET else 'MISSED'}")
