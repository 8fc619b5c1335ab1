"""Every page of the workforce app × every member of the cast × GET and POST.

Members see aggregates; the HR lead (EDIT_WORKFORCE, VIEW_PERSONAL_DATA) loads rosters,
edits and sees people; outsiders get 404. `test_matrix_covers_every_url_name` fails when
a URL name is added without an entry."""
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ColumnMapping, Upload
from core.roles import Capability, role_can
from tests.permissions import (
    ACTION,
    FORM,
    READ,
    ROLE_OF,
    Page,
    day,
    history_tables,
    matrix_row,
    request,
    url_names,
)
from tests.workforce.conftest import check_ids, load_roster, person, receive, set_up_programme, staff, xlsx
from workforce import urls as workforce_urls
from workforce.models import (
    EmployeeRecord,
    Establishment,
    EstablishmentLine,
    PayScale,
    PensionRate,
    Readiness,
    ReadinessItem,
    Team,
    TransferRoster,
    WorkforceSettings,
)


@dataclass
class World:
    cast: object
    record: EmployeeRecord
    establishment: Establishment
    upload: Upload  # previewed and valid
    teams_upload: Upload  # previewed, naming a team the programme lacks
    loaded: Upload
    rate: PensionRate
    check: ReadinessItem

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


@pytest.fixture
def world(cast) -> World:
    hr = cast.users["hr"]
    set_up_programme(cast.programme)
    loaded = load_roster(cast.programme, hr, staff(6), name="v1.xlsx").upload
    load_roster(cast.programme, hr, staff(5, start=2), name="v2.xlsx")
    record = EmployeeRecord.objects.filter(roster__version=2).order_by("employee_ref").first()
    establishment = Establishment.objects.create(programme=cast.programme, name="Proposed",
                                                 baseline=TransferRoster.objects.get(version=2))
    rate = PensionRate.objects.create(programme=cast.programme, scheme="lgps", fund="Avon Pension Fund",
                                      employer_rate="19.50")
    upload = receive(cast.programme, hr, xlsx(staff(3, start=50)), "v3.xlsx")
    teams_upload = receive(cast.programme, hr, xlsx([person("E77", team="Night Owls")]), "v4.xlsx")
    check = ReadinessItem.objects.get(programme=cast.programme, key="phone")
    return World(cast, record, establishment, upload, teams_upload, loaded, rate, check)


def _slug(w):
    return {"slug": w.slug}


def _record(w):
    return {"slug": w.slug, "pk": w.record.pk}


def _roster_upload(w):
    return {"slug": w.slug, "kind": "roster", "upload_pk": w.upload.pk}


def _record_data(w):
    r = w.record
    return {"employee_ref": r.employee_ref, "name": "Corrected Name", "job_title": r.job_title, "team": r.team_id,
            "service_line": r.service_line, "grade": r.grade, "pay_scale": r.pay_scale_id, "terms": r.terms,
            "annual_pay": "31000.00", "contracted_hours": "37", "fte": "1.00", "contract_type": r.contract_type,
            "pension_scheme": r.pension_scheme, "status": r.status}


def _lines_data(w):
    data = {}
    for team in Team.objects.filter(programme=w.cast.programme):
        data |= {f"posts_{team.pk}": "3", f"fte_{team.pk}": "2.5", f"voluntary_{team.pk}": "1",
                 f"compulsory_{team.pk}": "0"}
    return data


def _mapping_data(w):
    return {"map-employee_ref": "Employee No", "map-job_title": "Job title", "map-team": "Team", "map-grade": "Band",
            "map-pay_scale": "Pay scale", "map-terms": "Terms and conditions", "map-contracted_hours": "Hours per week",
            "map-fte": "WTE", "map-contract_type": "Contract type", "map-pension_scheme": "Pension scheme",
            "map-name": "Name", "map-annual_pay": "Annual pay"}


PAGES = {
    "summary": Page(Capability.VIEW, **READ),
    "breakdowns": Page(Capability.VIEW, **READ),
    "versions": Page(Capability.VIEW, **READ),
    "difference": Page(Capability.VIEW, **READ),
    "readiness": Page(Capability.VIEW, **READ),
    "pensions": Page(Capability.VIEW, **READ),
    "pension_rates_history": Page(Capability.VIEW, **READ, kwargs=lambda w: {"slug": w.slug, "pk": w.rate.pk}),
    "pension_rates_create": Page(Capability.EDIT_WORKFORCE, **FORM,
                                 data=lambda w: {"scheme": "nhs", "employer_rate": "23.7"}),
    "pension_rates_edit": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=lambda w: {"slug": w.slug, "pk": w.rate.pk},
                               data=lambda w: {"scheme": "lgps", "fund": "Avon Pension Fund", "employer_rate": "21",
                                               "change_reason": "Valuation"}),
    "pension_rates_delete": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=lambda w: {"slug": w.slug, "pk": w.rate.pk}),
    "restructures": Page(Capability.VIEW, **READ),
    "establishment": Page(Capability.VIEW, **READ, kwargs=lambda w: {"slug": w.slug, "pk": w.establishment.pk}),
    "export": Page(Capability.EXPORT, **READ),
    "people": Page(Capability.VIEW_PERSONAL_DATA, **READ, kwargs=lambda w: {"slug": w.slug, "version": 2}),
    "people_export": Page(Capability.VIEW_PERSONAL_DATA, **READ, kwargs=lambda w: {"slug": w.slug, "version": 2}),
    "person": Page(Capability.VIEW_PERSONAL_DATA, **READ, kwargs=_record),
    "access_log": Page(Capability.VIEW_PERSONAL_DATA, **READ),
    "person_edit": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=_record, data=_record_data),
    "readiness_edit": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=_record,
                           data=lambda w: {"done": check_ids(w.cast.programme, "on_payroll", "laptop")}),
    "readiness_items_history": Page(Capability.VIEW, **READ, kwargs=lambda w: {"slug": w.slug, "pk": w.check.pk}),
    "readiness_items_create": Page(Capability.EDIT_WORKFORCE, **FORM, data=lambda w: {"label": "DBS check"}),
    "readiness_items_edit": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=lambda w: {"slug": w.slug, "pk": w.check.pk},
                                 data=lambda w: {"label": "Work phone handed over"}),
    "readiness_items_delete": Page(Capability.EDIT_WORKFORCE, **FORM,
                                   kwargs=lambda w: {"slug": w.slug, "pk": w.check.pk}),
    "establishment_create": Page(Capability.EDIT_WORKFORCE, **FORM, data=lambda w: {
        "name": "Leaner", "baseline": TransferRoster.objects.get(version=1).pk}),
    "establishment_edit": Page(Capability.EDIT_WORKFORCE, **FORM, data=_lines_data,
                               kwargs=lambda w: {"slug": w.slug, "pk": w.establishment.pk}),
    "template": Page(Capability.EDIT_WORKFORCE, **READ),
    "upload": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=lambda w: {"slug": w.slug, "kind": "roster"},
                   data=lambda w: {"file": SimpleUploadedFile("new.xlsx", xlsx(staff(2, start=90)))}),
    "upload_preview": Page(Capability.EDIT_WORKFORCE, **READ, kwargs=_roster_upload),
    "upload_mapping": Page(Capability.EDIT_WORKFORCE, **FORM, kwargs=_roster_upload, data=_mapping_data),
    "upload_teams": Page(Capability.EDIT_WORKFORCE, **ACTION, data=lambda w: {"team": "Night Owls"},
                         kwargs=lambda w: {"slug": w.slug, "kind": "roster", "upload_pk": w.teams_upload.pk}),
    "upload_commit": Page(Capability.EDIT_WORKFORCE, **ACTION, kwargs=_roster_upload,
                          data=lambda w: {"as_at": day(-3), "received_on": day(0)}),
    "uploads": Page(Capability.EDIT_WORKFORCE, **READ),
    "upload_rollback": Page(Capability.EDIT_WORKFORCE, **ACTION,
                            kwargs=lambda w: {"slug": w.slug, "upload_pk": w.loaded.pk}),
    "upload_discard": Page(Capability.EDIT_WORKFORCE, **ACTION, kwargs=_roster_upload),
    "upload_errors": Page(Capability.EDIT_WORKFORCE, **READ, kwargs=_roster_upload),
    "upload_template": Page(Capability.EDIT_WORKFORCE, **READ, kwargs=lambda w: {"slug": w.slug, "kind": "readiness"}),
    "settings": Page(Capability.EDIT_WORKFORCE, **FORM, data=lambda w: {"standard_weekly_hours": "36"}),
    "team_create": Page(Capability.EDIT_WORKFORCE, **FORM, data=lambda w: {"name": "Night Owls",
                                                                           "service_line": "PD01"}),
    "pay_scale_create": Page(Capability.EDIT_WORKFORCE, **FORM, data=lambda w: {"code": "OWN", "name": "Own pay"}),
}


def test_matrix_covers_every_url_name():
    names = url_names(workforce_urls.urlpatterns)
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


def test_the_rules_the_matrix_relies_on():
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.EDIT_WORKFORCE)} == {"hr"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.VIEW_PERSONAL_DATA)} == {"hr"}


TABLES = history_tables((TransferRoster, EmployeeRecord, Readiness, ReadinessItem, Team, PayScale, WorkforceSettings,
                         PensionRate, Establishment, EstablishmentLine, Upload, ColumnMapping))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"workforce:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, TABLES)
    assert actual == expected, url
    assert problems == []


def test_readiness_upload_pages_follow_the_same_rules(world):
    hr, viewer = world.cast.client("hr"), world.cast.client("viewer")
    url = reverse("workforce:upload", args=[world.slug, "readiness"])
    assert hr.get(url).status_code == 200 and viewer.get(url).status_code == 403
    assert hr.get(reverse("workforce:upload", args=[world.slug, "payroll"])).status_code == 404


def test_outsider_cannot_reach_home_records_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    assert client.get(reverse("workforce:person", args=[other, world.record.pk])).status_code == 403
    assert client.get(reverse("workforce:establishment", args=[other, world.establishment.pk])).status_code == 404
    assert client.get(reverse("workforce:people", args=[other, 2])).status_code == 403


def test_the_workforce_pages_are_not_there_where_no_staff_transfer(cast):
    """A transformation, or a programme whose contracts move no one, has no transfer list:
    its workforce pages answer 404 to every member, HR included."""
    cast.programme.contracts.update(staff_transfer=False, transfer_date=None)
    for who in ("hr", "pm", "viewer"):
        client = cast.client(who)
        assert client.get(reverse("workforce:summary", args=[cast.programme.slug])).status_code == 404
        assert client.get(reverse("workforce:versions", args=[cast.programme.slug])).status_code == 404
    # Nor can HR upload a roster or a readiness sheet to it.
    client = cast.client("hr")
    for kind in ("roster", "readiness"):
        assert client.get(reverse("workforce:upload", args=[cast.programme.slug, kind])).status_code == 404
        assert client.get(reverse("workforce:upload_template", args=[cast.programme.slug, kind])).status_code == 404
    overview = cast.client("hr").get(reverse("programmes:overview", args=[cast.programme.slug]))
    assert "Workforce transferring" not in overview.content.decode()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_where_no_staff_transfer_every_workforce_page_is_not_there_for_every_member(world, name):
    """Not there is the same answer to everyone in the programme, whatever their role: a
    member who could not use the page hears 404, not which role would let them in."""
    page = PAGES[name]
    url = reverse(f"workforce:{name}", kwargs=page.kwargs(world))
    world.cast.programme.contracts.update(staff_transfer=False, transfer_date=None)
    for who in ("hr", "pm", "finance", "viewer", "outsider"):
        client = world.cast.client(who)
        response, changed = request(world, page, url, client, "get", TABLES)
        assert response.status_code == (405 if page.get == 405 else 404), f"GET {url} as {who}"
        response, changed = request(world, page, url, client, "post", TABLES)
        assert response.status_code in (404, 405), f"POST {url} as {who}"
        assert not changed, f"POST {url} as {who} changed something"
