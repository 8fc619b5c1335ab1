"""Say why a delete or a rollback was refused because other records still point at the
one being removed (a PROTECT or RESTRICT foreign key), and what to do first — in words
a person can act on, on the page and in the API alike."""
from collections import defaultdict

from django.db import models
from django.db.models import ProtectedError, RestrictedError

from core.formats import first_upper

Labels = dict[type[models.Model], tuple[str, str]]


class DeleteRefused(Exception):
    """A service's rule says this record may not be deleted; the message says why, in words
    for the person who asked (the page, the API's 409 and the admin show it as it is)."""


def _quoted(objs: list) -> str:
    names = [f"‘{o}’" for o in objs[:3]]
    if len(objs) > 3:
        names.append(f"{len(objs) - 3} more")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pointing_field(blocker: type[models.Model], target: type[models.Model] | None) -> models.Field | None:
    """The foreign key through which `blocker` holds on to `target` (any protecting one
    when the target is not known)."""
    return next((f for f in blocker._meta.concrete_fields
                 if f.is_relation and f.many_to_one
                 and (issubclass(target, f.related_model) if target is not None
                      else f.remote_field.on_delete in (models.PROTECT, models.RESTRICT))), None)


def refusal_message(error: ProtectedError | RestrictedError, *, instance: models.Model | None = None,
                    what: str = "",
                    action: str = "delete", labels: Labels | None = None) -> str:
    """Why `instance` cannot be removed: which records point at it and through what, and
    what to change first. `labels` gives a record kind and its field the names people
    use for them (an establishment is a "restructure" on the pages), where the model's
    own verbose names would not do."""
    what = what or (str(instance._meta.verbose_name) if instance is not None else "record")
    blockers = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or []
    by_model: dict[type, list] = defaultdict(list)
    for obj in blockers:
        by_model[type(obj)].append(obj)
    if not by_model:
        return f"Other records still use this {what}: change them first, then {action} it."
    sentences, fixes = [], []
    for model, objs in by_model.items():
        singular, field_label = (labels or {}).get(model, (None, None))
        singular = singular or str(model._meta.verbose_name)
        plural = f"{singular}s" if labels and model in labels else str(model._meta.verbose_name_plural)
        f = _pointing_field(model, type(instance) if instance is not None else None)
        field_label = field_label or (str(f.verbose_name) if f is not None else what)
        objs = sorted(objs, key=str)
        if len(objs) == 1:
            sentences.append(f"the {field_label} of the {singular} {_quoted(objs)}")
            fixes.append(f"change that {singular}’s {field_label} or delete it")
        else:
            sentences.append(f"the {field_label} of the {plural} {_quoted(objs)}")
            fixes.append(f"change their {field_label} or delete them")
    return (f"This {what} is {' and '.join(sentences)}. "
            f"{first_upper('; '.join(fixes))} first, then {action} this {what}.")
