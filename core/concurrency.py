"""Optimistic concurrency: an edit is saved only over the version of the record it was
read from, so the second of two people editing the same record cannot silently undo the
first one's changes.

A record's version is a hash of its stored field values (and of its many-to-many links),
so it needs no column of its own and changes whatever way the row is written: a page, the
API, an upload or the admin. Pages carry the version in a hidden field; the API gives it
as an ETag and takes it back in If-Match.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone

from core.formats import first_upper

VERSION_FIELD = "record_version"
# How far back in a record's history to look for the version someone read; an edit page
# left open across more saves than this still gets refused, only without the list of
# what changed since.
HISTORY_DEPTH = 200


def _concrete(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _tracked(model: type[models.Model]) -> tuple[list[models.Field], list[models.Field]]:
    """The concrete fields the record's history keeps, and the rest. The version hashes
    them apart, so the version someone read can be found again in the history."""
    history = getattr(model, "history", None)
    if history is None:
        return _concrete(model), []
    kept = {f.attname for f in history.model._meta.concrete_fields}
    fields = _concrete(model)
    return [f for f in fields if f.attname in kept], [f for f in fields if f.attname not in kept]


def _digest(values) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _values(fields: list[models.Field], obj) -> list:
    # Works on a model instance and on one of its simple-history records alike, since both
    # keep each field under the same attribute name.
    return [[f.attname, getattr(obj, f.attname)] for f in fields]


def _m2m_values(instance: models.Model, links: dict | None) -> list:
    links = links or {}
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    return [[f.name, sorted(links[f.name] if f.name in links
                            # Links prefetched with the record are the ones it was read
                            # (and shown) with; a query now could find newer ones.
                            else [o.pk for o in prefetched[f.name]] if f.name in prefetched
                            else getattr(instance, f.name).values_list("pk", flat=True))]
            for f in instance._meta.many_to_many]


def record_version(instance: models.Model, *, links: dict[str, list] | None = None) -> str:
    """The version token of a record as it was loaded from the database: a hash of the
    fields its history keeps, then (if it has any) a hash of the others and its links.
    `links` gives the primary keys of many-to-many fields a page has already read."""
    tracked, untracked = _tracked(type(instance))
    token = _digest(_values(tracked, instance))
    if untracked or instance._meta.many_to_many:
        token += "-" + _digest([_values(untracked, instance), _m2m_values(instance, links)])[:12]
    return token


def atomic_post(view):
    """Run a page's POST in one transaction, so the lock the version check takes lasts
    until the save commits; a GET reads as before, without a transaction of its own."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return wrapped


def locked_copy(model: type[models.Model], pk) -> models.Model | None:
    """A fresh copy of the row, locked until the surrounding transaction ends (no lock
    outside one, nor on SQLite, which serialises writers anyway)."""
    # By the key alone: a model ordered by a related field would join it, and PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join.
    qs = model._base_manager.filter(pk=pk).order_by("pk")
    if transaction.get_connection().in_atomic_block:
        qs = qs.select_for_update()
    return qs.first()


def show_value(f: models.Field | None, value) -> str:
    """A stored or submitted value as a person reads it."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        items = [show_value(None, v) for v in value]
        return ", ".join(items) if items else "none"
    if value is None or value == "":
        return "blank"
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f is not None and f.is_relation and f.many_to_one:
        try:
            related = f.related_model._base_manager.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            related = None  # what was sent is no key at all: it is shown as sent
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)


@dataclass
class FieldChange:
    name: str
    label: str
    theirs: str
    yours: str | None = None
    note: str | None = None  # said instead, for a row that came or went


@dataclass
class Conflict:
    """Why an edit was refused: who changed the record since it was read, when, and how."""

    what: str
    current_version: str
    who: str | None = None
    when: datetime | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        by = self.who or "Someone else"
        at = f" on {show_value(None, self.when)}" if self.when else ""
        target = self.what if self.what.startswith(("this ", "these ")) else f"this {self.what}"
        return f"{by} changed {target}{at}, after you opened it."

    def messages(self) -> list[str]:
        out = [self.summary]
        for c in self.changes:
            if c.note:
                out.append(c.note)
                continue
            line = f"{c.label} is now “{c.theirs}”"
            if c.yours is not None:
                line += f"; yours was “{c.yours}”"
            out.append(line + ".")
        out.append("Check the form: it shows your changes. Save again to keep them over theirs.")
        return out

    def as_data(self) -> dict:
        return {
            "detail": self.summary + " Fetch it again and reapply your change.",
            "current_version": self.current_version,
            "changed_by": self.who, "changed_at": self.when,
            "changed_fields": [{"field": c.name, "label": c.label, "theirs": c.theirs, "yours": c.yours}
                               for c in self.changes],
        }


def _editable(model, name: str) -> models.Field | None:
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return f if getattr(f, "editable", False) and not f.auto_created else None


def find_conflict(*, current: models.Model, read_version: str, yours: dict | None = None,
                  labels: dict[str, str] | None = None) -> Conflict | None:
    """None if `current` (a fresh, ideally locked, copy) is still at `read_version`; else
    what changed since. `yours` maps field names to what the editor submitted; `labels`
    to what the form calls them, where that is not the model's verbose name."""
    now = record_version(current)
    if now == read_version:
        return None
    model = type(current)
    yours = yours or {}
    conflict = Conflict(what=str(model._meta.verbose_name), current_version=now)
    history = getattr(current, "history", None)
    read_record = None
    if history is not None:
        records = list(history.select_related("history_user")
                       .order_by("-history_date", "-history_id")[:HISTORY_DEPTH])
        if records:
            latest = records[0]
            conflict.who = (latest.history_user.get_full_name() or latest.history_user.username
                            if latest.history_user else None)
            conflict.when = latest.history_date
        wanted = read_version.split("-")[0]
        tracked, untracked = _tracked(model)
        read_record = next((r for r in records if _digest(_values(tracked, r)) == wanted), None)

    names: list[str] = []
    if read_record is not None:
        # The fields the other person changed: those that differ from the version read.
        names = [f.name for f in tracked
                 if getattr(read_record, f.attname) != getattr(current, f.attname)]
        if "-" in read_version and read_version.split("-")[1] != now.split("-")[-1]:
            # Something the history does not keep changed too; name what differs from yours.
            names += [f.name for f in [*untracked, *model._meta.many_to_many]
                      if f.name in yours and show_value(f, _stored(current, f)) != show_value(f, yours[f.name])]
    else:
        # Without the version read, show where the record now differs from the edit.
        for name, value in yours.items():
            f = _editable(model, name)
            if f is not None and show_value(f, _stored(current, f)) != show_value(f, value):
                names.append(name)
    for name in names:
        f = _editable(model, name)
        if f is None:
            continue
        label = (labels or {}).get(name) or first_upper(str(f.verbose_name))
        conflict.changes.append(FieldChange(
            name=name, label=label, theirs=show_value(f, _stored(current, f)),
            yours=show_value(f, yours[name]) if name in yours else None))
    return conflict


def _stored(instance: models.Model, f: models.Field):
    if f.many_to_many:
        return list(getattr(instance, f.name).all())
    return getattr(instance, f.attname)


def parse_if_match(header: str | None) -> list[str] | None:
    """The versions an If-Match header names: None without the header, ["*"] for any."""
    if not header:
        return None
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.append(part.strip('"'))
    return tags


def etag(version: str) -> str:
    return f'"{version}"'


class VersionedForm(forms.ModelForm):
    """A ModelForm that refuses to save over a version of the record other than the one
    it was shown with.

    The view must run `is_valid()` and the save in one transaction (decorate it with
    `atomic_post`): the check locks the row, so nobody can slip a change in
    between the check and the save. A post without the hidden version (a script written
    before it existed) is not checked.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial.setdefault(VERSION_FIELD, record_version(self.instance))

    def _post_clean(self):
        super()._post_clean()
        read = (self.cleaned_data or {}).get(VERSION_FIELD) if VERSION_FIELD in self.fields else None
        if not read:
            return
        current = locked_copy(type(self.instance), self.instance.pk)
        if current is None:
            self.add_error(None, f"This {self.instance._meta.verbose_name} has been deleted since you "
                                 "opened it.")
            return
        yours = {name: value for name, value in self.cleaned_data.items()
                 if name != VERSION_FIELD and name in self.changed_data}
        labels = {name: str(f.label) for name, f in self.fields.items() if f.label}
        self.conflict = find_conflict(current=current, read_version=read, yours=yours, labels=labels)
        if self.conflict is None:
            return
        for message in self.conflict.messages():
            self.add_error(None, message)
        # Shown again with the version now stored, so a second save on purpose goes through.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = self.conflict.current_version


# The API: ETag on reading one record, If-Match on changing it ------------------------------

def if_match_conflict(request, instance: models.Model) -> Conflict | None:
    """The conflict, if the request's If-Match names a version of `instance` other than
    the stored one (call it with the row locked, see `locked_copy`). No If-Match, or
    If-Match: *, is not checked: clients written before versions existed keep working."""
    tags = parse_if_match(request.headers.get("If-Match"))
    if tags is None or "*" in tags:
        return None
    data = request.data if hasattr(request.data, "keys") else {}
    yours = {name: data[name] for name in data.keys()}
    conflicts = [find_conflict(current=instance, read_version=tag, yours=yours) for tag in tags]
    return None if any(c is None for c in conflicts) else conflicts[0]


def with_etag(response, instance: models.Model):
    """`response` carrying the version of `instance`, the very copy its body was made
    from. Reading the row again here would pair the body with a change saved since, and
    an If-Match of that version would then undo the change it never showed."""
    response["ETag"] = etag(record_version(instance))
    return response


def as_stored(instance: models.Model) -> models.Model:
    """`instance` read again after a write, so the body and ETag answered show the values
    as the database keeps them (a decimal to its places, links as set). Call it inside
    the write's transaction, with the row still locked, so nothing can come between."""
    instance.refresh_from_db()
    return instance


CONFLICT_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "current_version": {"type": "string", "description": "The ETag the record has now, unquoted"},
        "changed_by": {"type": "string", "nullable": True},
        "changed_at": {"type": "string", "format": "date-time", "nullable": True},
        "changed_fields": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "label": {"type": "string"},
            "theirs": {"type": "string", "description": "The value stored now"},
            "yours": {"type": "string", "nullable": True, "description": "The value this request sent"},
        }}},
    },
}
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the record as you read it. If the record has changed since, "
                   "nothing is written and the answer is 412. Without it the write is not checked.",
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"},
                        "description": "The record's version: send it back in If-Match to change it."}}


def document_versions(operation: dict, *, method: str, detail: bool) -> dict:
    """Add the ETag, If-Match and 412 to one OpenAPI operation of a single record."""
    if not detail:
        return operation
    if method in ("PUT", "PATCH", "DELETE"):
        operation.setdefault("parameters", []).append(dict(IF_MATCH))
        operation["responses"]["412"] = {
            "description": "The record has changed since the version named in If-Match",
            "content": {"application/json": {"schema": CONFLICT_SCHEMA}}}
    if method in ("GET", "PUT", "PATCH"):
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(ETAG_HEADER)
    return operation


def _versioned_schema_class():
    from core.schema import AutoSchema

    class VersionedSchema(AutoSchema):
        """The OpenAPI of a viewset whose single records carry versions."""

        def get_operation(self, path, path_regex, path_prefix, method, registry):
            operation = super().get_operation(path, path_regex, path_prefix, method, registry)
            if operation is None:
                return operation
            # A view may say it serves one record (`single_record`) where its path does not.
            detail = getattr(self.view, "single_record", None)
            if detail is None:
                detail = path.rstrip("/").endswith("}") and not (method == "GET" and self._is_list_view())
            return document_versions(operation, method=method.upper(), detail=detail)

    return VersionedSchema


VersionedSchema = _versioned_schema_class()


# Forms over several records (a grid of lines, settings with their rows) -----------------

def _key(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}.{instance.pk}"


def records_version(records) -> str:
    """One token for a set of saved records: each record's key and version."""
    return "|".join(f"{_key(r)}={record_version(r)}" for r in records if r.pk is not None)


def _read_records_version(token: str, models_by_label: dict) -> tuple[dict[str, str], bool]:
    """The record keys and versions a `records_version` token names, and whether any of
    it could not be read (a part without "=", a key whose primary key is not one)."""
    read, unreadable = {}, False
    for part in token.split("|"):
        if not part:
            continue
        key, sep, version = part.partition("=")
        label, _, pk = key.rpartition(".")
        model = models_by_label.get(label)
        if not sep:
            unreadable = True
            continue
        if model is not None:
            try:
                model._meta.pk.to_python(pk)
            except ValidationError:
                unreadable = True
                continue
        read[key] = version
    return read, unreadable


class VersionedRecordsForm(forms.Form):
    """A plain form that saves several records at once (an establishment's lines, a
    programme's thresholds and appetites). Set `versioned_records` (and `versioned_what`)
    in `__init__`; the save is refused if any of them changed, or rows came or went, since
    the form was shown. As with `VersionedForm`, the view runs in one transaction."""

    versioned_what = "this page"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned_records: list[models.Model] = []
        self.conflict: Conflict | None = None
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)

    def get_initial_for_field(self, field, field_name):
        if field_name == VERSION_FIELD:
            return records_version(self.versioned_records)
        return super().get_initial_for_field(field, field_name)

    def _post_clean(self):
        super()._post_clean()
        if VERSION_FIELD not in self.data and self.add_prefix(VERSION_FIELD) not in self.data:
            return  # a post from before versions existed is not checked
        models_by_label = {r._meta.label_lower: type(r) for r in self.versioned_records}
        read, unreadable = _read_records_version(self.cleaned_data.get(VERSION_FIELD) or "", models_by_label)
        conflict = Conflict(what=self.versioned_what, current_version="")
        changed = False
        if unreadable:
            # A version the page never gave (cut short, or typed in): nothing to compare
            # it with, so the person checks the page as it is now before saving.
            changed = True
            conflict.changes.append(FieldChange(name=VERSION_FIELD, label="", theirs="",
                                                note="The version of the page you sent was not recognised."))
        for key, version in read.items():
            label, _, pk = key.rpartition(".")
            model = models_by_label.get(label)
            current = locked_copy(model, pk) if model is not None else None
            if current is None:
                changed = True
                conflict.changes.append(FieldChange(name=key, label="", theirs="",
                                                    note="A row you saw has been removed."))
                continue
            found = find_conflict(current=current, read_version=version)
            if found is not None:
                changed = True
                if found.when and (conflict.when is None or found.when > conflict.when):
                    conflict.who, conflict.when = found.who, found.when
                conflict.changes += [FieldChange(name=c.name, label=f"{current} – {c.label}", theirs=c.theirs)
                                     for c in found.changes]
        added = [r for r in self.versioned_records if r.pk is not None and _key(r) not in read]
        if added:
            changed = True
            conflict.changes += [FieldChange(name=_key(r), label=str(r), theirs="",
                                             note=f"“{r}” has been added.") for r in added]
        if not changed:
            return
        fresh = [locked_copy(type(r), r.pk) for r in self.versioned_records if r.pk is not None]
        conflict.current_version = records_version([r for r in fresh if r is not None])
        self.conflict = conflict
        for message in conflict.messages():
            self.add_error(None, message)
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = conflict.current_version
