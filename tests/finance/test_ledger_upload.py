"""Ledger uploads through the one pipeline: every rule, all or nothing, the same file twice,
overlapping references, roll back, and the sheet's own totals."""
from datetime import date
from decimal import Decimal

import pytest

from core.financial_year import FinancialYear
from core.models import Upload
from core.uploads import UploadError, read_raw_table, read_table, upload_inspect, validate_rows, validate_table
from finance.ledger import COLUMNS, LedgerRowForm, ledger_bulk_validate, parse_pence
from finance.models import LedgerStatedTotal, LedgerTransaction
from tests.finance.conftest import HEADERS, commit, csv_bytes, good_rows, kwargs, receive, xlsx

pytestmark = pytest.mark.django_db


def lines(cast):
    return LedgerTransaction.objects.filter(programme=cast.programme)


def test_a_valid_workbook_loads_every_line_exactly(cast, budget):
    upload = receive(cast, xlsx(good_rows(3) + [[date(2024, 4, 2), "CC1", "1001", "Refund", "Acme", -50.1, "R9"]]))
    outcome = commit(cast, upload)
    assert outcome.ok and outcome.written == 4
    got = list(lines(cast).order_by("transaction_date").values_list(
        "transaction_date", "financial_year", "period", "amount", "reference", "upload"))
    assert got[0] == (date(2023, 5, 1), FinancialYear(2023), 2, Decimal("100.25"), "R0", upload.pk)
    assert got[-1][1:4] == (FinancialYear(2024), 1, Decimal("-50.10"))  # a credit, in April: period 1 of 2024/25
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMMITTED and upload.row_count == 4


def test_csv_loads_too_with_uk_dates_and_credit_notations(cast, budget):
    rows = [["01/05/2023", "CC1", "1001", "a", "", "£1,250.00", "C1"],
            ["2-May-2023", "CC1", "1001", "b", "", "(75.50)", "C2"],
            ["03.05.2023", "CC1", "1001", "c", "", "20.00 CR", "C3"]]
    outcome = commit(cast, receive(cast, csv_bytes(rows), "ledger.csv"))
    assert outcome.ok
    assert sorted(lines(cast).values_list("amount", flat=True)) == [Decimal("-75.50"), Decimal("-20.00"),
                                                                     Decimal("1250.00")]


def test_errors_by_row_and_column_and_nothing_is_written(cast, budget):
    rows = good_rows(2) + [
        ["not a date", "CC1", "1001", "x", "", 10, "E1"],
        [date(2019, 6, 1), "CC1", "1001", "x", "", 10, "E2"],
        [date(2023, 6, 1), "", "1001", "x", "", "ten pounds", "E3"],
    ]
    upload = receive(cast, xlsx(rows))
    outcome = commit(cast, upload)
    assert not outcome.ok
    found = [(e.row, e.column_header, e.message) for e in outcome.errors]
    assert found[0] == (4, "Transaction date", "Enter the transaction date as a real date, for example 31/03/2024")
    assert found[1][:2] == (5, "Transaction date")
    assert "2019/20, which has no budget in this programme" in found[1][2]
    assert "known years are those with a budget: 2023/24 to 2024/25" in found[1][2]
    assert found[2] == (6, "Cost centre", "Enter the cost centre")
    assert found[3][:2] == (6, "Amount") and found[3][2].startswith("Enter the amount as a number")
    assert not lines(cast).exists()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED and len(upload.errors) == 4


def test_row_form_and_bulk_validator_give_the_same_errors_on_the_same_rows(cast, budget):
    rows = good_rows(2) + [
        ["31/02/2024", "CC1", "1001", "x", "", 10, "E1"],
        [date(2030, 6, 1), "CC1", "1001", "x", "", "12,34x", "E2"],
        ["", "", "", "x" * 301, "", "", "E3"],
        [date(2023, 6, 1), "CC1", "1001", "ok", "", True, "E4"],
        [date(2023, 6, 1), "CC1" * 20, "1001", "ok", "", 12.345, "E5"],
        ["Total", "", "", "", "", "abc", ""],
    ]
    data = xlsx(rows)
    mapping = {c.name: None for c in COLUMNS}
    mapping.update({"transaction_date": "Transaction date", "cost_centre": "Cost centre", "account_code": "Account",
                    "description": "Description", "supplier": "Supplier", "amount": "Amount",
                    "reference": "Reference"})
    from core.uploads import UploadSpec

    spec = UploadSpec(kind="t", columns=COLUMNS, form_class=LedgerRowForm, write=None, rollback=None,
                      bulk_validate=ledger_bulk_validate, raw_read=True)
    _headers, text_rows = read_table("l.xlsx", data)
    _, row_errors = validate_rows(spec, text_rows, mapping, kwargs(cast))
    bulk = validate_table(spec, read_raw_table("l.xlsx", data), mapping, kwargs(cast))
    as_tuples = [(e.row, e.column_header, e.field, e.message, e.sheet) for e in row_errors]
    assert as_tuples == [(e.row, e.column_header, e.field, e.message, e.sheet) for e in bulk.errors]
    assert {e.row for e in row_errors} == {4, 5, 6, 7, 8, 9}
    # The same rows read as text (a csv) give the same errors again.
    csv_rows = [[c.isoformat() if isinstance(c, date) else c for c in r] for r in rows]
    bulk_csv = validate_table(spec, read_raw_table("l.csv", csv_bytes(csv_rows)), mapping, kwargs(cast))
    assert [(e.row, e.field, e.message) for e in bulk_csv.errors] == [(e[0], e[2], e[3]) for e in as_tuples]


def test_amount_parsing_rounds_to_the_penny_alike_for_numbers_and_text():
    assert parse_pence(12.345) == parse_pence("12.345") == 1235
    assert parse_pence(0.1 + 0.2) == 30
    assert parse_pence("1,000") == 100000
    for text in ("1e400", "NaN", "1e20"):
        with pytest.raises(ValueError):
            parse_pence(text)


def test_the_same_file_twice_is_recognised_and_changes_nothing(cast, budget):
    data = xlsx(good_rows(3))
    assert commit(cast, receive(cast, data)).ok
    second = commit(cast, receive(cast, data))
    assert second.already_loaded is not None and "already loaded" in second.message
    assert lines(cast).count() == 3


def test_overlapping_references_are_shown_and_not_counted_twice(cast, budget):
    assert commit(cast, receive(cast, xlsx(good_rows(3)), "april.xlsx")).ok
    later = good_rows(3) + [[date(2023, 7, 1), "CC1", "1001", "new", "", 99, "NEW1"]]
    later[0][3] = "changed description, same line"  # a different file, with the same references
    upload = receive(cast, xlsx(later), "may.xlsx")
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    assert preview.can_commit
    warning = next(w for w in preview.warnings if w.field == "reference")
    assert "3 lines (rows 2, 3, 4) have references already loaded from april.xlsx" in warning.message
    assert preview.cleaned.new_count == 1
    assert preview.load_count == 1 and preview.count_notes == [
        ("Lines already loaded (same reference, not loaded again)", 3)]
    refused = commit(cast, upload)  # the warning was not confirmed
    assert refused.needs_confirmation and refused.written == 0 and lines(cast).count() == 3
    outcome = commit(cast, upload, accept_warnings=preview.warnings_key)
    assert outcome.written == 1
    assert lines(cast).count() == 4
    assert sum(lines(cast).values_list("amount", flat=True)) == Decimal("100.25") + Decimal("101.25") + \
        Decimal("102.25") + Decimal("99")


def test_rollback_removes_exactly_that_uploads_lines_and_allows_reloading(cast, budget):
    from core.uploads import upload_rollback

    first = receive(cast, xlsx(good_rows(2, "A")))
    commit(cast, first)
    second = receive(cast, xlsx(good_rows(3, "B")))
    commit(cast, second)
    upload_rollback(upload=second, user=cast.users["finance"])
    assert set(lines(cast).values_list("reference", flat=True)) == {"A0", "A1"}
    with pytest.raises(UploadError):
        upload_rollback(upload=second, user=cast.users["finance"])
    again = receive(cast, xlsx(good_rows(3, "B")))
    assert commit(cast, again).written == 3


def test_a_rounding_sized_total_difference_is_a_warning_kept_on_the_upload(cast, budget):
    rows = good_rows(2) + [[None, None, None, "Total", None, 202.0, None]]  # rows add to 201.50
    upload = receive(cast, xlsx(rows))
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    assert preview.errors == []
    assert preview.warnings[0].row == 4
    assert "£202.00, £0.50 more than the sum of its rows, £201.50" in preview.warnings[0].message
    assert commit(cast, upload, accept_warnings=preview.warnings_key).written == 2
    upload.refresh_from_db()
    assert "£0.50 more" in upload.warnings[0]["message"]
    t = LedgerStatedTotal.objects.get(upload=upload)
    assert (t.stated, t.rows_sum) == (Decimal("202.00"), Decimal("201.50"))


def test_a_bigger_total_difference_rejects_the_file_naming_both_figures(cast, budget):
    rows = good_rows(2) + [[None, None, None, "Grand total", None, 250.0, None]]
    upload = receive(cast, xlsx(rows))
    outcome = commit(cast, upload)
    assert not outcome.ok and not lines(cast).exists()
    message = outcome.errors[0].message
    assert outcome.errors[0].row == 4
    assert "£250.00" in message and "£201.50" in message and "£48.50" in message


def test_a_total_row_per_section_covers_the_rows_above_it(cast, budget):
    rows = good_rows(2, "A") + [[None, None, None, "Total", None, 201.5, None]] + \
        good_rows(1, "B") + [[None, None, None, "Sub-total", None, 100.25, None]] + \
        [[None, None, None, "Grand total", None, 301.75, None]]
    upload = receive(cast, xlsx(rows))
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    assert preview.errors == [] and preview.warnings == []
    assert [(t.stated_pence, t.rows_pence) for t in preview.cleaned.totals] == [
        (20150, 20150), (10025, 10025), (30175, 30175)]


def test_unmapped_codes_are_listed_before_the_commit_and_their_lines_still_load(cast, budget):
    rows = good_rows(1) + [[date(2023, 8, 1), "CC9", "7777", "new code", "", 40, "U1"]]
    upload = receive(cast, xlsx(rows))
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    messages = " ".join(w.message for w in preview.warnings)
    assert "Row 3 has a cost centre this programme does not know (CC9)." in messages
    assert "Row 3 has an account code this programme does not know (7777)." in messages
    assert commit(cast, upload, accept_warnings=preview.warnings_key).written == 2


def test_no_budget_means_no_known_year(cast):
    upload = receive(cast, xlsx(good_rows(1)))
    outcome = commit(cast, upload)
    assert "this programme has no budget yet" in outcome.errors[0].message


def test_mapping_is_remembered_for_the_next_file(cast, budget):
    headers = ["Posting date", "Cost Center", "Subjective", "Narrative", "Vendor", "Net", "Journal no"]
    upload = receive(cast, xlsx(good_rows(1), headers))
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    assert preview.mapping["transaction_date"] == "Posting date"
    assert preview.mapping["account_code"] == "Subjective"
    assert preview.mapping["amount"] == "Net" and preview.mapping["reference"] == "Journal no"
    assert commit(cast, upload).ok


def test_big_commits_run_as_a_job_with_progress(cast, budget, monkeypatch, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from core.models import Job

    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    upload = receive(cast, xlsx(good_rows(3)))
    client = cast.client("finance")
    client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), {
        "map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
        "map-amount": "Amount", "map-reference": "Reference"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    job = Job.objects.get(kind="finance.ledger_commit")
    assert response["Location"] == reverse("finance:ledger_job", args=["home", job.uuid])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert lines(cast).count() == 3
    page = client.get(response["Location"])
    assert "The ledger lines have been loaded" in page.content.decode()


def test_headers_are_recognised(cast, budget):
    assert HEADERS[0] == "Transaction date"
