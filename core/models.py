"""Core models: the user, the Job record every long piece of work runs through, uploads, and
what search finds."""
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. What they may do is decided per programme by their role."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MoneyField(models.DecimalField):
    """An amount of money in pounds, to the penny (a Decimal, never a float).

    Every model's money is one of these, so every form built from it gets the one money
    form field (core.forms.MoneyFormField: what officers paste, a message naming the field)
    and every serializer the API's money field (core.api.PlainMoneyField). `sign` says in
    words which sign the amount takes ("A saving is a positive amount"); pages show it
    beside the field. It is not part of the column, so it stays out of migrations."""

    def __init__(self, *args, sign: str = "", **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        self.sign = sign
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from core.forms import MoneyFormField

        floor = next((v.limit_value for v in self.validators if isinstance(v, MinValueValidator)), None)
        defaults = {"form_class": MoneyFormField, "sign": self.sign}
        if floor is not None:
            defaults["min_value"] = floor
        return super().formfield(**{**defaults, **kwargs})


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def job_result_path(job: "Job", filename: str) -> str:
    # One fixed name per job: a second run of the same job overwrites, never adds.
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    """A long piece of work (a PDF, an import, an export) run by a Celery task.

    The row is the single source of truth for the work's state: who asked, its progress,
    the file it made and, when it fails, a message a person can act on. The task takes
    only the job's id and is safe to run twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What the job is about (a programme, a paper): a generic link so that core needs no
    # knowledge of the domain apps.
    target_type = models.ForeignKey(ContentType, null=True, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(null=True)
    params = models.JSONField(default=dict, blank=True)
    # Two submissions of one request carry the same key and so find the same job.
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A job that failed is never run again in place: "Try again" makes a new job pointing
    # at it, so the failed attempt and its error stay to be seen. One retry per attempt,
    # which also makes a double click on the button give one new job.
    retry_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="retry")
    # How many times the reaper sent a job again that no worker had taken (the broker lost it).
    requeues = models.PositiveSmallIntegerField(default=0)
    # Of those, the ones sent while no worker was busy with a job, when a wait can only
    # mean a lost message; only these count towards JOB_MAX_REQUEUES. A job waiting behind
    # long jobs is sent again too, but may wait as long as they take.
    idle_requeues = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result_file = models.FileField(upload_to=job_result_path, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The job list of one programme (or paper), newest first.
            models.Index(fields=["target_type", "target_id", "kind", "-created_at"],
                         name="job_target_kind_idx"),
            # The reaper looks only at unfinished jobs, a handful among thousands of old ones.
            models.Index(fields=["status", "heartbeat_at"], name="job_unfinished_idx",
                         condition=models.Q(status__in=["queued", "running"])),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


def upload_file_path(upload: "Upload", filename: str) -> str:
    # A fresh folder per upload, so two files of the same name never collide or overwrite.
    return f"uploads/{uuid.uuid4().hex}/{filename}"


class Upload(models.Model):
    """One spreadsheet a person gave us, from its first preview to its commit (or roll back).

    The stored file and its hash are kept, so the commit re-reads exactly what was
    previewed, an identical re-upload is recognised, and a whole upload can be undone.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Loaded"
        ROLLED_BACK = "rolled_back", "Rolled back"
        FAILED = "failed", "Failed"

    # What the upload loads into (usually a programme): generic, so core knows no domain app.
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=80)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=upload_file_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    # The workbook sheet the person chose; blank means the first visible one. A hidden
    # sheet is only ever read when it is named here.
    sheet = models.CharField(max_length=100, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    errors = models.JSONField(default=list, blank=True)
    # What the file may be loaded with but a person should know (a sheet total that is a
    # rounding-sized amount off its rows, say), kept after the commit as well.
    warnings = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "kind", "-uploaded_at"],
                         name="upload_target_kind_idx"),
        ]
        constraints = [
            # The same bytes may be loaded into the same place only once at a time: a second,
            # identical upload is recognised ("already loaded") instead of doubling every row,
            # even when two commits race. A rolled back upload no longer counts, so the file
            # can be loaded again after an undo.
            models.UniqueConstraint(
                fields=["target_type", "target_id", "kind", "sha256"],
                condition=models.Q(status="committed"),
                name="upload_one_committed_per_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class CheckedRows(models.Model):
    """The rows a preview of an upload validated, kept so that its commit need not run
    every row through the form again (for a 5,000-person roster that was most of the
    load). The commit reuses them only when `key` is its own: the same file (its hash),
    sheet and mapping, and the same lookups the rows were checked against (a kind's
    fingerprint of them, `RowReuse.lookups`); anything else and it validates afresh. In
    the database, not a process's memory, because the preview and the commit may be
    served by different processes. Replaced by each new preview, deleted once the
    upload is loaded (and with the upload), as the rows may hold personal data; a copy
    no one edits, so it keeps no history."""

    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="checked_rows")
    key = models.CharField(max_length=64)
    # What the kind's RowReuse.dump made of the validated rows, with the warnings shown
    # and the row count: {"rows": ..., "row_count": n, "warnings": [RowError.as_dict()]}.
    rows = models.JSONField()
    checked_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Checked rows of upload {self.upload_id}"


class ColumnMapping(models.Model):
    """Which spreadsheet header holds which field, remembered per target and upload kind so
    next month's file of the same shape needs no mapping by hand."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=80)
    # {field name: header as written in the file}
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id", "kind"],
                                    name="column_mapping_one_per_target_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping"


class ApiToken(models.Model):
    """A person's key to the API. Only the SHA-256 of the secret is kept: the secret is
    shown once, when made, so a copy of the database opens nothing. It stops working on
    `expires_at` and is renewed from the API token page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Written at most once a minute (see core.tokens.record_use), outside the history.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token of {self.user}"


class SearchDocument(models.Model):
    """What the search box finds of one record (a milestone, a risk, a paper): its title,
    its words and the page that shows it, kept beside the record by core.search whenever
    the record is saved or deleted. A copy made from other records, so it keeps no history.

    Generic, as an upload's target is, so that core knows no domain app: `tenant` is the
    record's programme and `source` the record itself. `capability`, when not blank, is the
    one a member's role needs to be shown it (an exempt Cabinet paper's prose).

    On PostgreSQL `vector` holds the title (weight A) and the words (weight B) as a
    tsvector, under a GIN index that the migration makes there only (SQLite has neither;
    its search reads title and body with icontains).
    """

    tenant_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    tenant_id = models.PositiveBigIntegerField()
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)  # a kind registered with core.search: "milestone", "risk"
    capability = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "kind", "capability"],
                                    name="search_document_once"),
        ]
        indexes = [
            # Every search is of some programmes; every write replaces one record's documents.
            models.Index(fields=["tenant_type", "tenant_id"], name="search_document_tenant_idx"),
            models.Index(fields=["source_type", "source_id"], name="search_document_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
