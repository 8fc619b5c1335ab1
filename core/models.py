"""Core models: the user, and the Job record every long piece of work runs through."""
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may do is decided per programme by their role."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


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
