"""The risk register's rules: scores, RAG, appetite, numbering, trends, the heat map, the
overview panel, the spreadsheet, the forms and the demo."""
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programmes.demo import DEMO_SLUG, demo_load
from programmes.models import Programme
from risks.demo import RISKS
from risks.heatmap import heatmap_svg
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings, rag_for
from risks.selectors import RegisterFilters, register, residual_trends
from risks.services import risk_save, risk_settings_for
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("score,expected", [(1, "green"), (4, "green"), (5, "amber"), (12, "amber"),
                                            (15, "red"), (25, "red")])
def test_default_rag_thresholds(score, expected):
    assert rag_for(score) == expected


def test_scores_and_programme_thresholds(cast, risk):
    assert (risk.inherent_score, risk.residual_score) == (16, 9)
    settings = RiskSettings.objects.create(programme=cast.programme, green_max=9, amber_max=15)
    assert settings.rag(risk.residual_score) == "green"
    assert settings.rag(risk.inherent_score) == "red"
    assert settings.rag(10) == "amber"


def test_settings_must_have_green_below_amber(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        RiskSettings(programme=cast.programme, green_max=12, amber_max=10).full_clean()
    assert "amber_max" in e.value.message_dict


def test_appetite_breach_is_flagged(cast, risk):
    today = timezone.localdate()
    settings = risk_settings_for(programme=cast.programme)
    [row] = register(programme=cast.programme, filters=RegisterFilters(), settings=settings, today=today)
    assert row.above_appetite is False  # no appetite set
    RiskAppetite.objects.create(programme=cast.programme, category="workforce", max_residual_score=6)
    [row] = register(programme=cast.programme, filters=RegisterFilters(), settings=settings, today=today)
    assert row.above_appetite is True
    make_risk(cast.programme, residual_likelihood=2, residual_impact=2, title="Within appetite")
    rows = register(programme=cast.programme, filters=RegisterFilters(above_appetite=True),
                    settings=settings, today=today)
    assert [r.pk for r in rows] == [risk.pk]
    response = cast.client("viewer").get(reverse("risks:register", args=[cast.programme.slug]))
    assert "Above appetite" in response.content.decode()


def test_references_are_numbered_per_programme(cast):
    a = make_risk(cast.programme)
    b = make_risk(cast.programme)
    other = make_risk(cast.other_programme)
    assert (a.reference, b.reference, other.reference) == ("R-001", "R-002", "R-001")
    b.title = "Edited"
    risk_save(risk=b, user=None, reason="Edit")
    assert b.reference == "R-002"


def test_trend_from_history(cast, risk):
    pm = cast.users["pm"]
    risk.residual_likelihood, risk.residual_impact = 2, 3
    risk_save(risk=risk, user=pm, reason="Mitigation working")
    risk.title = "Renamed"  # no change of score: not a step in the trend
    risk_save(risk=risk, user=pm, reason="Renamed")
    risk.residual_likelihood, risk.residual_impact = 2, 2
    risk_save(risk=risk, user=pm, reason="Better still")
    assert residual_trends([risk]) == {risk.pk: [9, 6, 4]}
    last = risk.history.first()
    assert (last.history_user, last.history_change_reason) == (pm, "Better still")
    page = cast.client("viewer").get(reverse("risks:register", args=[cast.programme.slug])).content.decode()
    assert "9 → 6 → 4" in page


def test_heatmap_counts_and_links(cast):
    make_risk(cast.programme, likelihood=5, impact=4, residual_likelihood=2, residual_impact=3)
    make_risk(cast.programme, likelihood=5, impact=4, residual_likelihood=2, residual_impact=3)
    make_risk(cast.programme, likelihood=1, impact=1, residual_likelihood=1, residual_impact=1)
    make_risk(cast.programme, status=Risk.Status.CLOSED)
    page = cast.client("viewer").get(reverse("risks:heatmap", args=[cast.programme.slug])).content.decode()
    assert page.count('role="group" width') == 2  # with links, each map is a labelled group
    assert "style=" not in page.split("<svg", 1)[1].rsplit("</svg>", 1)[0]
    assert 'aria-label="Likelihood 5, impact 4 (score 20, red): 2 risks"' in page
    assert 'aria-label="Likelihood 2, impact 3 (score 6, amber): 2 risks"' in page
    link = f"/programmes/{cast.programme.slug}/risks/?likelihood=2&amp;impact=3&amp;basis=residual"
    assert f'href="{link}"' in page
    # The link opens the register filtered to that cell.
    register_page = cast.client("viewer").get(link.replace("&amp;", "&")).content.decode()
    assert "2 risks" in register_page


def test_heatmap_drawing_on_its_own():
    svg = str(heatmap_svg(counts={(3, 3): 7}, title="Residual <risk>"))
    assert 'role="img"' in svg  # without links (as in a Cabinet paper) it is one image
    assert "<title" in svg and "<desc" in svg and "&lt;risk&gt;" in svg
    assert len(re.findall(r"<rect ", svg)) == 25
    assert ">7</text>" in svg


def test_register_filters_and_sorts(cast, risk):
    low = make_risk(cast.programme, title="Low one", likelihood=1, impact=2, residual_likelihood=1,
                    residual_impact=1, category="legal",
                    next_review_date=timezone.localdate() - timedelta(days=1), escalated=True,
                    escalated_on=timezone.localdate())
    url = reverse("risks:register", args=[cast.programme.slug])
    client = cast.client("viewer")

    def refs(query):
        return [r.pk for r in client.get(url + query).context["risks"]]

    assert refs("?sort=residual") == [risk.pk, low.pk]
    assert refs("?sort=inherent") == [risk.pk, low.pk]
    assert refs("?sort=review") == [low.pk, risk.pk]
    assert refs("?category=legal") == [low.pk]
    assert refs(f"?owner={cast.users['hr'].pk}") == [risk.pk]
    assert refs(f"?workstream={cast.workstream.pk}") == [risk.pk]
    assert refs("?rag=green") == [low.pk]
    assert refs("?rag=amber") == [risk.pk]
    assert refs("?escalated=1") == [low.pk]
    assert refs("?review_overdue=1") == [low.pk]
    page = client.get(url).content.decode()
    assert "Amber</strong>" in page and "Green</strong>" in page  # RAG as text as well as colour


def test_overview_panel_counts_overdue(cast):
    today = timezone.localdate()
    a = make_risk(cast.programme, next_review_date=today - timedelta(days=3))
    make_risk(cast.programme, next_review_date=today + timedelta(days=3))
    make_risk(cast.programme, next_review_date=today - timedelta(days=3), status=Risk.Status.CLOSED)
    RiskAction.objects.create(programme=cast.programme, risk=a, description="Late", due_date=today - timedelta(1))
    RiskAction.objects.create(programme=cast.programme, risk=a, description="Done", due_date=today - timedelta(1),
                              status=RiskAction.Status.DONE)
    RiskAction.objects.create(programme=cast.programme, risk=a, description="Later", due_date=today + timedelta(1))
    response = cast.client("viewer").get(reverse("programmes:overview", args=[cast.programme.slug]))
    panel = next(p for p in response.context["panels"] if p["title"] == "Risks")
    assert [(label, value) for label, value, _ in panel["items"]] == [
        ("open risks", 2), ("risk reviews overdue", 1), ("mitigating actions overdue", 1)]
    assert "risk reviews overdue" in response.content.decode()


def test_xlsx_export(cast, risk):
    risk.title = "=HYPERLINK(\"http://evil\")"
    risk_save(risk=risk, user=None, reason="Test")
    response = cast.client("viewer").get(reverse("risks:export", args=[cast.programme.slug]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["Risk register"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["Reference"] == "R-001"
    assert row["Title"].startswith("'=")
    assert (row["Inherent score"], row["Residual score"], row["Residual RAG"]) == (16, 9, "Amber")


def test_risk_form_errors_name_the_field_and_write_nothing(cast):
    url = reverse("risks:create", args=[cast.programme.slug])
    before = Risk.history.count()
    response = cast.client("pm").post(url, {"title": "", "category": "workforce", "likelihood": "9",
                                            "impact": "3", "residual_likelihood": "2", "residual_impact": "2",
                                            "response": "treat", "status": "open", "escalated": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "likelihood", "escalated_on"}
    page = response.content.decode()
    assert "Enter the title" in page and "Enter the date the risk was escalated" in page
    assert Risk.objects.count() == 0 and Risk.history.count() == before


def test_issue_form_rejects_another_programmes_risk(cast):
    foreign = make_risk(cast.other_programme)
    response = cast.client("pm").post(reverse("risks:issue_create", args=[cast.programme.slug]), {
        "title": "Late data", "risk": foreign.pk, "priority": "high", "raised_on": "2030-01-01",
        "status": "open"})
    assert response.status_code == 200
    assert "risk" in response.context["form"].errors
    assert not Issue.objects.exists()


def test_settings_page_sets_thresholds_and_appetite(cast):
    response = cast.client("pm").post(reverse("risks:settings", args=[cast.programme.slug]), {
        "green_max": "6", "amber_max": "14", "appetite_workforce": "8"})
    assert response.status_code == 302
    settings = RiskSettings.objects.get(programme=cast.programme)
    assert (settings.green_max, settings.amber_max) == (6, 14)
    assert list(RiskAppetite.objects.values_list("category", "max_residual_score")) == [("workforce", 8)]
    assert settings.history.first().history_user == cast.users["pm"]


def test_demo_loads_the_six_risks(db, settings):
    settings.INSOURCE_DEMO_PASSWORD = "insource-demo"
    today = timezone.localdate()
    assert demo_load(today=today)
    programme = Programme.objects.get(slug=DEMO_SLUG)
    risks = list(Risk.objects.filter(programme=programme).order_by("number"))
    assert len(risks) == len(RISKS) == 6
    assert [r.reference for r in risks] == [f"R-00{n}" for n in range(1, 7)]
    assert sum(r.escalated for r in risks) == 1
    assert any(r.next_review_date < today for r in risks)
    assert RiskAction.objects.filter(programme=programme).count() >= 6
    assert demo_load(today=today) is False  # still idempotent
    assert Risk.objects.filter(programme=programme).count() == 6
