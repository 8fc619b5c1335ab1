"""Writes to programme records. Every write validates the whole row and records who made
it and why in the history."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from programmes.council_lists import LISTS, council_list, values_in_use
from programmes.models import CouncilListValue, DeadlineDone, Milestone, Organisation, Rag


def _save_with_history(instance: Model, *, user, reason: str) -> None:
    instance.full_clean()
    instance._history_user = user
    # The history's reason column holds 100 characters (PostgreSQL refuses more); a reason
    # naming a person by name, username and email can be longer.
    instance._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
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


# --- The council's own lists ------------------------------------------------------------


def _council_list_seed(*, council: Organisation, key: str, user) -> None:
    """Copy today's defaults into the council's list `key` if it has no rows of its own
    yet, so the first change works on the values the council has been seeing."""
    if CouncilListValue.objects.filter(organisation=council, list_key=key).exists():
        return
    for entry in council_list(council, key):
        _save_with_history(CouncilListValue(organisation=council, list_key=key, value=entry.value,
                                            label=entry.label, order=entry.order),
                           user=user, reason="Council's own copy of the default list")


def _council_list_row(*, council: Organisation, key: str, value: str) -> CouncilListValue:
    row = CouncilListValue.objects.select_for_update().filter(
        organisation=council, list_key=key, value=value).first()
    if row is None:
        raise ValidationError({"value": f"{LISTS[key].name} has no value {value}."})
    return row


@transaction.atomic
def council_list_value_add(*, council: Organisation, key: str, value: str, label: str, user) -> CouncilListValue:
    """Add a value to the end of the council's list `key`. A code the list already holds
    (even retired) is refused: records would not know which of two they meant."""
    _council_list_seed(council=council, key=key, user=user)
    rows = CouncilListValue.objects.filter(organisation=council, list_key=key)
    if rows.filter(value=value).exists():
        raise ValidationError({"value": f"{LISTS[key].name} already has the code {value}."})
    last = max((r.order for r in rows), default=0)
    row = CouncilListValue(organisation=council, list_key=key, value=value, label=label, order=last + 1)
    _save_with_history(row, user=user, reason=f"Added to {LISTS[key].name.lower()}")
    return row


@transaction.atomic
def council_list_value_change(*, council: Organisation, key: str, value: str, label: str, order: int,
                              retired: bool, user) -> CouncilListValue:
    """Rename, move or retire (or bring back) one value of the council's list. The code
    itself never changes, since records hold it."""
    _council_list_seed(council=council, key=key, user=user)
    row = _council_list_row(council=council, key=key, value=value)
    what = [w for w, changed in (("renamed", row.label != label), ("moved", row.order != order),
                                 ("retired" if retired else "brought back", row.retired != retired)) if changed]
    row.label, row.order, row.retired = label, order, retired
    _save_with_history(row, user=user, reason=(", ".join(what) or "saved unchanged").capitalize())
    return row


@transaction.atomic
def council_list_value_remove(*, council: Organisation, key: str, value: str, user) -> None:
    """Remove a value no record holds. One in use can only be retired: removing it would
    leave records with a code nobody can read."""
    _council_list_seed(council=council, key=key, user=user)
    row = _council_list_row(council=council, key=key, value=value)
    used = values_in_use(key, council, value)
    if used:
        raise ValidationError(f"{row.label} is used by {used} record{'s' * (used != 1)}, so it cannot be "
                              "removed. Retire it instead: it will not be offered for new records.")
    record_delete(instance=row, user=user, reason=f"Removed from {LISTS[key].name.lower()}")


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


@transaction.atomic
def deadline_mark_done(*, programme, key: str, title: str, done_on, note: str, user) -> DeadlineDone:
    """Record that the derived deadline `key` was met on `done_on` (or change the day), with
    the user and a reason in the history. The deadline's own date is never touched: it is
    worked out, not stored."""
    mark = DeadlineDone.objects.select_for_update().filter(programme=programme, key=key).first()
    if mark is None:
        mark = DeadlineDone(programme=programme, key=key)
    mark.done_on, mark.note, mark.recorded_by = done_on, note, user
    _save_with_history(mark, user=user, reason=f"Marked done: {title}"[:100])
    return mark


@transaction.atomic
def deadline_mark_not_done(*, programme, key: str, title: str, user) -> None:
    """Take back a done mark (recorded in error): the deadline is open again."""
    mark = DeadlineDone.objects.filter(programme=programme, key=key).first()
    if mark is not None:
        record_delete(instance=mark, user=user, reason=f"No longer marked done: {title}"[:100])
