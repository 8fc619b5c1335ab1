"""The file-wide checks against what the programme holds: lines whose reference an earlier
upload loaded, and codes not yet in the finance officer's tables."""
from collections import Counter
from itertools import islice

from django.db import connection

from core.uploads import RowError
from finance.ledger.batch import LedgerBatch
from finance.models import AccountCode, CostCentre, LedgerTransaction
from programmes.models import Programme

SEPARATOR = "\x1f"  # the ASCII unit separator, which no reference contains


def _overlaps(batch: LedgerBatch, programme: Programme, header, sheet) -> list[RowError]:
    """Mark lines whose reference an earlier upload already loaded."""
    if not LedgerTransaction.objects.filter(programme=programme).exists():
        return []
    refs = set(batch.references)
    refs.discard("")
    if not refs:
        return []
    found: dict[str, str] = {}
    table = LedgerTransaction._meta.db_table
    sql = (f"SELECT t.reference, u.original_name FROM {table} t JOIN core_upload u ON u.id = t.upload_id "
           "WHERE t.programme_id = %s AND t.reference {}")
    with connection.cursor() as cursor:
        joined = SEPARATOR.join(refs)
        # (a reference holding the separator would add one: then the references go one by one)
        if connection.vendor == "postgresql" and joined.count(SEPARATOR) == len(refs) - 1:
            # One text parameter split in the database: sending 100,000 references as an
            # array costs more in the driver than the query does.
            cursor.execute(sql.format("= ANY(string_to_array(%s, chr(31)))"), [programme.pk, joined])
            found = dict(cursor.fetchall())
        else:
            refs = sorted(refs)
            for start in range(0, len(refs), 900):
                part = refs[start:start + 900]
                cursor.execute(sql.format(f"IN ({', '.join(['%s'] * len(part))})"), [programme.pk, *part])
                found.update(cursor.fetchall())
    if not found:
        return []
    rows = []
    for i, r in enumerate(batch.references):
        if r and r in found:
            batch.overlap[i] = True
            rows.append(batch.numbers[i])
    batch.overlap_uploads = sorted(set(found.values()))
    shown = ", ".join(str(r) for r in rows[:20]) + (f" and {len(rows) - 20:,} more" if len(rows) > 20 else "")
    files = ", ".join(batch.overlap_uploads)
    return [RowError(None, header.get("reference"), "reference", (
        f"{len(rows):,} line{'s' if len(rows) != 1 else ''} (rows {shown}) "
        f"{'have references' if len(rows) != 1 else 'has a reference'} already loaded from {files}. "
        f"{'They' if len(rows) != 1 else 'It'} will not be loaded again, so nothing is counted twice."), sheet)]


def _unmapped(batch: LedgerBatch, programme: Programme) -> list[RowError]:
    """Codes the finance officer has not yet put in the code tables: listed before the
    commit. Their lines load (nothing is dropped) and report as not mapped until then."""
    centres = set(batch.cost_centres)
    accounts = set(batch.account_codes)
    known_cc = set(CostCentre.objects.filter(programme=programme, code__in=centres)
                   .values_list("code", flat=True))
    known_ac = set(AccountCode.objects.filter(programme=programme, code__in=accounts)
                   .values_list("code", flat=True))
    batch.unmapped_cost_centres = sorted(centres - known_cc)
    batch.unmapped_account_codes = sorted(accounts - known_ac)
    out = []
    if batch.unmapped_cost_centres:
        rows, count = _rows_with(batch.numbers, batch.cost_centres, batch.unmapped_cost_centres)
        out.append(RowError(None, None, "cost_centre", (
            f"{rows_text(rows, total=count)} {'have cost centres' if count != 1 else 'has a cost centre'} this "
            f"programme does not know ({codes_text(batch.unmapped_cost_centres)}). Their lines load as not "
            "mapped to a workstream until you map the codes under Ledger codes.")))
    if batch.unmapped_account_codes:
        rows, count = _rows_with(batch.numbers, batch.account_codes, batch.unmapped_account_codes)
        out.append(RowError(None, None, "account_code", (
            f"{rows_text(rows, total=count)} {'have account codes' if count != 1 else 'has an account code'} this "
            f"programme does not know ({codes_text(batch.unmapped_account_codes)}). Their lines count as "
            "revenue, not mapped to a cost type, until you map the codes under Ledger codes.")))
    return out


def _rows_with(numbers: list[int], codes: list[str], unknown: list[str], limit: int = 20) -> tuple[list[int], int]:
    """The first rows (up to one more than `limit`, what rows_text shows) whose code is one
    of `unknown`, and how many rows have such a code in all (counted in C)."""
    counts = Counter(codes)
    wanted = set(unknown)
    first = list(islice((r for r, c in zip(numbers, codes, strict=True) if c in wanted), limit + 1))
    return first, sum(counts[c] for c in wanted)


def rows_text(rows: list[int], limit: int = 20, total: int | None = None) -> str:
    """Row 4; Rows 4 and 9; Rows 4, 9 and 12; Rows 4, 9, … and 1,200 more. `rows` may be just
    the first ones when `total` says how many there are."""
    total = len(rows) if total is None else total
    if total == 1:
        return f"Row {rows[0]}"
    if total > limit:
        return "Rows " + ", ".join(str(r) for r in rows[:limit]) + f" and {total - limit:,} more"
    return "Rows " + ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"


def codes_text(codes: list[str], limit: int = 20) -> str:
    return ", ".join(codes[:limit]) + (f" and {len(codes) - limit:,} more" if len(codes) > limit else "")
