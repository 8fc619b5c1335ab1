"""Writes to programme records. Every write validates the whole row and records who made
it and why in the history."""
from django.db import transaction
from django.db.models import Model

from programmes.models import Milestone


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
    unless one is given; reopening it clears the actual date."""
    from django.utils import timezone

    milestone.status = status
    if status == Milestone.Status.COMPLETE:
        milestone.actual_date = actual_date or milestone.actual_date or timezone.localdate()
    else:
        milestone.actual_date = None
    _save_with_history(milestone, user=user, reason=f"Status set to {milestone.get_status_display()}")
    return milestone
