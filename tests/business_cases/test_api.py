"""The business case API keeps the pages' rules: members read, programme managers and
directors write, only directors record decisions, outsiders get 404, anonymous 401; the
ranking and appraisal results are read-only."""

import pytest
from rest_framework.test import APIClient

from business_cases.models import SECTIONS, AppraisalLine, BusinessCase, BusinessCaseVersion, MatrixCell, Option, Stage
from business_cases.services import version_create
from tests.business_cases.conftest import add_line, make_option
from tests.conftest import CAST

WRITERS = {"pm", "director"}


def client_for(cast, who):
    client = APIClient()
    if who != "anonymous":
        client.force_login(cast.users[who])
    return client


@pytest.mark.parametrize("who", CAST)
def test_read_and_write_rules(soc_ready, who):
    cast = soc_ready
    client = client_for(cast, who)
    base = f"/api/v1/programmes/{cast.programme.slug}"
    op1 = cast.programme.options.get(code="Op.1")
    fit = cast.programme.appraisal_criteria.get()
    reads = [client.get(f"{base}/{segment}/") for segment in (
        "business-cases", "business-case-versions", "strategic-objectives", "critical-success-factors", "options",
        "appraisal-criteria", "matrix-cells", "appraisal-lines", "options-ranking", "economic-appraisal")]
    writes = [
        client.post(f"{base}/options/", {"code": "Op.5", "title": "Partnership", "kind": "option"}, format="json"),
        client.post(f"{base}/appraisal-lines/", {"option": op1.pk, "category": "capital", "year": 0,
                                                 "financial_year": "2024/25", "description": "Kit",
                                                 "amount": "1000.00"}, format="json"),
        client.patch(f"{base}/matrix-cells/{MatrixCell.objects.get(option=op1).pk}/", {"level": "meets"},
                     format="json"),
        client.post(f"{base}/strategic-objectives/", {"number": 2, "text": "Redesign"}, format="json"),
        client.post(f"{base}/appraisal-criteria/", {"title": "Gate", "kind": "gate"}, format="json"),
    ]
    if who == "anonymous":
        assert {r.status_code for r in reads + writes} == {401}
    elif who == "outsider":
        assert {r.status_code for r in reads + writes} == {404}
    else:
        assert {r.status_code for r in reads} == {200}
        expected = {201, 200} if who in WRITERS else {403}
        assert {r.status_code for r in writes} <= expected, [r.content for r in writes]
        ranking = reads[8].json()
        assert [o["code"] for o in ranking["options"]] == ["Op.2", "Op.1"]
        assert ranking["options"][0]["outcome"] == "preferred" and fit.title == "Fit"
    created = Option.objects.filter(code="Op.5").first()
    assert (created is not None) == (who in WRITERS)
    if created:
        assert created.history.first().history_user == cast.users[who]
        line = AppraisalLine.objects.get(description="Kit")
        assert str(line.financial_year) == "2024/25" and line.programme == cast.programme


def test_api_versions_submit_and_decide(soc_ready):
    cast = soc_ready
    base = f"/api/v1/programmes/{cast.programme.slug}"
    pm, director = client_for(cast, "pm"), client_for(cast, "director")
    case = BusinessCase.objects.create(programme=cast.programme, stage=Stage.SOC)
    cases = {f: f"The {h.lower()}." for f, h in SECTIONS}
    made = pm.post(f"{base}/business-case-versions/", {"business_case": case.pk, **cases, "strategic_case": "Why"},
                   format="json")
    assert made.status_code == 201 and made.json()["number"] == 1 and made.json()["status"] == "draft"
    pk = made.json()["id"]
    assert pm.post(f"{base}/business-case-versions/{pk}/submit/").json()["status"] == "in_review"
    decision = {"decision": "approve", "approving_body": "Cabinet", "meeting_date": "2022-11-10",
                "decision_reference": "E3393"}
    assert pm.post(f"{base}/business-case-versions/{pk}/decide/", decision, format="json").status_code == 403
    decided = director.post(f"{base}/business-case-versions/{pk}/decide/", decision, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    # A decided version's text is fixed.
    refused = pm.patch(f"{base}/business-case-versions/{pk}/", {"strategic_case": "Changed"}, format="json")
    assert refused.status_code == 400
    assert BusinessCaseVersion.objects.get(pk=pk).strategic_case == "Why"
    # Nor can a decided version, or its stage, be deleted.
    assert pm.delete(f"{base}/business-case-versions/{pk}/").status_code == 409
    assert pm.delete(f"{base}/business-cases/{case.pk}/").status_code == 409
    assert BusinessCaseVersion.objects.filter(pk=pk).exists()


def test_api_submit_names_what_is_missing(cast):
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    response = client_for(cast, "pm").post(f"/api/v1/programmes/{cast.programme.slug}/business-case-versions/"
                                           f"{v.pk}/submit/")
    assert response.status_code == 400
    assert "Strategic objectives: add at least one (SO1)." in response.json()["non_field_errors"]


def test_api_appraisal_results_are_computed(soc_ready):
    cast = soc_ready
    p = cast.programme
    add_line(p.options.get(code="Op.1"), "revenue", 0, "100")
    add_line(p.options.get(code="Op.2"), "revenue", 0, "100")
    add_line(p.options.get(code="Op.2"), "cash_releasing", 1, "207")  # 207 / 1.035 = 200
    data = client_for(cast, "viewer").get(f"/api/v1/programmes/{p.slug}/economic-appraisal/").json()
    op2 = next(o for o in data["options"] if o["code"] == "Op.2")
    # Each decimal as its plain figure (core.api's one rule): "100", never "100.00".
    assert (op2["pv_costs"], op2["pv_benefits"], op2["npsv"], op2["bcr"]) == ("100", "200", "100", "2")
    assert data["switching_value"] == {"preferred": "Op.2", "runner_up": "Op.1", "amount": "200",
                                       "percent_of_costs": "200", "percent_of_benefits": "100"}
    planned, late = data["scenarios"][:2]
    assert (planned["key"], planned["npsv"], late["key"]) == ("planned", op2["npsv"], "benefits_year_late")


def test_api_refuses_another_programmes_option_and_bad_cells(soc_ready):
    cast = soc_ready
    foreign = make_option(cast.other_programme, "Op.1")
    client = client_for(cast, "pm")
    base = f"/api/v1/programmes/{cast.programme.slug}"
    response = client.post(f"{base}/appraisal-lines/", {"option": foreign.pk, "category": "capital", "year": 0,
                                                        "description": "x", "amount": "1"}, format="json")
    assert response.status_code == 400 and "option" in response.json()
    fit = cast.programme.appraisal_criteria.get()
    op = make_option(cast.programme, "Op.7")
    response = client.post(f"{base}/matrix-cells/", {"option": op.pk, "criterion": fit.pk}, format="json")
    assert response.status_code == 400 and "level" in response.json()
    response = client.post(f"{base}/appraisal-lines/", {"option": op.pk, "category": "unmonetised", "year": 0,
                                                        "description": "Pride", "amount": "5"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()
    assert not AppraisalLine.objects.filter(option=op).exists()


APPRAISAL_FIGURES = ("optimism_bias_percent", "confidence_percent", "cost_total", "benefit_total",
                     "pv_costs_before_bias", "optimism_bias", "pv_costs", "pv_benefits_before_confidence",
                     "pv_benefits", "npsv", "bcr")


def test_api_says_what_the_appraisal_page_says(soc_ready):
    """Each option's present values, NPSV, BCR, preferred and not-appraised flags and the
    switching value in the API are the appraisal page's (selectors.appraisal)."""
    from django.urls import reverse

    from core.formats import decimal_text

    cast = soc_ready
    p = cast.programme
    add_line(p.options.get(code="Op.1"), "revenue", 0, "100")
    add_line(p.options.get(code="Op.2"), "revenue", 0, "150.50")
    add_line(p.options.get(code="Op.2"), "cash_releasing", 2, "333.33")
    client = client_for(cast, "viewer")
    summary = client.get(reverse("business_cases:appraisal", kwargs={"slug": p.slug})).context["summary"]

    def plain(v):
        return None if v is None else decimal_text(v)

    shown = {o["code"]: ({k: plain(o[k]) for k in APPRAISAL_FIGURES}, o["preferred"], o["has_lines"],
                         o["unmonetised"]) for o in summary["options"]}
    data = client.get(f"/api/v1/programmes/{p.slug}/economic-appraisal/").json()
    answered = {o["code"]: ({k: o[k] for k in APPRAISAL_FIGURES}, o["preferred"], o["has_lines"],
                            o["unmonetised"]) for o in data["options"]}
    assert answered == shown
    assert len(shown) >= 2 and any(preferred for _, preferred, _, _ in shown.values())
    sv = summary["switching"]
    assert data["switching_value"] == {"preferred": sv.preferred, "runner_up": sv.runner_up,
                                       "amount": plain(sv.amount), "percent_of_costs": plain(sv.percent_of_costs),
                                       "percent_of_benefits": plain(sv.percent_of_benefits)}
    assert (data["preferred"], data["not_appraised"]) == (summary["preferred"], summary["not_appraised"])


def test_api_says_what_the_matrix_page_says(soc_ready):
    """Each option's rank, gates, score, percentage and outcome in the ranking API are the
    matrix page's (selectors.ranking)."""
    from django.urls import reverse

    from core.formats import decimal_text

    cast = soc_ready
    p = cast.programme
    client = client_for(cast, "viewer")
    matrix = client.get(reverse("business_cases:matrix", kwargs={"slug": p.slug})).context["matrix"]
    keys = ("rank", "passes_gates", "total", "percent", "outcome", "computed_label", "outcome_label", "overridden")

    def plain(v):
        return decimal_text(v) if hasattr(v, "as_tuple") else v

    shown = {r["code"]: tuple(plain(r[k]) for k in keys) for r in matrix["rows"]}
    data = client.get(f"/api/v1/programmes/{p.slug}/options-ranking/").json()
    answered = {r["code"]: tuple(r[k] for k in keys) for r in data["options"]}
    assert answered == shown and len(shown) >= 2
    assert data["max_total"] == plain(matrix["max_total"])
