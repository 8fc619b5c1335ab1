"""Write a business case stage version as a document, for scripts:

    python manage.py business_case_document PROGRAMME --stage OBC --out case.pdf [--docx case.docx]

PROGRAMME is the programme's slug. The version is the stage's latest unless `--number N`
names another. The document is made in this process (no worker needed), in the Five Case
Model, with the programme's figures as they are now."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from business_cases.case_document import case_data, case_document
from business_cases.models import STAGE_SHORT, BusinessCaseVersion
from core.documents import document_docx, document_pdf
from programmes.models import Programme


class Command(BaseCommand):
    help = "Write a business case stage version (SOC, OBC or FBC) as a PDF, and optionally a .docx."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's slug, as in its address")
        parser.add_argument("--stage", required=True, type=str.upper, choices=sorted(STAGE_SHORT.values()),
                            help="SOC, OBC or FBC")
        parser.add_argument("--number", type=int, help="The version's number (default: the latest)")
        parser.add_argument("--out", required=True, help="Where to write the PDF")
        parser.add_argument("--docx", help="Where to write the Word file, if wanted")

    def handle(self, *args, programme, stage, out, number=None, docx=None, **options):
        version = number
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"There is no programme with the slug {programme!r}.")
        key = next(k for k, short in STAGE_SHORT.items() if short == stage)
        versions = (BusinessCaseVersion.objects.filter(programme=found, business_case__stage=key)
                    .select_related("programme__lead_organisation", "business_case", "decided_by"))
        chosen = versions.filter(number=version).first() if version else versions.order_by("-number").first()
        if chosen is None:
            raise CommandError(f"Programme {programme!r} has no {stage}"
                               + (f" version {version}" if version else "")
                               + ": start it on the programme's business case page.")
        for target in filter(None, (out, docx)):
            if not Path(target).resolve().parent.is_dir():
                raise CommandError(f"Cannot write {target}: its folder does not exist.")
        data = case_data(version=chosen)
        pdf = document_pdf(case_document(data))
        Path(out).write_bytes(pdf.content)
        if docx:
            Path(docx).write_bytes(document_docx(case_document(data)))
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {out} ({pdf.pages} pages)" + (f" and {docx}" if docx else "")
            + f": {stage} version {chosen.number} ({chosen.get_status_display().lower()}), figures as at "
            f"{timezone.localtime(data.snapshot_at):%-d %B %Y %H:%M}."))
