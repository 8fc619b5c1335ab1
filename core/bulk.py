"""Insert thousands of new rows, with their history, at the speed of PostgreSQL's COPY.

`bulk_create` builds one INSERT with a parameter per value, which for a 5,000-person
roster (and the same again for its history rows) is most of the time the load takes.
COPY streams the rows instead. The primary keys are taken from the table's sequence
first, so the objects know their ids and their history rows can point at them.
SQLite (`make run`) gets the same rows by one prepared INSERT run for every row
(`executemany`), its ids counted on from the table's AUTOINCREMENT counter: SQLite has a
single writer, and the transaction holds the write lock from its first statement
(`transaction_mode` IMMEDIATE), so no other insert can take them meanwhile. Django's
bulk_create compiled every value of every row into SQL, which was most of a roster's load.
Other databases get Django's bulk_create and simple-history's bulk history.
"""
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone


def _history_model(model: type[models.Model]):
    history = getattr(model, "history", None)
    return getattr(history, "model", None)


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model], *, history_user=None,
                history_reason: str = "", batch_size: int = 1000) -> None:
    """Insert `objects` (new, unsaved instances of `model`) and, when the model keeps
    history, one "created" history row for each, naming `history_user` and the reason.
    Each object gets its primary key. Runs no model validation: callers validate first."""
    if not objects:
        return
    historical = _history_model(model)
    # The wrapper itself, not the `django.db.connection` proxy: each value below is
    # prepared against it, and the proxy's lookup costs more than the preparing.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        with transaction.atomic():
            _sqlite_insert(connection, model, objects, historical, history_user, history_reason)
        return
    if connection.vendor != "postgresql":
        from simple_history.utils import bulk_create_with_history

        if historical is None:
            model.objects.bulk_create(objects, batch_size=batch_size)
        else:
            bulk_create_with_history(objects, model, batch_size=batch_size, default_user=history_user,
                                     default_change_reason=history_reason)
        return
    meta = model._meta
    pk = meta.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, pk.column, len(objects)])
        fields = _with_ids(meta, objects, [new_id for (new_id,) in cursor.fetchall()])
        rows = _rows(connection, fields, objects)
        _copy(connection, cursor, meta.db_table, [f.column for f in fields], rows)
        if historical is None:
            return
        h_fields, extra = _history_fields(historical, objects, history_user, history_reason)
        _copy(connection, cursor, historical._meta.db_table, [f.column for f in h_fields],
              _history_rows(connection, h_fields, objects, extra, fields, rows))


def _with_ids(meta, objects: Sequence[models.Model], ids: list[int]) -> list:
    """Give each object its id, and the values save() would set (auto_now, auto_now_add);
    the fields to insert."""
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, meta.pk.attname, new_id)
    fields = list(meta.concrete_fields)
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                f.pre_save(obj, add=True)
    return fields


def _history_fields(historical, objects: Sequence[models.Model], history_user, history_reason: str):
    """The columns of the "created" history rows, and the values every one of them shares."""
    extra = {"history_date": timezone.now(), "history_type": "+", "history_change_reason": history_reason or None,
             "history_user_id": getattr(history_user, "pk", None)}
    h_fields = [f for f in historical._meta.concrete_fields if f.attname != "history_id"
                and (f.attname in extra or hasattr(objects[0], f.attname))]
    return h_fields, extra


def _sqlite_insert(connection, model, objects: Sequence[models.Model], historical, history_user,
                   history_reason: str) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The next ids: past the AUTOINCREMENT counter (ids of deleted rows are never used
        # again) and past any row inserted with an id of its own.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        counter = cursor.fetchone()
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        top = max(counter[0] if counter else 0, cursor.fetchone()[0] or 0)
        fields = _with_ids(meta, objects, list(range(top + 1, top + 1 + len(objects))))
        rows = _rows(connection, fields, objects)
        _insert_many(connection, cursor, meta.db_table, fields, rows)
        if historical is None:
            return
        h_fields, extra = _history_fields(historical, objects, history_user, history_reason)
        _insert_many(connection, cursor, historical._meta.db_table, h_fields,
                     _history_rows(connection, h_fields, objects, extra, fields, rows))


def _insert_many(connection, cursor, table: str, fields, rows) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",
                       list(rows))


# Django's own field classes whose preparing hands a value of this exact type (or None)
# back as it is: text, a bool, an int. A roster row is mostly such values,
# and going through get_db_prep_save for each was most of the preparing. Subclasses are
# not in it, since they may prepare differently.
_AS_IS = {models.CharField: str, models.TextField: str, models.BooleanField: bool, models.IntegerField: int}


def _preparer(field, connection):
    """A function preparing one value for `field` as get_db_prep_save would."""
    prep = field.get_db_prep_save
    kind = _AS_IS.get(type(field))
    if kind is None:
        return lambda value: prep(value, connection)
    return lambda value: value if value is None or type(value) is kind else prep(value, connection)


def _rows(connection, fields, objects) -> list[list]:
    """Each object's values for `fields`, prepared for the database as save() would."""
    preps = [(f.attname, _preparer(f, connection)) for f in fields]
    return [[prep(values.get(name)) for name, prep in preps]
            for values in (obj.__dict__ for obj in objects)]


def _history_rows(connection, h_fields, objects, extra: dict, fields, rows: list[list]):
    """Each object's "created" history row: the values every row shares (`extra`), and the
    object's own values as they were prepared for its own row (`rows`, for `fields`) where
    the history field is of the same kind as the model's — a history row copies the
    record, so preparing every value a second time would give the same thing. A field of
    another kind (the history's plain integer id for an AutoField) is prepared afresh."""
    own = {f.attname: (i, f.get_internal_type()) for i, f in enumerate(fields)}
    plan = []
    for f in h_fields:
        if f.attname in extra:
            plan.append(("fixed", f.get_db_prep_save(extra[f.attname], connection)))
        elif f.attname in own and own[f.attname][1] == f.get_internal_type():
            plan.append(("same", own[f.attname][0]))
        else:
            plan.append(("prep", (f.attname, _preparer(f, connection))))
    for obj, row in zip(objects, rows, strict=True):
        values = obj.__dict__
        out = []
        for how, what in plan:
            if how == "same":
                out.append(row[what])
            elif how == "fixed":
                out.append(what)
            else:
                out.append(what[1](values.get(what[0])))
        yield out


def _copy(connection, cursor, table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
