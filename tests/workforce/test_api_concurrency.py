"""One person's readiness over the API carries a version once it has been set."""
import pytest

from tests.workforce.test_api import api_world, client_for, endpoints  # noqa: F401  (api_world is a fixture)
from workforce.models import Readiness

pytestmark = pytest.mark.django_db
CHECKS = {"on_payroll": True, "network_account": True, "laptop": False, "phone": False,
          "induction_booked": True}


def test_a_stale_readiness_put_is_refused(api_world):  # noqa: F811
    url = endpoints(api_world)[1]["person_readiness"]
    hr = client_for(api_world, "hr")
    assert "ETag" not in hr.get(url)  # nothing set yet, so no version to hold on to
    tag = hr.put(url, CHECKS, format="json")["ETag"]
    assert hr.get(url)["ETag"] == tag

    Readiness.objects.update(laptop=True)
    refused = hr.put(url, {**CHECKS, "phone": True}, format="json", HTTP_IF_MATCH=tag)
    assert refused.status_code == 412
    assert [c["field"] for c in refused.json()["changed_fields"]] == ["laptop"]
    assert Readiness.objects.get().phone is False

    fresh = hr.get(url)["ETag"]
    assert hr.put(url, {**CHECKS, "phone": True}, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    assert Readiness.objects.get().phone is True
