"""Read an object's django-simple-history records as a list of readable changes."""
from dataclasses import dataclass

from django.db import models


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    reason: str
    changes: list[Change]


_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


HIDDEN = "Hidden (personal data)"


def history_entries(instance: models.Model, *, limit: int = 100,
                    hidden: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """Newest first: who changed what, when and why. Runs one query for the records and
    one per foreign key and one per council list (programmes.council_lists) whose field
    changed, however long the history. A change of a field in `hidden` (personal data the
    reader may not see) says that it changed, never what it was or became."""
    from programmes.council_lists import labels, list_of

    records = list(instance.history.select_related("history_user").order_by("-history_date",
                                                                            "-history_id")[:limit])
    model = type(instance)
    raw: list[tuple] = []
    fk_ids: dict[str, set] = {}
    list_fields: dict[str, str] = {}  # field -> the council list its codes come from
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None and rec.history_type == "~":
            delta = rec.diff_against(prev)
            for c in delta.changes:
                changes.append(c)
                f = model._meta.get_field(c.field)
                if f.is_relation and f.many_to_one:
                    fk_ids.setdefault(c.field, set()).update(v for v in (c.old, c.new) if v)
                elif (key := list_of(model, c.field)) is not None:
                    list_fields[c.field] = key
        raw.append((rec, changes))
    names = {
        name: {pk: str(obj) for pk, obj in
               model._meta.get_field(name).related_model.objects.in_bulk(ids).items()}
        for name, ids in fk_ids.items()
    }
    # A code of the council's own list reads as the council's label for it.
    if list_fields:  # read only when a history shows a change of one
        council = getattr(getattr(instance, "programme", None), "lead_organisation_id", None)
        by_key = {key: labels(council, key) for key in set(list_fields.values())}
        names.update({name: by_key[key] for name, key in list_fields.items()})
    entries = []
    for rec, changes in raw:
        out = []
        for c in changes:
            f = model._meta.get_field(c.field)
            if c.field in hidden:
                out.append(Change(str(f.verbose_name).capitalize(), HIDDEN, HIDDEN))
                continue
            out.append(Change(str(f.verbose_name).capitalize(),
                              _show(f, c.old, names.get(c.field)),
                              _show(f, c.new, names.get(c.field))))
        entries.append(HistoryEntry(rec.history_date, rec.history_user,
                                    _KINDS.get(rec.history_type, rec.history_type),
                                    rec.history_change_reason or "", out))
    return entries


def _show(f, value, names) -> str:
    if value in (None, ""):
        return "—"
    if names is not None:
        return names.get(value, f"#{value}" if f.is_relation else value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %b %Y")
    return str(value)
