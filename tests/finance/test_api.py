"""The finance API under the same rules as the pages: members read, finance officers and
programme managers write, outsiders get 404; the report, uploads list and roll back."""
import pytest

from finance.api import VIEWSETS
from finance.models import BudgetLine, LedgerTransaction
from tests.finance.conftest import commit, good_rows, make_budget, receive, xlsx

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/{slug}/finance/"


@pytest.fixture
def world(cast):
    version = make_budget(cast.programme, cast.workstream)
    upload = receive(cast, xlsx(good_rows(3)))
    commit(cast, upload)
    return cast, version, upload


@pytest.mark.parametrize("segment", sorted(VIEWSETS) + ["ledger-transactions", "ledger-uploads", "report"])
def test_every_member_reads_and_outsiders_get_404(world, segment):
    cast, *_ = world
    url = BASE.format(slug="home") + f"{segment}/"
    for who in ("pm", "finance", "hr", "director", "viewer"):
        assert cast.client(who).get(url).status_code == 200, who
    assert cast.client("outsider").get(url).status_code == 404
    assert cast.client("anonymous").get(url).status_code in (401, 403)


def test_only_finance_roles_write(world):
    cast, version, _ = world
    url = BASE.format(slug="home") + "budget-lines/"
    data = {"version": version.pk, "financial_year": "2024/25", "category": "capital", "cost_type": "systems",
            "amount": "1234.50"}
    for who, expected in (("viewer", 403), ("hr", 403), ("director", 403), ("finance", 201), ("pm", 201)):
        assert cast.client(who).post(url, data, content_type="application/json").status_code == expected, who
    line = BudgetLine.objects.filter(amount="1234.50").first()
    assert str(line.financial_year) == "2024/25"
    assert line.history.first().history_user == cast.users["finance"]
    bad = cast.client("finance").post(url, {**data, "financial_year": "2024/26"}, content_type="application/json")
    assert bad.status_code == 400 and "financial_year" in bad.json()


def test_report_gives_the_figures(world):
    cast, *_ = world
    body = cast.client("viewer").get(BASE.format(slug="home") + "report/").json()
    assert body["budget_against_actual"]["total"]["budget"] == "80000"  # a decimal's plain figure (core.api)
    assert body["mobilisation_spend"]["total"] == "303.75"


def test_rollback_through_the_api(world):
    cast, _, upload = world
    url = BASE.format(slug="home") + f"ledger-uploads/{upload.pk}/rollback/"
    assert cast.client("viewer").post(url).status_code == 403
    assert cast.client("outsider").post(url).status_code == 404
    assert cast.client("finance").post(url).status_code == 200
    assert not LedgerTransaction.objects.exists()
    assert cast.client("finance").post(url).status_code == 409
