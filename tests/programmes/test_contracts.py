"""The contract register and the programme's kinds: each contract's dates to act by,
worked out from its own dates by hand here and moving when they move; phased transfers;
which kinds need a go-live day and which may move staff; the pages and the API."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from programmes import selectors
from programmes.models import Contract, Programme
from programmes.services import record_save
from tests.factories import ContractFactory, OrganisationFactory, ProgrammeFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _derived(programme) -> dict[str, date]:
    return {d.key: d.date for d in selectors.derived_milestones(programme=programme)}


# Derived dates ---------------------------------------------------------------------------

def test_each_contracts_dates_to_act_by_are_worked_out_from_its_dates_and_move_with_them():
    programme = ProgrammeFactory(transfer_date=date(2027, 4, 1), contract=False)
    c = ContractFactory(programme=programme, end_date=date(2027, 3, 31), notice_days=180,
                        extension_options="One extension of two years", extension_notice_days=90,
                        staff_transfer=True, transfer_date=date(2027, 4, 1))
    # 2 Oct 2026 to 31 Mar 2027 is 29 + 30 + 31 + 31 + 28 + 31 = 180 days.
    assert c.notice_deadline == date(2026, 10, 2)
    # January, February and March 2027: 31 + 28 + 31 = 90 days.
    assert c.extension_deadline == date(2026, 12, 31)
    # TUPE reg. 11: at least 28 days before transfer; 4 March is 27 days of March and 1 April.
    assert c.eli_deadline == date(2027, 3, 4)
    # TUPE reg. 13: the programme's own lead times, 42 and 56 days unless it sets others.
    assert _derived(programme) == {f"contract-notice-{c.pk}": date(2026, 10, 2),
                                   f"contract-extension-{c.pk}": date(2026, 12, 31),
                                   f"eli-deadline-{c.pk}": date(2027, 3, 4),
                                   f"reg13-information-{c.pk}": date(2027, 2, 18),
                                   f"reg13-measures-{c.pk}": date(2027, 2, 4)}

    c.end_date, c.transfer_date = date(2027, 6, 30), date(2027, 7, 1)
    c.save()
    # 1 Jan to 30 Jun 2027: 30 + 28 + 31 + 30 + 31 + 30 = 180 days; 90 days before 30 June
    # is 1 April (29 + 31 + 30); 28 days before 1 July is 3 June.
    # 42 days before 1 July is 20 May; 56 days is 6 May.
    assert _derived(programme) == {f"contract-notice-{c.pk}": date(2027, 1, 1),
                                   f"contract-extension-{c.pk}": date(2027, 4, 1),
                                   f"eli-deadline-{c.pk}": date(2027, 6, 3),
                                   f"reg13-information-{c.pk}": date(2027, 5, 20),
                                   f"reg13-measures-{c.pk}": date(2027, 5, 6)}


def test_each_derived_date_says_its_rule_and_reference():
    programme = ProgrammeFactory(transfer_date=date(2027, 4, 1), contract=False)
    ContractFactory(programme=programme, title="Community services contract", end_date=date(2027, 3, 31),
                    notice_days=180, staff_transfer=True, transfer_date=date(2027, 4, 1))
    sources = {d.title: d.source for d in selectors.derived_milestones(programme=programme)}
    assert sources["Last day to give notice to end: Community services contract"] == (
        "180 days before the contract ends on 31 March 2027 (the contract's notice terms)")
    assert sources["TUPE Employee Liability Information due: Community services contract"] == (
        "28 days before staff transfer under it on 1 April 2027 (TUPE 2006 reg. 11)")
    assert sources["Inform the staff representatives (TUPE reg. 13): Community services contract"] == (
        "42 days before staff transfer under it on 1 April 2027 (TUPE 2006 reg. 13(2); the law sets no "
        "number of days, so this is the programme's own lead time)")


def test_phased_transfers_give_each_contract_its_own_eli_deadline(cast, pm_client):
    programme = cast.programme
    first = programme.contracts.get()
    second = ContractFactory(programme=programme, title="Learning disability day services",
                             end_date=first.end_date + timedelta(days=183), staff_transfer=True,
                             transfer_date=first.transfer_date + timedelta(days=184))
    derived = _derived(programme)
    assert derived[f"eli-deadline-{first.pk}"] == first.transfer_date - timedelta(days=28)
    assert derived[f"eli-deadline-{second.pk}"] == second.transfer_date - timedelta(days=28)
    # The programme's own ELI deadline (the roster's) is the first transfer's.
    assert programme.eli_deadline == first.transfer_date - timedelta(days=28)
    html = pm_client.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    assert "TUPE Employee Liability Information due: Learning disability day services" in html
    html = pm_client.get(reverse("programmes:tracker", args=[programme.slug])).content.decode()
    assert "TUPE Employee Liability Information due: Learning disability day services" in html


def test_a_contract_with_no_staff_transfer_has_no_eli_deadline():
    programme = ProgrammeFactory(contract=False, kind=Programme.Kind.REPROCUREMENT, transfer_date=None)
    c = ContractFactory(programme=programme, end_date=date(2027, 3, 31), notice_days=30)
    assert c.eli_deadline is None
    assert list(_derived(programme)) == [f"contract-notice-{c.pk}"]
    assert programme.eli_deadline is None and not programme.has_staff_transfer


# The countdown ---------------------------------------------------------------------------

def test_the_overview_counts_down_to_the_next_contract_event_and_names_the_contract(cast, pm_client):
    today = timezone.localdate()
    programme = cast.programme
    programme.contracts.update(end_date=today + timedelta(days=60), transfer_date=today + timedelta(days=61))
    ContractFactory(programme=programme, title="Equipment lease", end_date=today + timedelta(days=200),
                    notice_days=180)  # notice due in 20 days: sooner than the first contract's end
    html = pm_client.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    assert "20 days</span> to the next contract event" in html
    assert "Equipment lease" in html and "last day to give notice to end it" in html

    event = selectors.next_contract_event(list(programme.contracts.all()), today=today + timedelta(days=21))
    assert (event.contract.title, event.what, event.days) == (programme.contracts.first().title, "ends", 39)


# Kinds -----------------------------------------------------------------------------------

def test_a_transformation_needs_no_transfer_day_nor_contract_end():
    lead = OrganisationFactory()
    p = Programme(name="Reablement redesign", slug="reablement", lead_organisation=lead,
                  kind=Programme.Kind.TRANSFORMATION)
    p.full_clean()
    p.save()
    assert p.transfer_date is None and p.contract_end_date is None and p.days_to_transfer(date.today()) is None
    assert not p.has_staff_transfer


@pytest.mark.parametrize("kind", [Programme.Kind.IN_HOUSE, Programme.Kind.OUTSOURCE])
def test_moving_a_service_in_or_out_needs_a_go_live_day(kind):
    p = Programme(name="Home care", slug="home-care", lead_organisation=OrganisationFactory(), kind=kind)
    with pytest.raises(ValidationError) as e:
        p.full_clean()
    assert "Enter the go-live day" in e.value.message_dict["transfer_date"][0]


def test_staff_transfer_needs_its_own_day_and_is_refused_otherwise():
    programme = ProgrammeFactory(contract=False)
    c = Contract(programme=programme, title="A", counterparty=OrganisationFactory(), end_date=date(2027, 3, 31),
                 staff_transfer=True)
    with pytest.raises(ValidationError) as e:
        c.full_clean()
    assert e.value.message_dict["transfer_date"] == ["Enter the day staff transfer under this contract."]
    c.staff_transfer, c.transfer_date = False, date(2027, 4, 1)
    with pytest.raises(ValidationError) as e:
        c.full_clean()
    assert "Leave the staff transfer day empty" in e.value.message_dict["transfer_date"][0]


def test_a_transformation_moves_no_staff():
    programme = ProgrammeFactory(kind=Programme.Kind.TRANSFORMATION, transfer_date=None)
    c = Contract(programme=programme, title="A", counterparty=OrganisationFactory(), end_date=date(2027, 3, 31),
                 staff_transfer=True, transfer_date=date(2027, 4, 1))
    with pytest.raises(ValidationError) as e:
        c.full_clean()
    assert "No staff transfer in a transformation" in e.value.message_dict["staff_transfer"][0]


def test_a_programme_whose_contracts_move_staff_cannot_become_a_transformation(cast):
    p = cast.programme
    p.kind = Programme.Kind.TRANSFORMATION
    with pytest.raises(ValidationError) as e:
        p.full_clean()
    assert "transfers staff: change that contract first" in e.value.message_dict["kind"][0]


def test_the_programme_form_takes_a_kind_and_an_optional_go_live_day(cast):
    cast.programme.contracts.update(staff_transfer=False, transfer_date=None)
    client = cast.client("director")
    response = client.post(reverse("programmes:edit", args=["home"]), {
        "name": "Reablement redesign", "kind": "transformation", "status": "planning", "transfer_date": "",
        "change_reason": "Now a transformation"})
    assert response.status_code == 302
    p = Programme.objects.get(slug="home")
    assert (p.kind, p.transfer_date) == ("transformation", None)
    assert p.history.first().history_user == cast.users["director"]
    html = client.get(reverse("programmes:overview", args=["home"])).content.decode()
    assert "Transformation with no change of provider" in html and "to transfer day" not in html


# The register's pages and API --------------------------------------------------------------

def test_a_contract_is_added_through_its_page_with_the_programmes_services(cast, pm_client):
    mine = ServiceFactory(programme=cast.programme, code="PD01")
    theirs = ServiceFactory(programme=cast.other_programme, code="XX01")
    provider = OrganisationFactory(name="Sirona Care")
    url = reverse("programmes:contract_create", args=["home"])
    data = {"title": "Day services agreement", "counterparty": provider.pk, "services": [theirs.pk],
            "end_date": "2027-03-31", "notice_days": "90", "annual_value": "31000.50"}
    response = pm_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = pm_client.post(url, {**data, "services": [mine.pk], "staff_transfer": "on"})
    assert "Enter the day staff transfer under this contract." in response.content.decode()
    response = pm_client.post(url, {**data, "services": [mine.pk]})
    assert response.status_code == 302
    c = Contract.objects.get(title="Day services agreement")
    assert list(c.services.all()) == [mine] and str(c.annual_value) == "31000.50"
    assert c.history.first().history_user == cast.users["pm"]
    html = pm_client.get(reverse("programmes:contract_list", args=["home"])).content.decode()
    assert "Day services agreement" in html and "Sirona Care" in html and "£31,000.50" in html
    assert "31 Dec 2026" in html  # notice by: 90 days before 31 March 2027 (31 + 28 + 31)


def test_the_api_writes_a_contract_and_answers_its_derived_dates(cast):
    client = APIClient()
    client.force_login(cast.users["pm"])
    url = reverse("api:contracts-list", kwargs={"programme_slug": "home"})
    body = {"title": "Reablement", "counterparty": OrganisationFactory().pk, "end_date": "2027-03-31",
            "notice_days": 180, "staff_transfer": True}
    response = client.post(url, body, format="json")
    assert response.status_code == 400 and "transfer_date" in response.json()
    theirs = ServiceFactory(programme=cast.other_programme)
    response = client.post(url, {**body, "transfer_date": "2027-04-01", "services": [theirs.pk]}, format="json")
    assert response.status_code == 400 and "services" in response.json()
    response = client.post(url, {**body, "transfer_date": "2027-04-01"}, format="json")
    assert response.status_code == 201, response.json()
    answered = response.json()
    assert (answered["notice_deadline"], answered["eli_deadline"]) == ("2026-10-02", "2027-03-04")
    detail = client.get(reverse("api:programme-detail", kwargs={"slug": "home"})).json()
    assert detail["kind"] == "in_house" and detail["has_staff_transfer"] is True


def test_another_councils_contract_is_not_found(cast):
    theirs = cast.other_programme.contracts.get()
    client = cast.client("pm")
    assert client.get(reverse("programmes:contract_edit", args=["home", theirs.pk])).status_code == 404
    api = APIClient()
    api.force_login(cast.users["pm"])
    assert api.get(reverse("api:contracts-detail", kwargs={"programme_slug": "home", "pk": theirs.pk})
                   ).status_code == 404


def test_record_save_keeps_the_services_with_the_contract(cast):
    service = ServiceFactory(programme=cast.programme)
    c = cast.programme.contracts.get()
    record_save(instance=c, user=cast.users["pm"], reason="Services covered", m2m={"services": [service]})
    assert list(c.services.all()) == [service]
