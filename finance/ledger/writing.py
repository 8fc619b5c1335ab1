"""Writing a validated batch (PostgreSQL through COPY) with its per-upload summary, and
removing everything an upload wrote."""
from datetime import date

import numpy as np
import pandas as pd
from django.db import connection

from finance.ledger.batch import LedgerBatch
from finance.models import LedgerSummary, LedgerTransaction
from programmes.models import Programme

_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_COLUMNS = ("programme_id", "upload_id", "transaction_date", "financial_year", "period", "cost_centre",
                "account_code", "description", "supplier", "amount", "reference")


def write_ledger(*, upload, rows: LedgerBatch, user, programme: Programme, progress=None) -> int:
    """Load the new lines of a validated batch (lines already loaded by an earlier upload
    are left out) and their per-upload summary. Returns how many lines were loaded."""
    from finance.services import stated_totals_record

    keep = [i for i, o in enumerate(rows.overlap) if not o]
    if progress:
        progress(60, f"Writing {len(keep):,} transactions")

    def pick(values):
        return values if len(keep) == len(values) else [values[i] for i in keep]

    count = len(keep)
    years, centres, accounts, pence = pick(rows.years), pick(rows.cost_centres), pick(rows.account_codes), \
        pick(rows.pence)
    # The summaries are worked out while the database takes in the lines.
    summaries = _write_columns(LedgerTransaction, COPY_COLUMNS, [
        [str(programme.pk)] * count, [str(upload.pk)] * count, _texts(pick(rows.dates), date.isoformat),
        _texts(years), _texts(pick(rows.periods)), centres, accounts, pick(rows.descriptions),
        pick(rows.suppliers), _amounts_text(pence), pick(rows.references),
    ], meanwhile=lambda: _summaries(years, centres, accounts, pence))
    _write_columns(LedgerSummary, ("programme_id", "upload_id", "financial_year", "cost_centre", "account_code",
                                   "amount", "lines"), [
        [str(programme.pk)] * len(summaries), [str(upload.pk)] * len(summaries), [str(r[0]) for r in summaries],
        [r[1] for r in summaries], [r[2] for r in summaries], [f"{r[3] / 100:.2f}" for r in summaries],
        [str(r[4]) for r in summaries]])
    if connection.vendor == "postgresql":
        # Reports join the summaries to the code tables; fresh statistics keep the planner
        # on hash joins after a load has changed the table's size many times over.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LedgerSummary._meta.db_table}")
    stated_totals_record(upload=upload, programme=programme, totals=rows.totals, user=user)
    return count


def _texts(values: list, text=str) -> list[str]:
    """Each value as text, worked out once for each distinct value: a ledger's 100,000
    lines have a few hundred dates and a handful of years and periods."""
    known = {v: text(v) for v in set(values)}
    return list(map(known.__getitem__, values))


def _amounts_text(pence: list[int]) -> list[str]:
    """Whole pence as the text of pounds, "1250.00" (formatted in C, one call a line)."""
    if not pence:
        return []
    return list(map("{:.2f}".format, (np.asarray(pence, dtype=np.int64) / 100).tolist()))


def _summaries(years: list[int], centres: list[str], accounts: list[str],
               pence: list[int]) -> list[tuple[int, str, str, int, int]]:
    """(year, cost centre, account code, pence, lines) for each of the batch's keys, in the
    order they first appear. A ledger has a few hundred keys in 100,000 lines, so each line
    is given its key's number and numpy adds up by number, in whole pence (exactly: int64,
    unless the amounts are so large that the sum could pass it, when Python adds them).
    The numbers come from pandas' factorize, a hash table in C, column by column: hashing
    a tuple of three for every line in Python cost ten times as much."""
    if not years:
        return []
    codes, uniques = [], []
    for column in (years, centres, accounts):
        code, unique = pd.factorize(np.array(column, dtype=object), sort=False)
        codes.append(code.astype(np.int64))
        uniques.append(unique.tolist())
    n_centres, n_accounts = len(uniques[1]), len(uniques[2])
    # One number per (year, centre, account), then numbered again in first-seen order.
    index, keys = pd.factorize((codes[0] * n_centres + codes[1]) * n_accounts + codes[2], sort=False)
    count = len(keys)
    largest = max(map(abs, pence))
    if largest * len(pence) >= 2 ** 62:
        sums = [0] * count
        for k, p in zip(index.tolist(), pence, strict=True):
            sums[k] += p
    else:
        sums_array = np.zeros(count, dtype=np.int64)
        np.add.at(sums_array, index, np.asarray(pence, dtype=np.int64))
        sums = sums_array.tolist()
    counts = np.bincount(index, minlength=count).tolist()
    year_of, rest = np.divmod(keys, n_centres * n_accounts)
    centre_of, account_of = np.divmod(rest, n_accounts)
    years_u, centres_u, accounts_u = uniques
    return [(years_u[y], centres_u[c], accounts_u[a], sums[k], counts[k]) for k, (y, c, a) in
            enumerate(zip(year_of.tolist(), centre_of.tolist(), account_of.tolist(), strict=True))]


def _escaped(values: list[str]) -> list[str]:
    """COPY's text format escapes backslash, tab and newlines. One search over the whole
    column finds whether any cell needs it; nearly always none does."""
    blob = "\x00".join(values)
    if "\\" in blob or "\t" in blob or "\n" in blob or "\r" in blob:
        return blob.translate(_ESCAPE).split("\x00")
    return values


COPY_BLOCK_ROWS = 5000


def _write_columns(model, names, columns: list[list[str]], meanwhile=None):
    """Insert rows given as columns of text: PostgreSQL through COPY, several times faster
    than INSERTs for a big export; other databases through one executemany, which skips
    building a model instance per line. `meanwhile`, when given, is called once every row
    has been sent, before the database has finished with them (on PostgreSQL it runs
    while the server is still inserting), and what it answers is answered."""
    if not columns[0]:
        return meanwhile() if meanwhile else None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                list(zip(*columns, strict=True)))
            return meanwhile() if meanwhile else None
        columns = list(map(_escaped, columns))
        with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            # Sent a block of lines at a time, so the whole text is never held at once (and
            # joining short rows is quicker than one zip over 100,000).
            for start in range(0, len(columns[0]), COPY_BLOCK_ROWS):
                block = [c[start:start + COPY_BLOCK_ROWS] for c in columns]
                copy.write("\n".join(map("\t".join, zip(*block, strict=True))) + "\n")
            answer = meanwhile() if meanwhile else None
    return answer


def rollback_ledger(*, upload, user) -> None:
    """Remove every line an upload loaded, in one statement (lines keep no history of
    their own; the upload's history records the roll back)."""
    from finance.models import LedgerStatedTotal

    for model in (LedgerTransaction, LedgerSummary):
        qs = model.objects.filter(upload=upload)
        qs._raw_delete(qs.db)
    for t in LedgerStatedTotal.objects.filter(upload=upload):
        t._history_user = user
        t._change_reason = "Upload rolled back"
        t.delete()
