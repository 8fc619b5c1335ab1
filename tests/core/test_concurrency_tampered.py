"""A form over several records (here a programme's risk thresholds and appetites) sent
with a version it never gave: the page answers with the form and an error, saves
nothing, and saving again with the version it then shows goes through."""
import pytest
from django.urls import reverse

from core.concurrency import VERSION_FIELD
from risks.models import RiskSettings
from tests.concurrency import hidden_version

pytestmark = pytest.mark.django_db

NOT_RECOGNISED = "The version of the page you sent was not recognised."


@pytest.fixture
def saved(cast):
    """Thresholds saved once, so the page carries a version."""
    RiskSettings.objects.create(programme=cast.programme, green_max=4, amber_max=12)
    return cast


@pytest.mark.parametrize("tampered", [
    "garbage",  # no "=" at all
    "risks.risksettings.abc=0123",  # a primary key that is not a number
    "risks.risksettings.{pk}=0123|x",  # one good-looking part, one without "="
])
def test_a_tampered_version_is_an_error_on_the_form_not_a_server_error(saved, tampered):
    cast = saved
    settings = RiskSettings.objects.get(programme=cast.programme)
    url = reverse("risks:settings", args=[cast.programme.slug])
    client = cast.client("pm")
    assert hidden_version(client.get(url).content.decode())
    data = {"green_max": "5", "amber_max": "13", VERSION_FIELD: tampered.format(pk=settings.pk)}
    refused = client.post(url, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page and NOT_RECOGNISED in page
    settings.refresh_from_db()
    assert (settings.green_max, settings.amber_max) == (4, 12)
    again = hidden_version(page)
    assert again and again != tampered
    assert client.post(url, {**data, VERSION_FIELD: again}).status_code == 302
    settings.refresh_from_db()
    assert (settings.green_max, settings.amber_max) == (5, 13)
