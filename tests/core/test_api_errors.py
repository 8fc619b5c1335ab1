"""A validation error of a whole record has one shape in every app's API: a 400 whose body
names it under `non_field_errors` (DRF's NON_FIELD_ERRORS_KEY), never Django's `__all__`,
whether the serializer, the model's constraints or a service refused it."""
from unittest import mock

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from business_cases.models import Stage, StrategicObjective
from business_cases.services import version_create
from core.api import as_drf_validation_error
from finance.models import CostCentre
from programmes.models import ConfidenceAssessment
from programmes.services import record_save
from tests.workforce.conftest import load_roster, set_up_programme, staff
from workforce.models import EmployeeRecord, Readiness

pytestmark = pytest.mark.django_db

KEY = api_settings.NON_FIELD_ERRORS_KEY


def client_for(cast, who: str) -> APIClient:
    client = APIClient()
    client.force_login(cast.users[who])
    return client


def test_the_key_is_drfs():
    assert KEY == "non_field_errors" != NON_FIELD_ERRORS


def test_django_errors_are_put_in_drfs_shape():
    whole = as_drf_validation_error(ValidationError({NON_FIELD_ERRORS: ["Taken"], "code": ["Too long"]}))
    assert whole.detail == {KEY: ["Taken"], "code": ["Too long"]}
    listed = as_drf_validation_error(ValidationError(["Missing one", "Missing two"]))
    assert listed.detail == {KEY: ["Missing one", "Missing two"]}


# Each app: who writes, and a request its own rules refuse as a whole record (a duplicate
# caught by a unique constraint through full_clean, or a service's rule). Where an app's
# API has no such rule to break, its write service is made to refuse, which is what the
# shape is about.

def _programmes(cast):
    record_save(instance=ConfidenceAssessment(programme=cast.programme, period_end="2024-03-31", scale="five",
                                              rating="amber"), user=cast.users["pm"], reason="test")
    return "pm", "post", "confidence-assessments/", {"period_end": "2024-03-31", "scale": "five",
                                                     "rating": "green"}, None


def _risks(cast):
    refuse = mock.patch("risks.api.risk_save", side_effect=ValidationError("The register is closed for review."))
    return "pm", "post", "risks/", {"title": "API risk", "category": "legal", "likelihood": 2, "impact": 3,
                                    "residual_likelihood": 1, "residual_impact": 2}, refuse


def _finance(cast):
    record_save(instance=CostCentre(programme=cast.programme, code="CC100", name="Mobilisation"),
                user=cast.users["finance"], reason="test")
    return "finance", "post", "finance/cost-centres/", {"code": "CC100", "name": "Again"}, None


def _business_case_duplicate(cast):
    record_save(instance=StrategicObjective(programme=cast.programme, number=1, text="Transfer safely"),
                user=cast.users["pm"], reason="test")
    return "pm", "post", "strategic-objectives/", {"number": 1, "text": "Again"}, None


def _business_case_service(cast):
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    return "pm", "post", f"business-case-versions/{v.pk}/submit/", {}, None


def _workforce(cast):
    set_up_programme(cast.programme)
    load_roster(cast.programme, cast.users["hr"], staff(2))
    record = EmployeeRecord.objects.first()
    refuse = mock.patch("workforce.api.readiness_save",
                        side_effect=ValidationError({NON_FIELD_ERRORS: ["This person has left the roster."]}))
    return "hr", "put", f"workforce/people/{record.pk}/readiness/", {
        "checks": {"on_payroll": True, "laptop": False}}, refuse


def _consultations(cast):
    # No rule of a consultation is about the whole record: a stand-in clean() gives one.
    refuse = mock.patch("consultations.models.StaffConsultation.clean",
                        side_effect=ValidationError({NON_FIELD_ERRORS: ["The consultation overlaps another."]}))
    return "pm", "post", "staff-consultations/", {
        "title": "Transfer consultation", "duty": "tupe", "start_date": "2026-01-05",
        "end_date": "2026-02-20"}, refuse


CASES = {"programmes": _programmes, "risks": _risks, "finance": _finance, "consultations": _consultations,
         "business_cases (constraint)": _business_case_duplicate,
         "business_cases (service)": _business_case_service, "workforce": _workforce}


@pytest.mark.parametrize("case", CASES)
def test_a_whole_record_error_has_one_shape_in_every_app(cast, case):
    who, method, path, body, refuse = CASES[case](cast)
    url = f"/api/v1/programmes/{cast.programme.slug}/{path}"
    with refuse or mock.patch.dict({}):
        response = getattr(client_for(cast, who), method)(url, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert NON_FIELD_ERRORS not in errors
    assert list(errors) == [KEY]
    assert errors[KEY] and all(isinstance(m, str) and m for m in errors[KEY])
    if case == "workforce":
        assert not Readiness.objects.exists()


def test_every_app_with_an_api_is_driven():
    from django.urls import get_resolver

    namespaces = {ns for ns in get_resolver().namespace_dict if ns.endswith("api")}
    apps = {case.split(" ")[0] for case in CASES}
    assert {"api": "programmes", "risks_api": "risks", "finance_api": "finance",
            "business_cases_api": "business_cases", "workforce_api": "workforce",
            "consultations_api": "consultations"}.keys() == namespaces
    assert apps == {"programmes", "risks", "finance", "business_cases", "workforce", "consultations"}
