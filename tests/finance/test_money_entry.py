"""Money as officers paste it, through a page, an upload and the API: "£31,000" is saved as
31000, and what cannot be read is refused with the field named and nothing written."""
from datetime import date
from decimal import Decimal

from django.urls import reverse

from finance.models import LedgerTransaction, SavingsLine
from tests.finance.conftest import commit, csv_bytes, receive, xlsx

PASTED = {"financial_year": "2025/26", "category": "contract", "recurrence": "recurrent",
          "description": "Care packages"}


def test_a_page_takes_a_pasted_amount_and_says_its_sign(cast):
    client = cast.client("finance")
    url = reverse("finance:savings_create", args=[cast.programme.slug])
    page = client.get(url).content.decode()
    assert "A saving is a positive amount (£0 or more)." in page
    response = client.post(url, {**PASTED, "amount": "£31,000"})
    assert response.status_code == 302
    assert SavingsLine.objects.get(programme=cast.programme).amount == Decimal("31000")


def test_a_page_refuses_what_it_would_guess_at_naming_the_field(cast):
    client = cast.client("finance")
    url = reverse("finance:savings_create", args=[cast.programme.slug])
    page = client.post(url, {**PASTED, "amount": "31k"}).content.decode()
    assert "Enter the amount in full, like 31000 rather than 31k" in page
    page = client.post(url, {**PASTED, "amount": "(1,000)"}).content.decode()
    assert "The amount cannot be negative: enter £0 or more" in page
    assert not SavingsLine.objects.exists()


def test_an_upload_row_with_pounds_and_commas_loads_to_the_penny(cast, budget):
    rows = [[date(2023, 5, 1), "CC1", "1001", "Agency", "Acme", "£31,000", "P1"],
            [date(2023, 5, 2), "CC1", "1001", "Credit", "Acme", "(1,000.50)", "P2"]]
    outcome = commit(cast, receive(cast, xlsx(rows)))
    assert outcome.ok
    assert sorted(LedgerTransaction.objects.filter(programme=cast.programme).values_list("amount", flat=True)) == [
        Decimal("-1000.50"), Decimal("31000.00")]


def test_an_upload_row_with_a_decimal_comma_is_refused_on_its_row(cast, budget):
    rows = [["01/05/2023", "CC1", "1001", "a", "", "1,5", "C1"]]
    upload = receive(cast, csv_bytes(rows), "ledger.csv")
    outcome = commit(cast, upload)
    assert not outcome.ok
    assert not LedgerTransaction.objects.filter(programme=cast.programme).exists()
    upload.refresh_from_db()
    assert any("comma that is not between thousands" in str(e) for e in upload.errors)


def test_the_api_takes_the_same_strings(cast):
    url = f"/api/v1/programmes/{cast.programme.slug}/finance/savings/"
    client = cast.client("finance")
    response = client.post(url, {**PASTED, "amount": "£31,000.50"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "31000.5"
    refused = client.post(url, {**PASTED, "amount": "1,5"}, content_type="application/json")
    assert refused.status_code == 400
    assert "comma that is not between thousands" in refused.json()["amount"][0]
