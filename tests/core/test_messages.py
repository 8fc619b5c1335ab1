"""Flash messages look like what they are: a refusal is never a green "Success"."""
import lxml.html
import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _banners(html: str):
    return lxml.html.fromstring(f"<div>{html}</div>").xpath("//*[@data-message-level]")


def _title(banner) -> str:
    return banner.xpath(".//h2")[0].text_content().strip()


def _classes(banner) -> list[str]:
    return banner.get("class", "").split()


def test_an_error_from_a_real_page_shows_as_an_error_with_a_title(cast):
    client = cast.client("pm")
    url = f"/programmes/home/milestones/{cast.milestone.pk}/status/"
    response = client.post(url, {"status": "nonsense"}, follow=True)
    [banner] = _banners(response.content.decode())
    assert banner.get("data-message-level") == "error"
    assert "govuk-notification-banner--success" not in _classes(banner)
    assert "govuk-error-summary" in _classes(banner)
    assert _title(banner) == "There is a problem"
    assert banner.xpath(".//*[@role='alert']")
    assert "Choose a status from the list." in banner.text_content()
    assert "Success" not in banner.text_content()


def test_a_success_from_a_real_page_is_the_green_banner(cast):
    client = cast.client("pm")
    url = f"/programmes/home/milestones/{cast.milestone.pk}/status/"
    response = client.post(url, {"status": "complete"}, follow=True)
    [banner] = _banners(response.content.decode())
    assert "govuk-notification-banner--success" in _classes(banner)
    assert _title(banner) == "Success"
    assert banner.get("aria-labelledby") == banner.xpath(".//h2")[0].get("id")


@pytest.mark.parametrize("level, title", [
    (messages.WARNING, "Important"), (messages.INFO, "Information"),
    (messages.ERROR, "There is a problem"), (messages.SUCCESS, "Success"),
])
def test_each_level_has_its_own_look_and_a_title(level, title):
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.add_message(request, level, "Something to say.")
    from django.contrib.messages.context_processors import messages as messages_context

    html = render_to_string("includes/messages.html", messages_context(request))
    [banner] = _banners(html)
    assert _title(banner) == title
    is_success = "govuk-notification-banner--success" in _classes(banner)
    assert is_success == (level == messages.SUCCESS)
    if level in (messages.WARNING, messages.INFO):
        # The neutral banner is a landmark named by its title, not an alert.
        assert banner.get("role") == "region"
        assert banner.get("aria-labelledby") == banner.xpath(".//h2")[0].get("id")
