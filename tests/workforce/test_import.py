"""The ELI roster and readiness uploads through core.uploads: every validation rule with a
bad workbook (errors naming sheet, row and column, nothing written), unknown teams offered
for creation, versions kept whole, an identical file changing nothing, roll back."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Upload
from core.uploads import get_upload_spec, upload_commit, upload_inspect, upload_rollback
from tests.workforce.conftest import (
    HEADERS,
    load_readiness,
    load_roster,
    make_ready,
    person,
    receive,
    staff,
    ticked,
    vacancy,
    xlsx,
)
from workforce.imports import READINESS_KIND, READINESS_SPEC, ROSTER_KIND, ROSTER_SPEC, roster_form_kwargs
from workforce.models import EmployeeRecord, Readiness, ReadinessItem, Team, TransferRoster, WorkforceSettings
from workforce.services import readiness_item_delete, readiness_item_save

pytestmark = pytest.mark.django_db


def test_specs_are_registered():
    assert get_upload_spec(ROSTER_KIND) is ROSTER_SPEC
    assert get_upload_spec(READINESS_KIND) is READINESS_SPEC


def test_a_valid_workbook_becomes_version_1_with_history(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    rows = [*staff(3), person("E0100", name="Bo Example", team="LD Connections", fte="0.50", pay="£14,985.00",
                              **{"Pay scale": "NJC", "Terms and conditions": "NJC", "Pension scheme": "LGPS",
                                 "Continuous service date": "01/04/2010"}), vacancy("VAC-1")]
    outcome = load_roster(cast.programme, hr, rows)
    assert outcome.ok, outcome.errors
    roster = TransferRoster.objects.get(programme=cast.programme)
    assert roster.version == 1 and roster.upload == outcome.upload
    assert roster.records.count() == 5
    bo = roster.records.get(employee_ref="E0100")
    assert (bo.name, bo.annual_pay, bo.fte, bo.contracted_hours) == ("Bo Example", Decimal("14985.00"),
                                                                    Decimal("0.50"), Decimal("18.50"))
    assert bo.continuous_service_date == date(2010, 4, 1)
    assert (bo.terms, bo.pension_scheme, bo.team.name, bo.service_line) == ("njc", "lgps", "LD Connections", "PD01")
    vac = roster.records.get(employee_ref="VAC-1")
    assert vac.is_vacancy and vac.name == "" and vac.annual_pay is None
    record = EmployeeRecord.history.get(employee_ref="E0100")
    assert record.history_user == hr and record.history_change_reason == "Loaded from eli.xlsx"


def test_each_upload_is_a_new_version_kept_whole(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    assert load_roster(cast.programme, hr, staff(4), name="one.xlsx").ok
    assert load_roster(cast.programme, hr, staff(2, start=10), name="two.xlsx").ok
    v1, v2 = TransferRoster.objects.filter(programme=cast.programme).order_by("version")
    assert (v1.version, v1.records.count(), v2.version, v2.records.count()) == (1, 4, 2, 2)


def test_an_identical_file_again_changes_nothing(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    content = xlsx(staff(3))
    assert load_roster(cast.programme, hr, [], content=content).ok
    again = load_roster(cast.programme, hr, [], content=content)
    assert again.already_loaded is not None and "already loaded" in again.message
    assert TransferRoster.objects.count() == 1 and EmployeeRecord.objects.count() == 3


def test_rolling_back_a_roster_upload_removes_that_version(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(3), name="one.xlsx")
    second = load_roster(cast.programme, hr, staff(2, start=10), name="two.xlsx")
    upload_rollback(upload=second.upload, user=hr)
    assert list(TransferRoster.objects.values_list("version", flat=True)) == [1]
    assert EmployeeRecord.objects.count() == 3
    assert TransferRoster.history.filter(history_type="-", history_change_reason="Upload rolled back").exists()


def errors_of(cast, rows, headers=HEADERS, sheet="ELI"):
    """Load a bad workbook: return its errors as (sheet, row, column, message) and check
    nothing at all was written."""
    outcome = load_roster(cast.programme, cast.users["hr"], [], content=xlsx(rows, headers, sheet))
    assert not outcome.ok
    assert TransferRoster.objects.count() == 0 and EmployeeRecord.objects.count() == 0
    assert EmployeeRecord.history.count() == 0
    assert outcome.upload.status == Upload.Status.FAILED
    return [(e.sheet, e.row, e.column_header, e.message) for e in outcome.errors]


def test_required_fields_name_their_row_and_column(hr_programme):
    rows = [person("E1"), person("", **{"Job title": ""}), person("E3", name="", pay="")]
    errors = errors_of(hr_programme, rows)
    assert ("Staff", 3, "Employee No", "Enter the employee reference") in [
        ("Staff", r, c, m) for _, r, c, m in errors]
    assert ("ELI", 3, "Job title", "Enter the job title") in errors
    assert ("ELI", 4, "Name", "Enter the name") in errors
    assert ("ELI", 4, "Annual pay", "Enter the annual pay") in errors
    assert not any(row == 2 for _, row, _, _ in errors)


def test_a_required_column_missing_from_the_file_is_reported_first(hr_programme):
    headers = [h for h in HEADERS if h != "WTE"]
    errors = errors_of(hr_programme, staff(2), headers)
    assert errors == [(None, None, None, "Choose the column that holds the FTE.")]


def test_dates_must_be_real_and_not_in_the_future(hr_programme):
    rows = [person("E1", **{"Continuous service date": "31/02/2015"}),
            person("E2", **{"Continuous service date": "next year"}),
            person("E3", **{"Continuous service date": date(2099, 1, 1)})]
    errors = errors_of(hr_programme, rows)
    assert ("ELI", 2, "Continuous service date", "Enter a real date, for example 31/03/2015") in errors
    assert ("ELI", 3, "Continuous service date", "Enter a real date, for example 31/03/2015") in errors
    assert ("ELI", 4, "Continuous service date", "The continuous service date must be today or in the past") in errors


def test_fte_between_0_and_1_5_and_consistent_with_hours(hr_programme):
    rows = [person("E1", fte="1.60", hours="59.20"), person("E2", fte="-0.1", hours="0"),
            person("E3", fte="0.80", hours="20"), person("E4", fte="lots", hours="37"),
            person("E5", fte="0.54", hours="20")]
    errors = errors_of(hr_programme, rows)
    assert ("ELI", 2, "WTE", "Enter an FTE from 0 to 1.5") in errors
    assert ("ELI", 3, "WTE", "Enter an FTE from 0 to 1.5") in errors
    assert ("ELI", 4, "WTE", "FTE 0.80 does not match 20 contracted hours on a 37-hour week "
                             "(that would be 0.54)") in errors
    assert ("ELI", 5, "WTE", "Enter the FTE as a number") in errors
    assert not any(row == 6 for _, row, _, _ in errors)


def test_fte_is_checked_against_the_programmes_own_standard_week(hr_programme):
    cast = hr_programme
    WorkforceSettings.objects.create(programme=cast.programme, standard_weekly_hours=Decimal("35"))
    errors = errors_of(cast, [person("E1", fte="1.00", hours="37")])
    assert errors == [("ELI", 2, "WTE", "FTE 1.00 does not match 37 contracted hours on a 35-hour week "
                                        "(that would be 1.06)")]
    assert load_roster(cast.programme, cast.users["hr"], [person("E1", fte="1.00", hours="35")]).ok


def test_duplicate_employee_references_name_both_rows(hr_programme):
    rows = [person("E1"), person("E2"), person("E1", name="Someone Else")]
    errors = errors_of(hr_programme, rows)
    message = "Employee reference E1 is on more than one row: rows 2 and 4"
    assert ("ELI", 2, "Employee No", message) in errors
    assert ("ELI", 4, "Employee No", message) in errors
    assert not any(row == 3 for _, row, _, _ in errors)


def test_unknown_pay_scales_and_choices_are_refused(hr_programme):
    rows = [person("E1", **{"Pay scale": "XYZ"}), person("E2", **{"Terms and conditions": "Whatever"}),
            person("E3", **{"Vacancy": "Perhaps"})]
    errors = errors_of(hr_programme, rows)
    assert ("ELI", 2, "Pay scale", "\"XYZ\" is not a known pay scale: add it in the workforce settings, "
                                   "or correct the file") in errors
    assert any(r == 3 and c == "Terms and conditions" and m.startswith("\"Whatever\" is not one of")
               for _, r, c, m in errors)
    assert ("ELI", 4, "Vacancy", "Enter Yes or No") in errors


def test_a_vacancy_may_not_carry_a_person(hr_programme):
    errors = errors_of(hr_programme, [person("VAC-1", **{"Vacancy": "Yes"})])
    assert ("ELI", 2, "Name", "Leave this blank for a vacancy") in errors


def test_unknown_teams_are_offered_for_creation_never_added_silently(hr_programme):
    cast = hr_programme
    client = cast.client("hr")
    slug = cast.programme.slug
    rows = [person("E1", team="Night Owls", **{"Service line": "SD43"}), person("E2", team="night  owls"),
            person("E3")]
    response = client.post(reverse("workforce:upload", args=[slug, "roster"]),
                           {"file": SimpleUploadedFile("eli.xlsx", xlsx(rows))})
    upload = Upload.objects.get(pk=int(re.search(r"/(\d+)/mapping/", response["Location"]).group(1)))
    preview = client.get(reverse("workforce:upload_preview", args=[slug, "roster", upload.pk]))
    assert preview.context["unknown_teams"] == [("Night Owls", "SD43")]
    assert any(e.message.startswith("There is no team called \"Night Owls\"") and e.column_header == "Team"
               for e in preview.context["preview"].errors)
    assert not Team.objects.filter(name="Night Owls").exists()
    # Committing now is refused; nothing is written.
    client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]),
                {"as_at": "2026-01-01", "received_on": "2026-01-02"})
    assert TransferRoster.objects.count() == 0
    # The HR lead ticks it; it is created, the file checked again and then loads.
    response = client.post(reverse("workforce:upload_teams", args=[slug, "roster", upload.pk]),
                           {"team": ["Night Owls", "Not offered"]})
    assert response.status_code == 302
    team = Team.objects.get(programme=cast.programme, name="Night Owls")
    assert team.service_line == "SD43" and not Team.objects.filter(name="Not offered").exists()
    again = client.get(reverse("workforce:upload_preview", args=[slug, "roster", upload.pk]))
    assert again.context["preview"].errors == [] and again.context["unknown_teams"] == []
    response = client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]),
                           {"as_at": "2026-01-01", "received_on": "2026-01-02", "note": "First"})
    assert response.status_code == 302
    roster = TransferRoster.objects.get()
    assert roster.records.filter(team=team).count() == 2 and roster.note == "First"


def test_the_commit_asks_for_the_as_at_and_received_dates(hr_programme):
    cast = hr_programme
    client = cast.client("hr")
    slug = cast.programme.slug
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2)))
    response = client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]),
                           {"as_at": "2026-02-01", "received_on": "2026-01-01"})
    assert response.status_code == 200
    assert "The date received must be on or after the as-at date" in response.content.decode()
    assert TransferRoster.objects.count() == 0


def test_header_aliases_and_csv(hr_programme):
    cast = hr_programme
    csv = ("Staff ID,Surname,First name,Role,Department,Grade,Scale,T&Cs,Salary,Contracted hours,FTE,"
           "Employment type,Pension\n"
           "S1,Quill,Ada,Social worker,First Response,Band 6,afc,AfC,\"37,350.00\",37,1,perm,NHS\n")
    upload = receive(cast.programme, cast.users["hr"], csv.encode(), "eli.csv")
    preview = upload_inspect(upload=upload, form_kwargs=roster_form_kwargs(cast.programme))
    assert preview.errors == []
    assert preview.mapping["employee_ref"] == "Staff ID" and preview.mapping["surname"] == "Surname"
    assert preview.cleaned[0]["name"] == "Ada Quill" and preview.cleaned[0]["annual_pay"] == Decimal("37350.00")


def test_readiness_sheet_updates_in_bulk_and_rolls_back(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(3))
    make_ready(cast.programme, "E0001", "laptop")
    outcome = load_readiness(cast.programme, hr, [["E0001", "Yes", "yes", "No", "", "x"],
                                                  ["e0002", "No", "No", "Yes", "Yes", "No"]])
    assert outcome.ok, outcome.errors
    first = Readiness.objects.get(employee_ref="E0001")
    assert ticked(first) == {"on_payroll", "network_account", "induction_booked"}
    assert ticked(Readiness.objects.get(employee_ref="e0002")) == {"laptop", "phone"}
    upload_rollback(upload=outcome.upload, user=hr)
    first.refresh_from_db()
    assert ticked(first) == {"laptop"}
    assert not Readiness.objects.filter(employee_ref="e0002").exists()


def test_a_readiness_sheet_has_a_column_for_each_of_the_programmes_own_checks(hr_programme):
    """A check the council added is a column; a check the sheet has no column for is left
    as it was; a removed check is no column at all."""
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(2))
    dbs = readiness_item_save(instance=ReadinessItem(programme=cast.programme, label="DBS check renewed"),
                              user=hr, reason="Added")
    readiness_item_delete(instance=ReadinessItem.objects.get(programme=cast.programme, key="phone"), user=hr,
                          reason="Not issuing phones")
    spec = get_upload_spec(READINESS_KIND, cast.programme)
    assert [c.label for c in spec.columns][-2:] == ["Induction booked", "DBS check renewed"]
    assert "Phone handed over" not in [c.label for c in spec.columns]
    make_ready(cast.programme, "E0001", "laptop", "induction_booked")
    csv = "Employee No,DBS check renewed,On payroll\nE0001,Yes,No\nE0002,No,Yes\n"
    upload = receive(cast.programme, hr, csv.encode(), "dbs.csv", kind=READINESS_KIND)
    outcome = upload_commit(upload=upload, user=hr, form_kwargs=roster_form_kwargs(cast.programme),
                            write_ctx={"programme": cast.programme})
    assert outcome.ok, outcome.errors
    assert ticked(Readiness.objects.get(employee_ref="E0001")) == {dbs.key, "laptop", "induction_booked"}
    assert ticked(Readiness.objects.get(employee_ref="E0002")) == {"on_payroll"}


def test_a_readiness_sheet_without_any_check_column_is_refused(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(1))
    upload = receive(cast.programme, hr, b"Employee No,Shoe size\nE0001,9\n", "shoes.csv", kind=READINESS_KIND)
    outcome = upload_commit(upload=upload, user=hr, form_kwargs=roster_form_kwargs(cast.programme),
                            write_ctx={"programme": cast.programme})
    assert not outcome.ok
    assert [(e.row, e.message) for e in outcome.errors] == [(2, "Choose the column of at least one day-one check")]
    assert not Readiness.objects.exists()


def test_readiness_sheet_errors_name_rows_and_write_nothing(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(2))
    outcome = load_readiness(cast.programme, hr, [["E0001", "Yes", "No", "No", "No", "No"],
                                                  ["E9999", "Yes", "No", "No", "No", "No"],
                                                  ["E0002", "Maybe", "No", "No", "No", "No"],
                                                  ["E0001", "No", "No", "No", "No", "No"]])
    assert not outcome.ok
    found = {(e.row, e.column_header, e.message) for e in outcome.errors}
    assert (3, "Employee No", "No one on the latest roster has the employee reference E9999") in found
    assert (4, "On payroll", "Enter Yes or No") in found
    assert (2, "Employee No", "Employee reference E0001 is on more than one row: rows 2 and 5") in found
    assert Readiness.objects.count() == 0
