"""The ledger's column-at-a-time steps give what a plain loop over the lines gives: the
per-upload summaries (exact in whole pence, however large the amounts), the amounts as
text, and the rows named for codes not yet mapped."""
import random

from finance.ledger.checks import _rows_with, rows_text
from finance.ledger.writing import _amounts_text, _summaries


def summaries_by_loop(years, centres, accounts, pence):
    sums, counts = {}, {}
    for key, p in zip(zip(years, centres, accounts, strict=True), pence, strict=True):
        sums[key] = sums.get(key, 0) + p
        counts[key] = counts.get(key, 0) + 1
    return [(*key, total, counts[key]) for key, total in sums.items()]


def test_summaries_match_a_loop_over_the_lines_in_first_seen_order():
    rng = random.Random(13)
    n = 5000
    years = [rng.choice([2023, 2024]) for _ in range(n)]
    centres = [rng.choice(["CC1", "CC2", "CC3"]) for _ in range(n)]
    accounts = [rng.choice(["1001", "1002"]) for _ in range(n)]
    pence = [rng.randrange(-100_000, 10_000_000) for _ in range(n)]
    assert _summaries(years, centres, accounts, pence) == summaries_by_loop(years, centres, accounts, pence)
    assert _summaries([], [], [], []) == []


def test_summaries_of_huge_amounts_stay_exact():
    most = 10 ** 14 - 1  # the largest amount a line can hold, in pence
    n = 100_000  # n x most passes what int64 can add up
    got = _summaries([2024] * n, ["CC1"] * n, ["1001"] * n, [most] * n)
    assert got == [(2024, "CC1", "1001", most * n, n)]


def test_amounts_as_text():
    pence = [0, 1, -1, 5, -75_50, 125_000, 10 ** 14 - 1, -(10 ** 14 - 1)]
    assert _amounts_text(pence) == [f"{p / 100:.2f}" for p in pence]
    assert _amounts_text(pence)[-2:] == ["999999999999.99", "-999999999999.99"]
    assert _amounts_text([]) == []


def test_rows_with_unknown_codes_are_counted_and_the_first_ones_named():
    numbers = list(range(2, 62))
    codes = ["X" if n % 2 else "A" for n in numbers]
    rows, count = _rows_with(numbers, codes, ["X"])
    every = [n for n, c in zip(numbers, codes, strict=True) if c == "X"]
    assert count == len(every) == 30
    assert rows_text(rows, total=count) == rows_text(every)
    assert rows_text(rows, total=count).endswith("and 10 more")
    assert rows_text(*_rows_with([7], ["X"], ["X"])[:1], total=1) == "Row 7"
    rows, count = _rows_with([3, 4, 5], ["X", "A", "X"], ["X"])
    assert rows_text(rows, total=count) == "Rows 3 and 5"
