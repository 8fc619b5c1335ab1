"""The sheet's own total rows: finding them, and checking each against the rows it covers
(a difference of at most £1 is rounding)."""
import re

from core.formats import money_from_pence
from core.uploads import RowError
from finance.ledger.batch import StatedTotal
from finance.ledger.columns import TOLERANCE_PENCE
from finance.ledger.parsing import parse_date

_TOTAL = re.compile(r"^\s*(grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)
# A cell starting as _TOTAL says, searched for in a column's cells joined by newlines. It
# is anchored on the newline itself rather than on ^ under MULTILINE, so the search jumps
# from newline to newline instead of trying every character. Only spaces and tabs may
# stand before the word: \s* would run on over a column of empty cells (newline after
# newline) from every newline, which takes time in the square of the column's length.
_TOTAL_ANYWHERE = re.compile(r"\n[ \t]*(?:grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)
_LABEL_FIELDS = ("description", "reference", "cost_centre", "account_code", "transaction_date")


def is_total_row(cells: dict) -> bool:
    """Whether a row is the sheet's own total, not a transaction: one of its label cells
    begins "Total" (or "Grand total", "Sub-total") and it has no transaction date."""
    if not any(_TOTAL.match(v) for name in _LABEL_FIELDS if type(v := cells.get(name)) is str):
        return False
    try:
        parse_date(cells.get("transaction_date", ""))
    except ValueError:
        return True
    return False


def _total_rows(label_cols: dict, n: int) -> set[int]:
    """Rows whose label cells say "Total" and which have no transaction date."""
    candidates = set()
    for col in label_cols.values():
        # One search over the whole column (case-insensitive, so no lowercased copy is made)
        # finds out whether any cell could be a total; only then is it looked at cell by cell.
        # A column of text joins as it is; only one with other cells (dates, numbers) is
        # copied first, with those cells blank (looking at every cell's type cost more
        # than the search).
        try:
            texts, blob = col, "\n".join(col)
        except TypeError:
            texts = [v if type(v) is str else "" for v in col]
            blob = "\n".join(texts)
        if not _TOTAL_ANYWHERE.search("\n" + blob):
            continue
        candidates |= {i for i, v in enumerate(texts) if v and _TOTAL.match(v)}
    return {i for i in candidates if is_total_row({name: col[i] for name, col in label_cols.items()})}


def _reconcile(n, total_rows, pence, numbers, texts, header, sheet):
    """Each total row covers the rows since the previous total row; a "grand total", or
    the last total after others, covers every row. Returns the totals and the errors for
    differences bigger than rounding."""
    totals, problems = [], []
    if not total_rows:
        return totals, problems
    section = grand = 0
    for i in range(n):
        if i not in total_rows:
            section += pence[i]
            grand += pence[i]
            continue
        label = next((texts[name][i] for name in ("description", "reference", "cost_centre", "account_code")
                      if _TOTAL.match(texts[name][i] or "")), "Total")
        if pence[i] is None:
            section = 0
            continue
        rows_sum = grand if label.lower().lstrip().startswith("grand") else section
        section = 0
        t = StatedTotal(row=numbers[i], stated_pence=pence[i], rows_pence=rows_sum, label=label)
        totals.append(t)
        if abs(t.difference_pence) > TOLERANCE_PENCE:
            problems.append(RowError(t.row, header.get("amount"), "amount", (
                f"The sheet's total ({label}) is {money_from_pence(t.stated_pence)} but its rows add up to "
                f"{money_from_pence(t.rows_pence)}, a difference of {money_from_pence(abs(t.difference_pence))} — "
                f"more than the {money_from_pence(TOLERANCE_PENCE)} allowed for rounding. Check the file is "
                "complete and upload it again."),
                sheet))
    return totals, problems
