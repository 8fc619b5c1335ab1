"""Writes to the finance records. Each validates the whole row and records who made the
change and why (through `programmes.services.record_save`), and the big ledger commit runs
as a Job."""
import gc
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from core.figures import figure_value, offered_figure
from core.jobs import JobError, JobOutput, job_handler, job_request
from core.models import Job, Upload
from core.uploads import UploadError, upload_commit
from finance.models import BudgetLine, BudgetVersion, LedgerStatedTotal
from programmes.models import Programme
from programmes.services import record_save

DESCRIPTION_LENGTH = BudgetLine._meta.get_field("description").max_length


@transaction.atomic
def budget_line_from_figure(*, line: BudgetLine, figure_key: str, user) -> BudgetLine:
    """Save `line` (its year, category, cost type, workstream and funding source set) with
    the amount of the figure `figure_key` that another app offers (core.figures), as it
    stands now, and say in its description and history where the amount came from.
    Refused, naming the field, where the figure is not offered here or has no amount."""
    figure = offered_figure(figure_key)
    value = figure_value(figure_key, line.programme)
    if figure is None or value is None:
        raise ValidationError({"figure": "Choose a figure this programme has"})
    if value.amount is None:
        raise ValidationError({"figure": f"{figure.label} has no amount yet: {value.basis}"})
    line.amount = value.amount
    gaps = f" Leaves out {'; '.join(value.gaps)}." if value.gaps else ""
    line.description = f"{figure.label}: {value.basis}.{gaps}"[:DESCRIPTION_LENGTH]
    return record_save(instance=line, user=user, reason=f"Budget line from the {figure.label[0].lower()}"
                                                        f"{figure.label[1:]}"[:100])


LEDGER_COMMIT_KIND = "finance.ledger_commit"
# Above this many lines a commit runs as a background job with its progress on the page:
# 20,000 lines take around half a second to load on PostgreSQL, longer on SQLite, and a
# page should not hang on a request much longer than that.
LEDGER_JOB_THRESHOLD = 20_000


@transaction.atomic
def budget_version_save(*, version: BudgetVersion, user, reason: str) -> BudgetVersion:
    """Save a budget version; making it current makes every other version of the programme
    not current (one current version, which the partial unique constraint also insists on)."""
    if version.is_current:
        for other in BudgetVersion.objects.filter(programme=version.programme, is_current=True).exclude(
                pk=version.pk):
            other.is_current = False
            record_save(instance=other, user=user, reason=f"Replaced as current by {version.name}")
    return record_save(instance=version, user=user, reason=reason)


@transaction.atomic
def stated_totals_record(*, upload: Upload, programme: Programme, totals, user) -> None:
    """Keep the total rows a loaded sheet carried, with the sums of the rows they cover."""
    for t in totals:
        record_save(instance=LedgerStatedTotal(
            programme=programme, upload=upload, row=t.row, label=t.label[:300],
            stated=Decimal(t.stated_pence).scaleb(-2), rows_sum=Decimal(t.rows_pence).scaleb(-2)),
            user=user, reason=f"Total row of {upload.original_name}"[:100])


def ledger_commit(*, upload: Upload, programme: Programme, user, progress=None, accept_warnings: str = ""):
    """Commit a previewed ledger upload through the pipeline (all lines or none); a file with
    warnings loads only with the key of the warnings the finance officer confirmed."""
    from finance.ledger import ledger_form_kwargs

    # As in core.uploads' fast path: a big load makes millions of short-lived objects and no
    # cycles, so the cyclic collector only slows it down (by half, in a long-lived process).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return upload_commit(upload=upload, user=user, form_kwargs=ledger_form_kwargs(programme),
                             write_ctx={"programme": programme, "progress": progress},
                             accept_warnings=accept_warnings)
    finally:
        if enabled:
            gc.enable()


def ledger_commit_as_job(*, upload: Upload | None = None, rows: int | None = None) -> bool:
    """Whether committing an upload runs as a job (ledger_commit_request) rather than now
    (ledger_commit): the preview's offer (which knows the `rows`) and the commit (which has
    the `upload`) both ask this. Big is more than LEDGER_JOB_THRESHOLD lines, counted once
    the mapping has been checked; before that the file's size says (a line of a ledger
    export is around 100 bytes). An upload already loaded is never a job: committing it
    again changes nothing."""
    if upload is not None and upload.status == Upload.Status.COMMITTED:
        return False
    rows = rows if rows is not None else (upload.row_count if upload is not None else 0)
    if rows or upload is None:
        return rows > LEDGER_JOB_THRESHOLD
    return upload.size > 100 * LEDGER_JOB_THRESHOLD


def ledger_commit_request(*, upload: Upload, programme: Programme, user, accept_warnings: str = "") -> Job:
    """Ask for a big ledger commit to run as a job (a second click finds the same job)."""
    job, _ = job_request(kind=LEDGER_COMMIT_KIND, created_by=user, target=programme,
                         params={"upload": upload.pk, "accept_warnings": accept_warnings},
                         # A confirmation of other warnings is another request.
                         idempotency_key=f"finance-ledger-commit-{upload.pk}"
                                         + (f"-{accept_warnings}" if accept_warnings else ""))
    return job


@job_handler(LEDGER_COMMIT_KIND)
def ledger_commit_job(job: Job, progress) -> JobOutput:
    """Load a big ledger upload. Safe to run twice: a second run finds the upload loaded
    and changes nothing."""
    programme = Programme.objects.filter(pk=job.target_id).first()
    upload = Upload.objects.filter(pk=job.params.get("upload"), target_id=job.target_id).first()
    if programme is None or upload is None:
        raise JobError("The programme or the upload has been deleted, so nothing was loaded.")
    user = get_user_model().objects.filter(pk=job.created_by_id).first()
    progress(5, "Reading and checking every line")
    try:
        outcome = ledger_commit(upload=upload, programme=programme, user=user, progress=progress,
                                accept_warnings=job.params.get("accept_warnings", ""))
    except UploadError as exc:
        raise JobError(exc.message) from None
    if outcome.needs_confirmation:
        raise JobError(f"{outcome.message} Open the upload's preview to see them.")
    if outcome.errors:
        raise JobError(f"{outcome.message} Open the upload's preview to see them.")
    message = outcome.message if outcome.already_loaded else (
        f"{outcome.written:,} transactions loaded from {upload.original_name}.")
    return JobOutput(filename=f"ledger-upload-{upload.pk}.txt", content=f"{message}\n".encode(),
                     content_type="text/plain", timings={"written": outcome.written})
