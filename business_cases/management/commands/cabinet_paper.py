"""Generate a programme's Cabinet paper from the command line, for scripts:

    python manage.py cabinet_paper PROGRAMME --out paper.pdf [--docx paper.docx]

PROGRAMME is the programme's slug. The paper is the one with the latest meeting date
unless `--paper ID` names another. It is made in this process (no worker needed) with the
figures as they are now, written to the files given, and not kept as a version: versions
are generated from the paper's page or the API, which record who asked."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from business_cases.models import CabinetPaper
from business_cases.papers import paper_render
from programmes.models import Programme


class Command(BaseCommand):
    help = "Write a programme's Cabinet paper as a PDF (and optionally a .docx) built from its live data."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's slug, as in its address")
        parser.add_argument("--out", required=True, help="Where to write the PDF")
        parser.add_argument("--docx", help="Where to write the Word file, if wanted")
        parser.add_argument("--paper", type=int, help="The paper's id (default: the latest meeting's paper)")
        parser.add_argument("--public", action="store_true",
                            help="Write the public copy of an exempt paper, without its exempt parts")

    def handle(self, *args, programme, out, docx=None, paper=None, public=False, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"There is no programme with the slug {programme!r}.")
        papers = CabinetPaper.objects.filter(programme=found).select_related(
            "programme__lead_organisation", "business_case", "roster")
        chosen = papers.filter(pk=paper).first() if paper else papers.order_by("-meeting_date", "-pk").first()
        if chosen is None:
            raise CommandError(f"Programme {programme!r} has no Cabinet paper"
                               + (f" with id {paper}" if paper else "")
                               + ": start one on its Cabinet papers page.")
        for target in filter(None, (out, docx)):
            if not Path(target).resolve().parent.is_dir():
                raise CommandError(f"Cannot write {target}: its folder does not exist.")
        data, rendered = paper_render(paper=chosen, today=timezone.localdate())
        use_public = public and chosen.is_exempt
        Path(out).write_bytes(rendered.public_pdf if use_public else rendered.pdf)
        if docx:
            Path(docx).write_bytes(rendered.public_docx if use_public else rendered.docx)
        t = rendered.timings
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {out} ({t['pages']} pages{', public copy' if use_public else ''})"
            + (f" and {docx}" if docx else "") + f": “{chosen.title}”, figures as at "
            f"{timezone.localtime(data.snapshot_at):%-d %B %Y %H:%M}."))
        self.stdout.write(f"Time: reading {t['data_seconds']:.2f} s, assembling {t['build_seconds']:.2f} s, "
                          f"HTML {t['html_seconds']:.2f} s, WeasyPrint {t['render_seconds']:.2f} s, "
                          f"Word {t['docx_seconds']:.2f} s.")
        if public and not chosen.is_exempt:
            self.stdout.write("The paper is open, so its public copy is the whole paper.")
