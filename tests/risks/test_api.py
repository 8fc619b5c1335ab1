"""The risks API keeps the pages' rules: members read, programme managers and directors
write, outsiders get 404, anonymous clients 401/403."""
import pytest
from rest_framework.test import APIClient

from risks.models import Issue, Risk, RiskAction
from tests.conftest import CAST
from tests.risks.conftest import make_risk

WRITERS = {"pm", "director"}


def client_for(cast, who):
    client = APIClient()
    if who != "anonymous":
        client.force_login(cast.users[who])
    return client


@pytest.fixture
def risk(cast):
    return make_risk(cast.programme, cast.users["pm"])


@pytest.mark.parametrize("who", CAST)
def test_read_and_write_rules(cast, risk, who):
    client = client_for(cast, who)
    base = f"/api/v1/programmes/{cast.programme.slug}"
    read = client.get(f"{base}/risks/")
    write = client.post(f"{base}/risks/", {
        "title": "API risk", "category": "legal", "likelihood": 2, "impact": 3,
        "residual_likelihood": 1, "residual_impact": 2}, format="json")
    action = client.post(f"{base}/risk-actions/", {"risk": risk.pk, "description": "Do it"}, format="json")
    issue = client.post(f"{base}/issues/", {"title": "It happened", "raised_on": "2030-01-01",
                                            "risk": risk.pk}, format="json")
    if who == "anonymous":
        assert read.status_code == 401 and write.status_code == 401
    elif who == "outsider":
        assert {read.status_code, write.status_code, action.status_code, issue.status_code} == {404}
    else:
        assert read.status_code == 200
        assert read.json()["results"][0]["reference"] == "R-001"
        expected = 201 if who in WRITERS else 403
        assert (write.status_code, action.status_code, issue.status_code) == (expected,) * 3
    created = Risk.objects.filter(title="API risk").first()
    assert (created is not None) == (who in WRITERS)
    if created:
        assert created.reference == "R-002" and write.json()["residual_score"] == 2
        assert created.history.first().history_user == cast.users[who]
        assert RiskAction.objects.get(description="Do it").programme == cast.programme
        assert Issue.objects.get(title="It happened").risk == risk


def test_api_refuses_another_programmes_risk(cast, risk):
    foreign = make_risk(cast.other_programme)
    client = client_for(cast, "pm")
    response = client.post(f"/api/v1/programmes/{cast.programme.slug}/risk-actions/",
                           {"risk": foreign.pk, "description": "Sneaky"}, format="json")
    assert response.status_code == 400 and "risk" in response.json()
    assert client.get(f"/api/v1/programmes/{cast.programme.slug}/risks/{foreign.pk}/").status_code == 404


def test_api_validation_names_the_field(cast):
    response = client_for(cast, "pm").post(f"/api/v1/programmes/{cast.programme.slug}/risks/", {
        "title": "Bad", "category": "legal", "likelihood": 7, "impact": 3,
        "residual_likelihood": 1, "residual_impact": 2, "escalated": True}, format="json")
    assert response.status_code == 400
    assert "likelihood" in response.json()
    assert not Risk.objects.exists()


def test_api_says_what_the_register_says(cast):
    """Each risk's RAGs, appetite flag and overdue review in the API are the register
    page's, under the programme's own thresholds and appetites."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from risks.models import RiskAppetite, RiskSettings

    RiskSettings.objects.create(programme=cast.programme, green_max=4, amber_max=9)
    RiskAppetite.objects.create(programme=cast.programme, category="legal", max_residual_score=4)
    past = timezone.localdate() - timedelta(days=3)
    make_risk(cast.programme, title="Red, overdue", category="legal", likelihood=5, impact=5,
              residual_likelihood=3, residual_impact=3, next_review_date=past)
    make_risk(cast.programme, title="Green", category="legal", likelihood=2, impact=2,
              residual_likelihood=1, residual_impact=2)
    make_risk(cast.programme, title="Amber", category="financial", likelihood=3, impact=3,
              residual_likelihood=3, residual_impact=2)
    client = client_for(cast, "viewer")
    page = client.get(reverse("risks:register", kwargs={"slug": cast.programme.slug}))
    shown = {r.title: (r.inherent_rag, r.residual_rag, r.above_appetite, r.review_overdue)
             for r in page.context["risks"]}
    answered = {r["title"]: (r["inherent_rag"], r["residual_rag"], r["above_appetite"], r["review_overdue"])
                for r in client.get(f"/api/v1/programmes/{cast.programme.slug}/risks/").json()["results"]}
    assert answered == shown == {
        "Red, overdue": ("red", "amber", True, True),
        "Green": ("green", "green", False, False),
        "Amber": ("amber", "amber", False, False),
    }

    # A risk written through the API answers with its figures too, appetite included.
    made = client_for(cast, "pm").post(f"/api/v1/programmes/{cast.programme.slug}/risks/", {
        "title": "New", "category": "legal", "likelihood": 4, "impact": 4,
        "residual_likelihood": 2, "residual_impact": 3}, format="json").json()
    assert (made["inherent_rag"], made["residual_rag"], made["above_appetite"]) == ("red", "amber", True)
