"""One person's readiness over the API carries a version once it has been set."""
import pytest

from tests.workforce.conftest import check_ids, ticked
from tests.workforce.test_api import api_world, client_for, endpoints  # noqa: F401  (api_world is a fixture)
from workforce.models import Readiness

pytestmark = pytest.mark.django_db
CHECKS = {"checks": {"on_payroll": True, "network_account": True, "laptop": False, "phone": False,
                     "induction_booked": True}}
WITH_PHONE = {"checks": {**CHECKS["checks"], "phone": True}}


def test_a_stale_readiness_put_is_refused(api_world):  # noqa: F811
    url = endpoints(api_world)[1]["person_readiness"]
    hr = client_for(api_world, "hr")
    assert "ETag" not in hr.get(url)  # nothing set yet, so no version to hold on to
    tag = hr.put(url, CHECKS, format="json")["ETag"]
    assert hr.get(url)["ETag"] == tag

    programme = api_world.programme
    stored = Readiness.objects.get()
    stored.done = sorted([*stored.done, *check_ids(programme, "laptop")])
    stored.save()
    refused = hr.put(url, WITH_PHONE, format="json", HTTP_IF_MATCH=tag)
    assert refused.status_code == 412
    assert [c["field"] for c in refused.json()["changed_fields"]] == ["done"]
    assert "phone" not in ticked(Readiness.objects.get())

    fresh = hr.get(url)["ETag"]
    assert hr.put(url, WITH_PHONE, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    assert ticked(Readiness.objects.get()) == {"on_payroll", "network_account", "phone", "induction_booked"}
