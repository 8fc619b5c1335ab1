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


def _plain(v) -> str:
    from core.formats import decimal_text
    return decimal_text(v)


def test_report_says_what_the_finance_pages_say(world):
    """Budget against actual per line (actual, outturn, variance, RAG) and the savings
    against plan in the API are the finance home page's and the savings page's."""
    from decimal import Decimal

    from django.urls import reverse

    from finance.models import RealisedSaving, SavingsLine

    cast, *_ = world
    p = cast.programme
    SavingsLine.objects.create(programme=p, financial_year="2025/26", category="staffing", amount=Decimal("1000.50"))
    SavingsLine.objects.create(programme=p, financial_year="2026/27", category="contract", amount=Decimal("2000"))
    RealisedSaving.objects.create(programme=p, financial_year="2025/26", category="staffing", amount=Decimal("750.25"))
    client = cast.client("viewer")
    body = client.get(BASE.format(slug="home") + "report/").json()

    def line(x):
        return {"label": str(x.label), "budget": _plain(x.budget), "actual": _plain(x.actual),
                "forecast": _plain(x.forecast), "outturn": _plain(x.outturn), "variance": _plain(x.variance),
                "rag": x.rag.value, "rag_text": x.rag.text}

    report = client.get(reverse("finance:home", kwargs={"slug": "home"})).context["report"]
    answered = body["budget_against_actual"]
    assert answered["total"] == line(report.total)
    for key in ("by_year", "by_category", "by_cost_type", "by_workstream"):
        assert answered[key] == [line(x) for x in getattr(report, key)]

    page = client.get(reverse("finance:benefits", kwargs={"slug": "home"})).context
    shown = {key: [{"label": str(r.label), "planned": _plain(r.planned), "realised": _plain(r.realised),
                    "gap": _plain(r.gap)} for r in page[f"savings_{key}"]] for key in ("by_year", "by_category")}
    assert body["savings_against_plan"] == shown
    assert shown["by_category"] == [
        {"label": "Staffing and structure", "planned": "1000.5", "realised": "750.25", "gap": "-250.25"},
        {"label": "Contract and management fee", "planned": "2000", "realised": "0", "gap": "-2000"},
    ]


def test_kpis_say_what_the_kpi_page_says(cast):
    """Each KPI's latest reading and how it stands against target in the API are the KPIs
    page's (finance.reporting.KpiSummary)."""
    from datetime import date
    from decimal import Decimal

    from django.urls import reverse

    from finance.models import Kpi, KpiReading
    from tests.factories import KpiFactory

    p = cast.programme
    met = KpiFactory(programme=p, name="Met", baseline=Decimal("50"), target=Decimal("80"))
    better = KpiFactory(programme=p, name="Improving", baseline=Decimal("50"), target=Decimal("80"))
    lower = KpiFactory(programme=p, name="Lower is better", baseline=Decimal("10"), target=Decimal("5"),
                       direction=Kpi.Direction.LOWER)
    KpiFactory(programme=p, name="Unread")
    for kpi, readings in ((met, ["60", "85.5"]), (better, ["40", "65"]), (lower, ["8", "12"])):
        for month, value in enumerate(readings, start=1):
            KpiReading.objects.create(programme=p, kpi=kpi, date=date(2025, month, 1), value=Decimal(value))
    client = cast.client("viewer")
    page = client.get(reverse("finance:kpis", kwargs={"slug": "home"})).context["summaries"]
    shown = {s.kpi.name: (s.latest.date.isoformat() if s.latest else None,
                          _plain(s.latest.value) if s.latest else None, s.status.value, s.status.text)
             for s in page}
    answered = {k["name"]: (k["latest_reading_date"], k["latest_reading_value"], k["target_status"],
                            k["target_status_text"])
                for k in client.get(BASE.format(slug="home") + "kpis/").json()["results"]}
    assert answered == shown == {
        "Met": ("2025-02-01", "85.5", "green", "Meets target"),
        "Improving": ("2025-02-01", "65", "amber", "Improving"),
        "Lower is better": ("2025-02-01", "12", "red", "Not improving"),
        "Unread": (None, None, "", "No reading yet"),
    }
    one = client.get(BASE.format(slug="home") + f"kpis/{met.pk}/").json()
    assert (one["latest_reading_value"], one["target_status"]) == ("85.5", "green")
