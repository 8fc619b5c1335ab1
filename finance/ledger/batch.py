"""A validated ledger sheet, column by column, and the totals it stated: what the bulk
validator hands to `write_ledger`."""
from dataclasses import dataclass, field
from datetime import date


@dataclass
class StatedTotal:
    row: int
    stated_pence: int
    rows_pence: int
    label: str

    @property
    def difference_pence(self) -> int:
        return self.stated_pence - self.rows_pence


@dataclass
class LedgerBatch:
    """A validated ledger sheet, column by column (what `write_ledger` loads)."""

    numbers: list[int]
    dates: list[date]
    years: list[int]
    periods: list[int]
    cost_centres: list[str]
    account_codes: list[str]
    descriptions: list[str]
    suppliers: list[str]
    pence: list[int]
    references: list[str]
    overlap: list[bool]  # already loaded from an earlier upload (same reference)
    totals: list[StatedTotal] = field(default_factory=list)
    overlap_uploads: list[str] = field(default_factory=list)
    unmapped_cost_centres: list[str] = field(default_factory=list)
    unmapped_account_codes: list[str] = field(default_factory=list)
    total_row_count: int = 0  # the sheet's own total rows, checked and left out

    def __len__(self) -> int:
        return len(self.numbers)

    # What core.uploads' preview counts (see BulkResult): together with the lines to load
    # these are every row of the sheet.
    @property
    def load_count(self) -> int:
        return self.new_count

    @property
    def count_notes(self) -> dict[str, int]:
        notes = {}
        if self.total_row_count:
            notes["The sheet's own total rows (checked, not loaded)"] = self.total_row_count
        if self.overlap_count:
            notes["Lines already loaded (same reference, not loaded again)"] = self.overlap_count
        return notes

    @property
    def new_count(self) -> int:
        return len(self.overlap) - sum(self.overlap)

    @property
    def overlap_count(self) -> int:
        return sum(self.overlap)

    @property
    def new_total_pence(self) -> int:
        return sum(p for p, o in zip(self.pence, self.overlap, strict=True) if not o)
