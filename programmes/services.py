"""Writes to programme records. Every write validates the whole row and records who made
it and why in the history."""
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from programmes.models import Milestone, Rag


def _save_with_history(instance: Model, *, user, reason: str) -> None:
    instance.full_clean()
    instance._history_user = user
    instance._change_reason = reason
    instance.save()


@transaction.atomic
def record_save(*, instance: Model, user, reason: str, m2m: dict | None = None) -> Model:
    """Validate and save one programme record (and its many-to-many links), recording
    the user and the reason in its history."""
    _save_with_history(instance, user=user, reason=reason)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def record_delete(*, instance: Model, user, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    instance.delete()


@transaction.atomic
def milestone_set_status(*, milestone: Milestone, status: str, user, actual_date=None) -> Milestone:
    """Move a milestone to `status`. Completing it records today as the actual date
    unless one is given; reopening it clears the actual date. Reopening one that is past its
    forecast date removes a Green override, which nothing late may have."""
    milestone.status = status
    reason = f"Status set to {milestone.get_status_display()}"
    if status == Milestone.Status.COMPLETE:
        milestone.actual_date = actual_date or milestone.actual_date or timezone.localdate()
    else:
        milestone.actual_date = None
        if milestone.rag_override == Rag.GREEN and milestone.is_late(timezone.localdate()):
            _clear_override(milestone)
            reason += "; Green RAG override removed, as it is late"
    _save_with_history(milestone, user=user, reason=reason[:100])
    return milestone


def _clear_override(milestone: Milestone) -> None:
    milestone.rag_override = ""
    milestone.rag_override_reason = ""
    milestone.rag_override_by = None
    milestone.rag_override_at = None


@transaction.atomic
def milestone_save(*, instance: Milestone, user, reason: str, m2m: dict | None = None) -> Milestone:
    """Validate and save a milestone or activity as record_save does, noting who set its
    RAG override and when whenever the override or its reason changes (and forgetting
    them when the override is removed), so the tracker and the API can say so."""
    if not instance.rag_override:
        _clear_override(instance)
    else:
        stored = (Milestone.objects.filter(pk=instance.pk).values("rag_override", "rag_override_reason").first()
                  if instance.pk else None)
        if stored != {"rag_override": instance.rag_override, "rag_override_reason": instance.rag_override_reason}:
            instance.rag_override_by = user
            instance.rag_override_at = timezone.now()
    return record_save(instance=instance, user=user, reason=reason, m2m=m2m)
