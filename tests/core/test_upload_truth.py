"""What the shared upload pipeline gives every kind: a template made from its columns that
reads back as itself, preview cells formatted by what their column holds, a mapping that
refuses one file column for two fields, and a "load anyway" that holds only for the
warnings a person saw."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from core.uploads import (
    FileAlreadyLoaded,
    get_upload_spec,
    mapping_form,
    read_table,
    suggest_mapping,
    upload_receive,
    upload_template_xlsx,
    warnings_key,
)
from core.uploads.preview import _display
from core.uploads.spec import _specs

pytestmark = pytest.mark.django_db


# A kind that reads a file of its own format (a Microsoft Project plan) has no spreadsheet
# template: the file is the application's own, not one an officer fills in.
SPREADSHEET_KINDS = sorted(k for k, spec in _specs.items() if spec.file_reader is None)


def test_only_the_plan_import_reads_its_own_format():
    own = {kind for kind, spec in _specs.items() if spec.file_reader is not None and not kind.startswith("tests.")}
    assert own == {"programmes.plan"}


@pytest.mark.parametrize("kind", SPREADSHEET_KINDS)
def test_every_kind_has_a_template_that_reads_back_as_its_own_columns(kind):
    spec = get_upload_spec(kind)
    headers, rows = read_table("template.xlsx", upload_template_xlsx(spec))
    assert headers == [c.label for c in spec.columns]
    # Its headings map themselves, so a filled-in template needs no mapping at all.
    assert suggest_mapping(spec, headers) == {c.name: c.label for c in spec.columns}
    examples = [c for c in spec.columns if c.example not in ("", None)]
    assert len(rows) == (1 if examples else 0)


def test_cells_are_shown_as_people_read_them():
    assert _display("18450", "money") == ("£18,450.00", True)
    assert _display("-75.5", "money") == ("\u2212£75.50", True)  # the one minus sign (core.formats)
    assert _display("£1,250", "money") == ("£1,250.00", True)
    assert _display("ten", "money") == ("ten", False)  # its row has an error saying so
    assert _display("2023-04-01", "date") == ("1 April 2023", False)
    assert _display("31/03/2024", "date") == ("31 March 2024", False)
    assert _display("31/02/2024", "date") == ("31/02/2024", False)
    assert _display("TRUE", "yes_no") == ("Yes", False) and _display("n", "yes_no") == ("No", False)
    assert _display("maybe", "yes_no") == ("maybe", False)
    assert _display("1,234.5", "number") == ("1,234.5", True)
    assert _display("18450", "") == ("18450", False)


def test_a_date_field_of_the_row_form_is_shown_as_a_date_without_a_hint(cast):
    from risks.imports import KIND, row_form_kwargs

    spec = get_upload_spec(KIND)
    mapping = {c.name: c.label for c in spec.columns}
    kinds = uploads.column_displays(spec, row_form_kwargs(cast.programme), mapping)
    assert kinds["Next review date"] == "date" and kinds["Escalated"] == "yes_no" and kinds["Title"] == ""


def test_one_file_column_for_two_fields_is_refused_naming_both():
    spec = get_upload_spec("finance.ledger")
    headers = ["Date", "CC", "Account", "Net", "Gross"]
    data = {"map-transaction_date": "Date", "map-cost_centre": "CC", "map-account_code": "Account",
            "map-amount": "Net", "map-description": "Net"}
    form = mapping_form(spec, headers, data=data)
    assert not form.is_valid()
    # On the later of the two fields, in the spec's order.
    assert form.errors["amount"] == [
        "\u2018Net\u2019 is chosen for both Description and Amount; choose a different column for one of them"]
    assert "description" not in form.errors
    data["map-description"] = ""
    assert mapping_form(spec, headers, data=data).is_valid()


def test_the_key_of_the_warnings_changes_with_them():
    one = [{"row": 4, "column": "Cost centre", "message": "Row 4 has a cost centre this programme does not know"}]
    assert warnings_key(one) == warnings_key([dict(one[0])])
    assert warnings_key(one) != warnings_key([{**one[0], "row": 5}])
    assert warnings_key(one) != warnings_key(one + one)


def test_receive_refuses_a_loaded_file_only_when_asked(cast):
    from risks.imports import KIND, row_form_kwargs

    data = b"Title,Category,Likelihood,Impact,Residual likelihood,Residual impact\nFlood,legal,2,3,1,2\n"
    pm = cast.users["pm"]
    first = upload_receive(target=cast.programme, kind=KIND, user=pm,
                           uploaded_file=SimpleUploadedFile("r.csv", data))
    assert uploads.upload_commit(upload=first, user=pm, form_kwargs=row_form_kwargs(cast.programme),
                                 write_ctx={"programme": cast.programme}).ok
    with pytest.raises(FileAlreadyLoaded) as refused:
        upload_receive(target=cast.programme, kind=KIND, user=pm, refuse_if_loaded=True,
                       uploaded_file=SimpleUploadedFile("again.csv", data))
    assert refused.value.earlier.pk == first.pk
    assert refused.value.message.endswith(f"by {pm}; nothing to do.")
    # Into another programme it is a new file.
    other = upload_receive(target=cast.other_programme, kind=KIND, user=pm, refuse_if_loaded=True,
                           uploaded_file=SimpleUploadedFile("again.csv", data))
    assert other.pk != first.pk


def test_money_and_dates_are_formatted_by_the_shared_formatter():
    from core.formats import long_date, money

    assert money(Decimal("18450"), pence=True) == "£18,450.00" and money(Decimal("-0.5")) == "\u2212£0.50"
    assert long_date(date(2023, 4, 1)) == "1 April 2023"


def test_appraisal_line_numbers_say_which_number_is_wrong(cast):
    from business_cases.imports import KIND, row_form_kwargs
    from core.uploads import TableRow, validate_rows

    spec = get_upload_spec(KIND)
    mapping = {c.name: c.label for c in spec.columns}
    row = TableRow(2, {"Option": "", "Category": "Capital cost", "Year": "soon", "Financial year": "",
                       "Description": "Kit", "Amount": "lots", "Final": "",
                       "Optimism bias (%)": "", "Confidence (%)": ""})
    _, errors = validate_rows(spec, [row], mapping, row_form_kwargs(cast.programme))
    found = {(e.column_header, e.message) for e in errors}
    assert ("Year", "Enter the year of the appraisal as a whole number, for example 0") in found
    assert ("Amount", "Enter the amount as a number of pounds, like £31,000, 31,000.50 or −1,000") in found
