"""The ledger upload pages as a finance officer uses them: warnings that must be confirmed,
money and dates as people read them, counts that add up, a template and the rows with
errors to download, the same file recognised on arrival, discarding a preview, and
messages at the right level."""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from core.models import Upload
from core.uploads import upload_inspect
from finance.ledger import COLUMNS
from finance.models import LedgerTransaction
from tests.finance.conftest import HEADERS, commit, csv_bytes, good_rows, kwargs, receive, xlsx

pytestmark = pytest.mark.django_db


def post_file(client, name, data):
    return client.post(reverse("finance:ledger_upload", args=["home"]), {"file": SimpleUploadedFile(name, data)})


def to_preview(client, name, data) -> tuple[Upload, str]:
    """Upload a file, accept the suggested mapping; the upload and its preview page."""
    response = post_file(client, name, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    upload = Upload.objects.get(pk=int(re.search(r"/upload/(\d+)/", response["Location"]).group(1)))
    form = client.get(reverse("finance:ledger_mapping", args=["home", upload.pk])).context["mapping_form"]
    data = {f"map-{n}": form.initial.get(n) or "" for n in form.fields}
    assert client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), data).status_code == 302
    page = client.get(reverse("finance:ledger_preview", args=["home", upload.pk]))
    assert page.status_code == 200
    return upload, page.content.decode()


def counts(page: str) -> list[tuple[str, str]]:
    """The preview's summary list, as (label, value) pairs."""
    block = re.search(r'<dl class="govuk-summary-list" id="upload-counts">(.*?)</dl>', page, re.S).group(1)
    return re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt><dd[^>]*>(.*?)</dd>', block)


def levels(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def lines(cast):
    return LedgerTransaction.objects.filter(programme=cast.programme)


def test_unknown_cost_centres_need_a_confirmation_that_names_their_rows(cast, budget):
    client = cast.client("finance")
    rows = good_rows(2) + [[date(2023, 8, 1), "CC999", "1001", "x", "", 40, "U1"],
                           [date(2023, 8, 2), "CC999", "1001", "y", "", 41, "U2"],
                           [date(2023, 8, 3), "CC998", "1001", "z", "", 42, "U3"]]
    upload, page = to_preview(client, "unknown.xlsx", xlsx(rows))
    assert ("Load anyway: Rows 4, 5 and 6 have cost centres this programme does not know (CC998, CC999)."
            in page)
    commit_url = reverse("finance:ledger_commit", args=["home", upload.pk])

    refused = client.post(commit_url)  # the box not ticked
    preview_url = reverse("finance:ledger_preview", args=["home", upload.pk])
    assert refused["Location"] == preview_url + "?confirm=needed"
    assert levels(refused) == []  # said on the box, not as a banner
    assert not lines(cast).exists()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.PREVIEWED
    again = client.get(refused["Location"]).content.decode()
    needed = "Tick \u201cLoad anyway\u201d to load the file with its warnings, or correct the file"
    assert f'<a href="#accept-warnings">{needed}</a>' in again
    assert f'<p id="accept-warnings-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:' \
           f'</span> {needed}</p>' in again
    assert "<title>Error: " in again

    stale = client.post(commit_url, {"accept_warnings": "0123456789abcdef"})  # ticked for other warnings
    assert stale["Location"] == preview_url + "?confirm=changed" and not lines(cast).exists()
    assert "The warnings have changed since you ticked the box" in client.get(stale["Location"]).content.decode()

    key = re.search(r'name="accept_warnings" type="checkbox" value="([0-9a-f]+)"', page).group(1)
    loaded = client.post(commit_url, {"accept_warnings": key})
    assert levels(loaded)[-1] == ("success", "5 transactions loaded from unknown.xlsx.")
    assert lines(cast).count() == 5


def test_a_file_without_warnings_loads_without_the_box(cast, budget):
    client = cast.client("finance")
    upload, page = to_preview(client, "clean.xlsx", xlsx(good_rows(2)))
    assert "accept_warnings" not in page
    client.post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    assert lines(cast).count() == 2


def test_preview_cells_show_money_and_dates_as_people_read_them(cast, budget):
    client = cast.client("finance")
    rows = [[date(2023, 4, 1), "CC1", "1001", "Agency", "Acme", 18450, "M1"],
            ["02/05/2023", "CC1", "1001", "Credit", "Acme", -75.5, "M2"]]
    _, page = to_preview(client, "money.xlsx", xlsx(rows))
    table = page[page.index("The 2 rows of the file"):]
    assert "£18,450.00" in table and '<span class="govuk-visually-hidden">minus </span>' in table
    assert '<span aria-hidden="true">\u2212</span>£75.50' in table
    assert "1 April 2023" in table and "2 May 2023" in table
    assert "2023-04-01" not in table and ">18450<" not in table


def test_the_counts_on_the_preview_add_up_for_a_file_with_a_total_row(cast, budget):
    client = cast.client("finance")
    assert commit(cast, receive(cast, xlsx(good_rows(2, "OLD")), "earlier.xlsx")).ok
    # Ten lines, two of them loaded before (same references), and the sheet's own total.
    rows = good_rows(2, "OLD") + good_rows(8, "NEW")
    total = sum(Decimal(str(r[5])) for r in rows)
    rows.append([None, None, None, "Total", None, float(total), None])
    upload, page = to_preview(client, "eleven.xlsx", xlsx(rows))
    assert counts(page) == [
        ("Sheet read", "Ledger"), ("Rows in the file", "11"),
        ("The sheet&#x27;s own total rows (checked, not loaded)", "1"),
        ("Lines already loaded (same reference, not loaded again)", "2"),
        ("Rows to load", "8"), ("Warnings", "1")]
    assert "Load 8 lines</button>" in page
    assert "The 8 lines to load add up to" in page
    key = upload_inspect(upload=upload, form_kwargs=kwargs(cast)).warnings_key
    client.post(reverse("finance:ledger_commit", args=["home", upload.pk]), {"accept_warnings": key})
    assert lines(cast).count() == 2 + 8
    upload.refresh_from_db()
    assert upload.row_count == 11


def test_the_counts_of_a_file_with_errors(cast, budget):
    client = cast.client("finance")
    rows = good_rows(3) + [["not a date", "", "1001", "x", "", "lots", "E1"]]
    _, page = to_preview(client, "bad.xlsx", xlsx(rows))
    assert counts(page) == [("Sheet read", "Ledger"), ("Rows in the file", "4"), ("Rows with errors", "1"),
                            ("Errors", "3")]
    assert "Load " not in page


def test_the_template_has_the_kinds_columns_an_example_and_loads_back(cast, budget):
    client = cast.client("finance")
    response = client.get(reverse("finance:ledger_template", args=["home"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-template.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    first, about = book.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in COLUMNS]
    assert rows[1][0].date() == date(2024, 5, 1) and rows[1][-2] == 18450
    required = {r[0]: r[1] for r in about.iter_rows(min_row=2, values_only=True)}
    assert required["Transaction date"] == "Required" and required["Supplier"] == "Optional"
    # Filled in as it comes, the template maps itself and its example checks out.
    upload = receive(cast, response.content, "template.xlsx")
    preview = upload_inspect(upload=upload, form_kwargs=kwargs(cast))
    assert all(preview.mapping.values())
    assert preview.row_count == 1 and [e.message for e in preview.errors] == [] or all(
        "financial year" in e.message or "budget" in e.message for e in preview.errors)


def test_the_rows_with_errors_download_with_their_problems_and_no_formulas(cast, budget):
    client = cast.client("finance")
    # A csv: its cells are text as typed, formulas included (a workbook's formula would be
    # refused on reading unless it had a saved result).
    rows = good_rows(2) + [["31/02/2023", "CC1", "1001", "=HYPERLINK(\"http://x\")", "", 10, "E1"],
                           [date(2023, 6, 1), "", "1001", "@SUM(1)", "", "", "E2"]]
    upload, page = to_preview(client, "errors.csv", csv_bytes(rows))
    url = reverse("finance:ledger_errors", args=["home", upload.pk])
    assert escape(url) in page and "Download the rows with errors" in page
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == ["Row", *HEADERS, "Problems"]
    assert [r[0] for r in got[1:]] == [4, 5]
    assert got[1][4] == "'=HYPERLINK(\"http://x\")" and got[2][4] == "'@SUM(1)"
    assert got[1][-1].startswith("Transaction date: Enter the transaction date as a real date")
    assert "Cost centre: Enter the cost centre" in got[2][-1] and "Amount: Enter the amount" in got[2][-1]


def test_the_same_file_is_recognised_when_it_arrives(cast, budget):
    data = xlsx(good_rows(2))
    first = receive(cast, data, "april.xlsx")
    assert commit(cast, first).ok
    client = cast.client("finance")
    before = Upload.objects.count()
    response = post_file(client, "april-again.xlsx", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file was already loaded on " in page
    assert escape(f"by {cast.users['finance']}; nothing to do.") in page
    assert Upload.objects.count() == before  # no second preview to map, check and abandon


def test_a_preview_can_be_discarded_and_its_file_goes(cast, budget, django_capture_on_commit_callbacks):
    client = cast.client("finance")
    upload, page = to_preview(client, "abandoned.xlsx", xlsx(good_rows(2)))
    url = reverse("finance:ledger_discard", args=["home", upload.pk])
    assert escape(url) in page and "Discard this upload" in page
    ledger_page = client.get(reverse("finance:ledger", args=["home"])).content.decode()
    assert escape(url) in ledger_page
    storage, name = upload.file.storage, upload.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("finance:ledger", args=["home"])
    assert levels(response) == [("success", "abandoned.xlsx has been discarded. Nothing from it was loaded.")]
    assert not Upload.objects.filter(pk=upload.pk).exists() and not storage.exists(name)
    gone = Upload.history.filter(id=upload.pk).latest("history_date")
    assert gone.history_type == "-" and gone.history_user == cast.users["finance"]
    assert gone.history_change_reason == "Discarded"


def test_a_loaded_upload_cannot_be_discarded(cast, budget):
    upload = receive(cast, xlsx(good_rows(2)))
    assert commit(cast, upload).ok
    client = cast.client("finance")
    response = client.post(reverse("finance:ledger_discard", args=["home", upload.pk]))
    assert levels(response)[0][0] == "error" and "Roll a loaded one back instead" in levels(response)[0][1]
    assert Upload.objects.filter(pk=upload.pk, status=Upload.Status.COMMITTED).exists()
    assert lines(cast).count() == 2


def test_a_commit_that_fails_says_so_as_an_error(cast, budget):
    client = cast.client("finance")
    upload = receive(cast, xlsx(good_rows(1) + [["x", "CC1", "1001", "", "", 1, "B1"]]))
    response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    assert levels(response) == [("error", "Nothing was loaded: the file has 1 error.")]
    page = client.get(response["Location"]).content.decode()
    assert "Nothing can be loaded until the file is corrected" in page


def test_one_file_column_for_two_fields_is_an_error_naming_both(cast, budget):
    client = cast.client("finance")
    response = post_file(client, "two.xlsx", xlsx(good_rows(2)))
    upload = Upload.objects.get(pk=int(re.search(r"/upload/(\d+)/", response["Location"]).group(1)))
    data = {"map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre",
            "map-account_code": "Account", "map-amount": "Amount", "map-reference": "Amount"}
    page = client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), data)
    assert page.status_code == 200
    assert ("\u2018Amount\u2019 is chosen for both Amount and Reference; choose a different column for one "
            "of them") in page.content.decode()
    upload.refresh_from_db()
    assert upload.mapping == {}


def test_a_file_whose_lines_are_all_in_already_offers_nothing_to_load(cast, budget):
    assert commit(cast, receive(cast, xlsx(good_rows(3)), "april.xlsx")).ok
    rows = good_rows(3)
    rows[0][3] = "the same lines, described differently"  # another file, the same references
    _, page = to_preview(cast.client("finance"), "april-edited.xlsx", xlsx(rows))
    assert ("Lines already loaded (same reference, not loaded again)", "3") in counts(page)
    assert ("Rows to load", "0") in counts(page)
    assert "There is nothing to load: every line of this file is loaded already." in page
    assert "Load 0" not in page and "accept_warnings" not in page
