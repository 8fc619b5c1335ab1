"""A KPI needs neither a target nor a comparator, and its baseline may not be measured yet;
its figures print in its unit as people read them (£557.18, 71.6%, 12 people)."""
from datetime import date
from decimal import Decimal

from django.urls import reverse

from core.formats import measure
from finance.models import Kpi, KpiReading
from finance.reporting import kpi_summary
from programmes.services import record_save


def _kpi(cast, **kw):
    pm = cast.users["pm"]
    fields = {"name": "Weekly cost of a care package", "unit": "£", "baseline": None, "target": None,
              "comparator_value": None, **kw}
    kpi = record_save(instance=Kpi(programme=cast.programme, **fields), user=pm, reason="Test")
    record_save(instance=KpiReading(programme=cast.programme, kpi=kpi, date=date(2024, 3, 31),
                                    value=Decimal("557.18")), user=pm, reason="Test")
    return kpi


def test_units_print_as_people_read_them():
    assert measure(Decimal("557.18"), "£") == "£557.18"
    assert measure(Decimal("31000.00"), "£") == "£31,000"
    assert measure(Decimal("71.60"), "%") == "71.6%"
    assert measure(Decimal("12.00"), "people") == "12 people"
    assert measure(Decimal("-3.50"), "days") == "\u22123.5 days"
    assert measure(Decimal("4"), "") == "4"
    assert measure(None, "%") == "—"


def test_a_kpi_without_target_comparator_or_baseline_is_saved_from_the_page(cast):
    client = cast.client("finance")
    url = reverse("finance:kpis_create", args=[cast.programme.slug])
    response = client.post(url, {"name": "Care reviews on time", "unit": "%", "baseline": "", "target": "",
                                 "comparator_label": "", "comparator_value": "", "direction": "higher"})
    assert response.status_code == 302, response.content.decode()[:2000]
    kpi = Kpi.objects.get(programme=cast.programme)
    assert (kpi.baseline, kpi.target, kpi.comparator_value) == (None, None, None)
    assert kpi.history.first().history_user == cast.users["finance"]


def test_the_page_says_not_measured_and_no_target_in_words_and_prints_the_unit(cast):
    _kpi(cast)
    page = cast.client("viewer").get(reverse("finance:kpis", args=[cast.programme.slug])).content.decode()
    assert "Not measured yet" in page
    assert "No target set" in page
    assert "£557.18" in page
    assert "0.00" not in page  # nothing unset is shown as a zero


def test_a_kpi_short_of_target_without_a_baseline_says_so_rather_than_guessing(cast):
    kpi = _kpi(cast, target=Decimal("500"), direction=Kpi.Direction.LOWER)
    status = kpi_summary(kpi).status
    assert (status.value, status.text) == ("", "Short of target; no baseline to compare")
    kpi.baseline = Decimal("600")
    assert kpi_summary(kpi).status.text == "Improving"
    kpi.target = Decimal("560")
    assert kpi_summary(kpi).status.text == "Meets target"


def test_the_api_takes_and_answers_a_kpi_without_target_comparator_or_baseline(cast):
    url = f"/api/v1/programmes/{cast.programme.slug}/finance/kpis/"
    client = cast.client("finance")
    response = client.post(url, {"name": "Care reviews on time", "unit": "%", "baseline": None, "target": None,
                                 "direction": "higher"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["baseline"], body["target"], body["comparator_value"]) == (None, None, None)
    assert body["target_status_text"] == "No reading yet"
    _kpi(cast)
    listed = {k["name"]: k for k in client.get(url).json()["results"]}
    got = listed["Weekly cost of a care package"]
    assert got["latest_reading_value"] == "557.18" and got["target_status_text"] == "No target set"
