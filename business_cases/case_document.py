"""A business case stage version as a document people take to the meeting: the Five Case
Model (strategic, economic, commercial, financial, management), with the objectives and
critical success factors, the options matrix and ranking, the economic appraisal, the
financial tables and the approval record, on the same core.documents machinery as the
Cabinet paper (and with its tables, built by the paper's own builders).

The version's words are its own; its figures are the programme's, read in one snapshot
(`case_data`). A version sent to review froze its options' outcomes and appraisal results
(`BusinessCaseVersion.snapshot`): the approval record shows those beside today's, so a
reader sees what was agreed even if the figures have moved since."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from business_cases import reporting, selectors
from business_cases.models import STAGE_SHORT, BusinessCaseVersion
from business_cases.paper_templates import council_front
from business_cases.papers.appendices import _appendix_economic, _appendix_finance, _appendix_options
from business_cases.papers.data import _snapshot
from business_cases.papers.rendering import FILE_TYPES
from business_cases.papers.sections import _prose
from core.documents import Document, Para, Section, Table, document_docx, document_pdf
from core.formats import long_date, money, number
from core.jobs import JobError, JobOutput, job_handler, job_request
from core.models import Job
from finance import reporting as finance

FIVE_CASES = (
    ("strategic_case", "The strategic case"),
    ("economic_case", "The economic case"),
    ("commercial_case", "The commercial case"),
    ("financial_case", "The financial case"),
    ("management_case", "The management case"),
)


@dataclass
class CaseData:
    version: BusinessCaseVersion
    snapshot_at: datetime
    objectives: list
    csfs: list
    matrix: dict  # reporting.matrix_table_from, as the paper's options appendix reads it
    appraisal: dict  # reporting.appraisal_summary_from, as its economic appendix reads it
    budget: object  # finance.budget_against_actual, as its finance appendix reads it


def case_data(*, version: BusinessCaseVersion) -> CaseData:
    """What the document shows, read once and as at one moment."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _snapshot()
        programme = version.programme
        rank = selectors.ranking(programme=programme)
        results = selectors.appraisal(programme=programme, rank=rank)
        return CaseData(
            version=version, snapshot_at=timezone.now(),
            objectives=list(selectors.objectives(programme=programme)),
            csfs=list(selectors.csfs(programme=programme)),
            matrix=reporting.matrix_table_from(rank), appraisal=reporting.appraisal_summary_from(results),
            budget=finance.budget_against_actual(programme=programme,
                                                 facts=finance.ledger_facts(programme=programme)))


def case_title(version: BusinessCaseVersion) -> str:
    return f"{version.programme.name}: {version.business_case.get_stage_display()}"


def case_document(data: CaseData) -> Document:
    version = data.version
    programme = version.programme
    stage = STAGE_SHORT[version.business_case.stage]
    organisation, logo = council_front(programme.lead_organisation)
    doc = Document(
        title=case_title(version), organisation=organisation, logo=logo,
        printed_at=timezone.localtime(data.snapshot_at), marking=f"{stage} version {version.number}: "
                                                                  f"{version.get_status_display()}",
        front=[("Programme", programme.name), ("Stage", version.business_case.get_stage_display()),
               ("Version", str(version.number)), ("Standing", version.get_status_display()),
               ("Summary of this version", version.summary or "—"),
               ("Figures as at", f"{timezone.localtime(data.snapshot_at):%-d %B %Y %H:%M}")])
    for title, fill in _parts(data):
        fill(doc.section(title))
    return doc


def _parts(data: CaseData) -> list:
    """The document's parts in order: (title, a function that fills a section with it)."""
    version = data.version

    def case(name: str):
        def fill(section: Section) -> None:
            _prose(section, getattr(version, name))
            if name == "strategic_case":
                _objectives(section, data)
            elif name == "economic_case":
                section.add(Para("The options were appraised against the criteria below, then ranked.",
                                 numbered=False))
                _appendix_options(section, data)
                section.add(Para("The economic appraisal of the options:", numbered=False))
                _appendix_economic(section, data)
            elif name == "financial_case":
                _appendix_finance(section, data)
        return fill

    return [*((title, case(name)) for name, title in FIVE_CASES),
            ("Approval record", lambda section: _approval(section, data))]


def case_appendix(section: Section, data: CaseData) -> None:
    """The whole business case in one appendix of a Cabinet paper: each part under its own
    heading, the figures the paper's as at the same moment."""
    version = data.version
    section.add(Para(f"{version.business_case.get_stage_display()}, version {version.number} "
                     f"({version.get_status_display().lower()}).", numbered=False))
    for title, fill in _parts(data):
        section.add(Para(title, numbered=False, strong=True))
        fill(section)


def _objectives(section: Section, data: CaseData) -> None:
    if data.objectives:
        section.add(Table(caption="Spending objectives", headers=("Objective", "What it is"),
                          rows=tuple((o.code, o.text) for o in data.objectives)))
    else:
        section.add(Para("No spending objectives have been recorded."))
    if data.csfs:
        section.add(Table(caption="Critical success factors", headers=("Factor", "What it is"),
                          rows=tuple((c.code, c.text) for c in data.csfs)))
    else:
        section.add(Para("No critical success factors have been recorded."))


def _approval(section: Section, data: CaseData) -> None:
    version = data.version
    rows = [("Standing", version.get_status_display())]
    if version.decided_at:
        rows += [("Decided by", version.approving_body or "—"),
                 ("Meeting", long_date(version.meeting_date) if version.meeting_date else "—"),
                 ("Decision reference", version.decision_reference or "—"),
                 ("Recorded", f"{timezone.localtime(version.decided_at):%-d %B %Y}")]
        if version.decision_notes:
            rows.append(("Notes", version.decision_notes))
    section.add(Table(caption="Approval", headers=("Item", "Detail"), rows=tuple(rows)))
    if not version.decided_at:
        section.add(Para(f"{STAGE_SHORT[version.business_case.stage]} version {version.number} has no decision "
                         "recorded yet.", numbered=False))
    frozen = version.snapshot or {}
    if frozen.get("options"):
        section.add(Para("When the version was sent to review its options stood as follows; the tables above "
                         "are as at the date this document was printed.", numbered=False),
                    Table(caption="Options when sent to review", headers=("Option", "Outcome", "Rank", "Score"),
                          rows=tuple((code, o["outcome"], str(o["rank"] or "—"), number(o["total"]))
                                     for code, o in frozen["options"].items()),
                          numeric=frozenset({2, 3})))
    if frozen.get("appraisal"):
        section.add(Table(
            caption="Economic appraisal when sent to review", headers=("Option", "PV of costs", "PV of benefits",
                                                                       "NPSV", "BCR"),
            rows=tuple((code, money(a["pv_costs"], pence=False), money(a["pv_benefits"], pence=False),
                        money(a["npsv"], pence=False), "—" if a["bcr"] is None else number(a["bcr"]))
                       for code, a in frozen["appraisal"].items()),
            numeric=frozenset({1, 2, 3, 4})))


# --- Made by a job, as a PDF or a Word file -----------------------------------------------------

KIND = "business_cases.case_document"
FORMATS = FILE_TYPES


def case_files_name(version: BusinessCaseVersion, fmt: str) -> str:
    stage = STAGE_SHORT[version.business_case.stage].lower()
    return f"{version.programme.slug}-{stage}-v{version.number}.{fmt}"


def case_request(*, version: BusinessCaseVersion, fmt: str, user, request_id: str = "") -> tuple[Job, bool]:
    """Ask for the version as a PDF or a Word file; the same request id gives the same job."""
    try:
        key = f"{KIND}:{version.pk}:{fmt}:{user.pk}:{uuid.UUID(request_id).hex}"
    except ValueError:
        key = None  # no usable key: each submission is its own request
    return job_request(kind=KIND, created_by=user, target=version, idempotency_key=key, params={"format": fmt})


@job_handler(KIND)
def case_job(job: Job, progress) -> JobOutput:
    version = (BusinessCaseVersion.objects.select_related("programme__lead_organisation", "business_case")
               .filter(pk=job.target_id).first())
    if version is None:
        raise JobError("The business case version was deleted before its document could be made.")
    fmt = job.params.get("format", "pdf")
    if fmt not in FORMATS:
        raise JobError(f"There is no {fmt!r} format: ask for a PDF or a Word file.")
    progress(10, "Reading the figures")
    started = time.perf_counter()
    doc = case_document(case_data(version=version))
    built = time.perf_counter()
    progress(30, "Laying out the pages" if fmt == "pdf" else "Writing the Word file")
    if fmt == "pdf":
        pdf = document_pdf(doc)
        content, timings = pdf.content, {"html_seconds": round(pdf.html_seconds, 4),
                                         "render_seconds": round(pdf.render_seconds, 4), "pages": pdf.pages}
    else:
        content, timings = document_docx(doc), {}
    return JobOutput(filename=case_files_name(version, fmt), content=content, content_type=FORMATS[fmt],
                     timings={"build_seconds": round(built - started, 4), **timings,
                              "files_seconds": round(time.perf_counter() - built, 4)})
