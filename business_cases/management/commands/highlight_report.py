"""Write a programme's highlight report from the command line, for scripts:

    python manage.py highlight_report PROGRAMME --out report.pdf [--docx report.docx]

PROGRAMME is the programme's slug. The report is the one with the latest period unless
`--report ID` names another; a programme with no report gets one for the last whole month,
without commentary (it is not kept). It is made in this process (no worker needed) with the
figures as they are now, written to the files given, and not kept as a version."""
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from business_cases.highlight import highlight_render
from business_cases.models import HighlightReport
from programmes.models import Programme


class Command(BaseCommand):
    help = "Write a programme's highlight report as a PDF (and optionally a .docx) built from its live data."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's slug, as in its address")
        parser.add_argument("--out", required=True, help="Where to write the PDF")
        parser.add_argument("--docx", help="Where to write the Word file, if wanted")
        parser.add_argument("--report", type=int, help="The report's id (default: the latest period's)")

    def handle(self, *args, programme, out, docx=None, report=None, **options):
        found = Programme.objects.select_related("lead_organisation").filter(slug=programme).first()
        if found is None:
            raise CommandError(f"There is no programme with the slug {programme!r}.")
        reports = HighlightReport.objects.filter(programme=found).select_related("programme__lead_organisation")
        chosen = reports.filter(pk=report).first() if report else reports.order_by("-period_end", "-pk").first()
        if chosen is None and report:
            raise CommandError(f"Programme {programme!r} has no highlight report with id {report}.")
        if chosen is None:
            end = timezone.localdate().replace(day=1) - timedelta(days=1)
            chosen = HighlightReport(programme=found, period_start=end.replace(day=1), period_end=end)
        for target in filter(None, (out, docx)):
            if not Path(target).resolve().parent.is_dir():
                raise CommandError(f"Cannot write {target}: its folder does not exist.")
        data, rendered = highlight_render(report=chosen, today=timezone.localdate())
        Path(out).write_bytes(rendered.pdf)
        if docx:
            Path(docx).write_bytes(rendered.docx)
        t = rendered.timings
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {out} ({t['pages']} pages)" + (f" and {docx}" if docx else "") + f": “{chosen.title}”, "
            f"figures as at {timezone.localtime(data.snapshot_at):%-d %B %Y %H:%M}."))
        self.stdout.write(f"Time: reading {t['data_seconds']:.2f} s, HTML {t['html_seconds']:.2f} s, "
                          f"WeasyPrint {t['render_seconds']:.2f} s, Word {t['docx_seconds']:.2f} s.")
