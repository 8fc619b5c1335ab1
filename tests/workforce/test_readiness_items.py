"""Day-one readiness against the programme's own list of checks: HR adds, renames and
removes checks on the readiness page and over the API; each check has its totals by team;
a person's page and form follow the list; removing a check removes its ticks."""
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from programmes.models import Organisation, Programme
from tests.api_matrix import api_client
from tests.workforce.conftest import check_ids, load_roster, make_ready, staff, ticked
from workforce import reporting
from workforce.models import DEFAULT_READINESS_ITEMS, EmployeeRecord, Readiness, ReadinessItem
from workforce.panels import workforce_overview_panel

pytestmark = pytest.mark.django_db


def test_a_new_programme_starts_with_the_five_default_checks():
    council = Organisation.objects.create(name="Somerset Council", kind="council")
    programme = Programme.objects.create(name="Reablement in-house", slug="reablement", lead_organisation=council)
    items = list(ReadinessItem.objects.filter(programme=programme))
    assert [(i.key, i.label) for i in items] == list(DEFAULT_READINESS_ITEMS)
    assert [i.position for i in items] == [0, 1, 2, 3, 4]


def test_hr_adds_renames_and_removes_checks_on_the_readiness_page(hr_programme):
    cast = hr_programme
    hr = cast.client("hr")
    slug = cast.programme.slug
    load_roster(cast.programme, cast.users["hr"], staff(6))
    response = hr.post(reverse("workforce:readiness_items_create", args=[slug]), {"label": "  DBS  check renewed "})
    assert response.status_code == 302
    dbs = ReadinessItem.objects.get(programme=cast.programme, label="DBS check renewed")
    assert (dbs.key, dbs.position) == ("dbs_check_renewed", 5)
    # The same name again, in another case, is refused with the field named.
    again = hr.post(reverse("workforce:readiness_items_create", args=[slug]), {"label": "dbs check RENEWED"})
    assert "The list already has a check with this name" in again.content.decode()
    # Renaming keeps the key, so a sheet's remembered column and an API client still find it.
    hr.post(reverse("workforce:readiness_items_edit", args=[slug, dbs.pk]),
            {"label": "Enhanced DBS check", "_version": ""})
    dbs.refresh_from_db()
    assert (dbs.label, dbs.key) == ("Enhanced DBS check", "dbs_check_renewed")

    make_ready(cast.programme, "E0001", "laptop", "phone")
    make_ready(cast.programme, "E0002", "phone")
    Readiness.objects.filter(employee_ref="E0001").update(done=sorted([*check_ids(cast.programme, "laptop", "phone"),
                                                                        dbs.pk]))
    page = hr.get(reverse("workforce:readiness", args=[slug])).content.decode()
    assert "Enhanced DBS check" in page and "Every check done" in page

    phone = ReadinessItem.objects.get(programme=cast.programme, key="phone")
    confirm = hr.get(reverse("workforce:readiness_items_delete", args=[slug, phone.pk])).content.decode()
    assert "2 of the programme&#x27;s people have it ticked" in confirm
    assert hr.post(reverse("workforce:readiness_items_delete", args=[slug, phone.pk])).status_code == 302
    assert not ReadinessItem.objects.filter(pk=phone.pk).exists()
    assert ticked(Readiness.objects.get(employee_ref="E0001")) == {"laptop", "dbs_check_renewed"}
    assert ticked(Readiness.objects.get(employee_ref="E0002")) == set()
    history = Readiness.history.filter(employee_ref="E0002").order_by("-history_date").first()
    assert history.history_change_reason == "Check removed from the list: Phone handed over"
    page = hr.get(reverse("workforce:readiness", args=[slug])).content.decode()
    assert "has been removed, with every tick of it" in page
    assert page.count("Phone handed over") == 1  # in that message only


def test_each_check_has_totals_by_team_and_every_check_done(hr_programme):
    cast = hr_programme
    roster = load_roster(cast.programme, cast.users["hr"],
                         [*staff(5), *staff(5, team="LD Connections", start=50)]).upload
    assert roster
    programme = cast.programme
    everything = [k for k, _ in DEFAULT_READINESS_ITEMS]
    for ref in ("E0001", "E0002", "E0050"):
        make_ready(programme, ref, *everything)
    make_ready(programme, "E0003", "laptop")
    latest = EmployeeRecord.objects.filter(roster__programme=programme).first().roster
    table = reporting.readiness_by_team(programme, latest, personal=False, today=date(2026, 1, 1))
    laptop = next(i for i in table.items if i.key == "laptop")
    first = next(r for r in table.rows if r.team == "First Response")
    assert (first.done[laptop.pk], first.ready, first.ready_percent) == (3, 2, 40)
    assert (table.total.done[laptop.pk], table.total.ready, table.total.ready_percent) == (4, 3, 30)
    panel = dict((label, value) for label, value, _ in workforce_overview_panel(programme, date(2026, 1, 1))["items"])
    assert panel["ready on every day-one check"] == "30%"


def test_the_person_form_and_page_follow_the_programmes_list(hr_programme):
    cast = hr_programme
    hr = cast.client("hr")
    slug = cast.programme.slug
    load_roster(cast.programme, cast.users["hr"], staff(3))
    record = EmployeeRecord.objects.get(employee_ref="E0001")
    hr.post(reverse("workforce:readiness_items_create", args=[slug]), {"label": "Case system access"})
    case = ReadinessItem.objects.get(programme=cast.programme, key="case_system_access")
    form = hr.get(reverse("workforce:readiness_edit", args=[slug, record.pk])).content.decode()
    assert 'type="checkbox"' in form and "Case system access" in form
    hr.post(reverse("workforce:readiness_edit", args=[slug, record.pk]), {"done": [case.pk, *check_ids(
        cast.programme, "laptop")]})
    assert ticked(Readiness.objects.get(employee_ref="E0001")) == {"case_system_access", "laptop"}
    page = hr.get(reverse("workforce:person", args=[slug, record.pk])).content.decode()
    assert "Case system access" in page
    # A check of another programme cannot be ticked.
    other = ReadinessItem.objects.filter(programme=cast.other_programme).first()
    refused = hr.post(reverse("workforce:readiness_edit", args=[slug, record.pk]), {"done": [other.pk]})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_api_reads_and_sets_checks_by_their_keys(hr_programme):
    cast = hr_programme
    slug = cast.programme.slug
    load_roster(cast.programme, cast.users["hr"], staff(6))
    hr = api_client(cast, "hr")
    made = hr.post(reverse("workforce_api:readiness-checks-list", args=[slug]), {"label": "DBS check"}, format="json")
    assert made.status_code == 201 and made.json()["key"] == "dbs_check"
    clash = hr.post(reverse("workforce_api:readiness-checks-list", args=[slug]), {"label": "dbs CHECK"}, format="json")
    assert clash.status_code == 400 and clash.json()["label"] == ["The list already has a check with this name"]
    record = EmployeeRecord.objects.filter(employee_ref="E0001").order_by("-roster__version").first()
    url = reverse("workforce_api:person_readiness", args=[slug, record.pk])
    assert hr.put(url, {"checks": {"dbs_check": True, "laptop": True}}, format="json").status_code == 200
    # A PUT changes only the checks it names.
    answer = hr.put(url, {"checks": {"laptop": False}}, format="json").json()
    assert answer["checks"]["dbs_check"] is True and answer["checks"]["laptop"] is False
    unknown = hr.put(url, {"checks": {"dbs": True}}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["checks"] == ["The programme has no day-one check with the key 'dbs'"]
    summary = hr.get(reverse("workforce_api:readiness", args=[slug])).json()
    assert [c["key"] for c in summary["checks"]][-1] == "dbs_check"
    assert summary["total"]["checks"]["dbs_check"] == {"label": "DBS check", "done": 1, "percent": 17}
    assert summary["total"]["every_check_done"] == {"done": 0, "percent": 0}
    # Deleting a check over the API removes its ticks too.
    detail = reverse("workforce_api:readiness-checks-detail", args=[slug, made.json()["id"]])
    assert hr.delete(detail).status_code == 204
    assert ticked(Readiness.objects.get(employee_ref="E0001")) == set()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_the_five_ticks_become_the_programmes_own_list():
    """Migration 0007: every programme gets the five checks as its own, and each person's
    five booleans (in the history too) become the checks done."""
    before = [("workforce", "0006_readiness_items")]
    after = [("workforce", "0008_readiness_checks_as_items")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    council = old.get_model("programmes", "Organisation").objects.create(name="Bath Council", kind="council")
    programme = old.get_model("programmes", "Programme").objects.create(name="ASC", slug="asc",
                                                                        lead_organisation=council)
    old.get_model("workforce", "Readiness").objects.create(programme=programme, employee_ref="E1", on_payroll=True,
                                                           laptop=True)
    old.get_model("workforce", "HistoricalReadiness").objects.create(
        id=1, programme=programme, employee_ref="E1", phone=True, history_date="2024-01-01T00:00Z",
        history_type="+")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    items = {i.pk: i.key for i in new.get_model("workforce", "ReadinessItem").objects.filter(programme_id=programme.pk)}
    assert sorted(items.values()) == sorted(k for k, _ in DEFAULT_READINESS_ITEMS)
    done = new.get_model("workforce", "Readiness").objects.get(employee_ref="E1").done
    assert {items[pk] for pk in done} == {"on_payroll", "laptop"}
    past = new.get_model("workforce", "HistoricalReadiness").objects.get(employee_ref="E1").done
    assert {items[pk] for pk in past} == {"phone"}
