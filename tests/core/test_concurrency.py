"""Two people edit the same milestone: the second save is refused with what changed, the
first one's change survives, and a second save on purpose goes through."""
from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse

from core.concurrency import VERSION_FIELD, record_version
from programmes.models import Milestone

pytestmark = pytest.mark.django_db


def _as_rendered(response) -> dict:
    """What a browser would send back from the page's edit form, unchanged."""
    doc = lxml.html.fromstring(response.content.decode())
    [form] = [f for f in doc.forms if f.xpath(f".//input[@name='{VERSION_FIELD}']")]
    data: dict = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def _date_boxes(data: dict, name: str, when) -> None:
    data[f"{name}_day"], data[f"{name}_month"], data[f"{name}_year"] = (
        [str(when.day)], [str(when.month)], [str(when.year)])


@pytest.fixture
def two_editors(cast):
    m = cast.milestone
    url = reverse("programmes:milestone_edit", args=["home", m.pk])
    first, second = cast.client("pm"), cast.client("director")
    return m, url, first, second, _as_rendered(first.get(url)), _as_rendered(second.get(url))


def test_the_second_save_is_refused_and_the_first_survives(cast, two_editors):
    m, url, first, second, first_form, second_form = two_editors
    first_form["title"] = ["Consultation with unions"]
    assert first.post(url, first_form).status_code == 302

    later = m.forecast_date + timedelta(days=21)
    _date_boxes(second_form, "forecast_date", later)
    refused = second.post(url, second_form)

    assert refused.status_code == 200
    page = refused.content.decode()
    pm = cast.users["pm"]
    summary = lxml.html.fromstring(page).xpath("//div[contains(@class,'govuk-error-summary')]")[0]
    text = summary.text_content()
    assert f"{pm.get_full_name()} changed this milestone on" in text
    assert "after you opened it" in text
    assert "Title is now “Consultation with unions”; yours was “Consultation”." in text
    m.refresh_from_db()
    assert m.title == "Consultation with unions"
    assert m.forecast_date != later
    # The form keeps the second person's edit for them to check, with the version now stored.
    again = _as_rendered(refused)
    assert int(again["forecast_date_day"][0]) == later.day
    assert again[VERSION_FIELD] == [record_version(Milestone.objects.get(pk=m.pk))]


def test_saving_again_on_purpose_goes_through(cast, two_editors):
    m, url, first, second, first_form, second_form = two_editors
    first_form["title"] = ["Consultation with unions"]
    first.post(url, first_form)
    second_form["title"] = ["Consultation (second go)"]
    refused = second.post(url, second_form)
    assert refused.status_code == 200

    assert second.post(url, _as_rendered(refused)).status_code == 302
    m.refresh_from_db()
    assert m.title == "Consultation (second go)"
    assert m.history.first().history_user == cast.users["director"]


def test_a_change_to_dependencies_alone_makes_a_new_version(cast, two_editors):
    m, url, first, second, first_form, second_form = two_editors
    from tests.factories import MilestoneFactory

    other = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Data cleanse")
    before = record_version(Milestone.objects.get(pk=m.pk))
    m.depends_on.add(other)
    assert record_version(Milestone.objects.get(pk=m.pk)) != before


def test_a_save_by_someone_who_changed_nothing_in_between_goes_through(cast, two_editors):
    m, url, first, second, first_form, second_form = two_editors
    second_form["title"] = ["Consultation, phase 1"]
    assert second.post(url, second_form).status_code == 302
    m.refresh_from_db()
    assert m.title == "Consultation, phase 1"


def test_a_form_over_several_records_sees_rows_come_and_change(cast):
    """The risk thresholds page saves the settings and an appetite per category at once."""
    from risks.models import RiskAppetite, RiskSettings

    RiskSettings.objects.create(programme=cast.programme, green_max=4, amber_max=12)
    finance = RiskAppetite.objects.create(programme=cast.programme, category="workforce",
                                          max_residual_score=8)
    url = reverse("risks:settings", args=["home"])
    client = cast.client("pm")
    shown = _as_rendered(client.get(url))

    RiskAppetite.objects.filter(pk=finance.pk).update(max_residual_score=10)
    RiskAppetite.objects.create(programme=cast.programme, category="financial", max_residual_score=6)
    refused = client.post(url, shown)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "changed these thresholds and appetites" in text
    assert "Max residual score is now “10”" in text
    assert "“Financial: up to 6” has been added." in text  # named by the council's label
    assert RiskAppetite.objects.get(pk=finance.pk).max_residual_score == 10

    assert client.post(url, _as_rendered(refused)).status_code == 302
    assert RiskAppetite.objects.get(pk=finance.pk).max_residual_score == 8


def test_a_quick_status_change_over_a_changed_milestone_is_refused(cast):
    m = cast.milestone
    client = cast.client("pm")
    detail = client.get(reverse("programmes:milestone_detail", args=["home", m.pk]))
    doc = lxml.html.fromstring(detail.content.decode())
    [form] = [f for f in doc.forms if f.action.endswith("/status/")]
    data = dict(form.form_values())
    assert data[VERSION_FIELD]

    Milestone.objects.filter(pk=m.pk).update(status="at_risk")
    data["status"] = "complete"
    page = client.post(form.action, data, follow=True).content.decode()
    assert "changed this milestone" in page and "Status is now “At risk”" in page
    assert 'data-message-level="error"' in page
    assert Milestone.objects.get(pk=m.pk).status == "at_risk"

    # From the page as it is now, the change goes through.
    doc = lxml.html.fromstring(client.get(reverse("programmes:milestone_detail", args=["home", m.pk])).content)
    [form] = [f for f in doc.forms if f.action.endswith("/status/")]
    assert client.post(form.action, {**dict(form.form_values()), "status": "complete"}).status_code == 302
    assert Milestone.objects.get(pk=m.pk).status == "complete"
