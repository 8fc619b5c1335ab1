"""Numbers that count up within a parent: a programme's objectives (SO1, SO2…) and critical
success factors, its risks (R-001…).

The next number is the one after the highest, never count() + 1, which hands out a number
again once an earlier row has been deleted. What guarantees that no two rows share a number
is the model's unique constraint on (parent, number); two saves that chose the same number
at once meet it, and `save_numbered` gives the loser the next free number and saves again.
"""
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, QuerySet

ATTEMPTS = 5


def next_number(siblings: QuerySet, field: str = "number") -> int:
    """The number after the highest one among `siblings` (1 for the first)."""
    return (siblings.aggregate(n=Max(field))["n"] or 0) + 1


def save_numbered(instance: Model, *, siblings: QuerySet, save: Callable[[], Model], field: str = "number",
                  renumber: bool = True, assigned: bool = False) -> Model:
    """Save `instance` with `save()`, numbering it first if it has no number yet.

    If the unique constraint refuses its number (another save took it after this one's
    validation had found it free: a race) and `renumber` is true, it takes the next free
    number and is saved again, each attempt in a savepoint of its own. A number the app
    chose itself (`assigned`, or given here) is renumbered also when the model's validation
    finds it taken; a number a person chose and that was taken before it was checked is
    theirs to change, so that refusal is raised as it is. So is a refusal while the number
    is free (it is about something else), and any with `renumber` false (an edit keeps its
    number)."""
    if getattr(instance, field) in (None, 0):
        setattr(instance, field, next_number(siblings, field))
        assigned = True
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return save()
        except (IntegrityError, ValidationError) as refusal:
            raced = isinstance(refusal, IntegrityError) or assigned
            taken = siblings.filter(**{field: getattr(instance, field)}).exclude(pk=instance.pk).exists()
            if not (renumber and raced and taken) or attempt == ATTEMPTS:
                raise
            setattr(instance, field, next_number(siblings, field))
    raise AssertionError("unreachable")
