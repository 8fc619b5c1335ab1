"""A roster's commit takes the rows its preview validated (core.models.CheckedRows) instead
of checking every row again, but only while the file, its sheet and mapping and what the
rows were checked against (teams, pay scales, the standard week, the day) are unchanged."""
from datetime import date, timedelta

import pytest

import core.uploads.services as upload_services
from core.models import CheckedRows
from core.uploads import upload_commit, upload_discard, upload_preview, upload_rollback
from tests.workforce.conftest import load_roster, receive, staff, xlsx
from workforce.imports import roster_form_kwargs
from workforce.models import EmployeeRecord, PayScale, Team, TransferRoster, WorkforceSettings

pytestmark = pytest.mark.django_db

RECORD_FIELDS = [f.attname for f in EmployeeRecord._meta.concrete_fields
                 if f.attname not in ("id", "roster_id")]


def _details(programme) -> dict:
    today = date.today()
    return {"programme": programme, "as_at": today - timedelta(days=3), "received_on": today, "note": ""}


def _commit(cast, upload):
    return upload_commit(upload=upload, user=cast.users["hr"], form_kwargs=roster_form_kwargs(cast.programme),
                         write_ctx=_details(cast.programme))


def _previewed(cast, rows, name="eli.xlsx"):
    upload = receive(cast.programme, cast.users["hr"], xlsx(rows), name)
    preview = upload_preview(upload=upload, form_kwargs=roster_form_kwargs(cast.programme))
    assert preview.can_commit, preview.errors
    return upload


def _records(roster) -> list[tuple]:
    return sorted(tuple(r) for r in EmployeeRecord.objects.filter(roster=roster).values_list(*RECORD_FIELDS))


def test_the_commit_loads_the_previewed_rows_without_checking_them_again(hr_programme, monkeypatch):
    cast = hr_programme
    upload = _previewed(cast, staff(4))
    assert CheckedRows.objects.filter(upload=upload).exists()

    def no_second_check(**kwargs):
        raise AssertionError("the commit read and checked the file again")

    monkeypatch.setattr(upload_services, "upload_inspect", no_second_check)
    outcome = _commit(cast, upload)
    assert outcome.ok and outcome.written == 4
    # Loaded: the copy of the rows (names and pay) is gone.
    assert not CheckedRows.objects.filter(upload=upload).exists()


def test_the_reused_rows_load_exactly_what_a_fresh_check_loads(hr_programme):
    cast = hr_programme
    rows = staff(3, pay="23976.50") + [staff(1, start=9, fte="0.50", team="LD Connections")[0]]
    rows[1]["Continuous service date"] = date(2001, 2, 3)
    rows[2]["Sickness absence days"] = "4.5"
    content = xlsx(rows)
    fresh = load_roster(cast.programme, cast.users["hr"], [], name="fresh.xlsx", content=content)
    assert fresh.ok
    loaded_fresh = _records(TransferRoster.objects.get(upload=fresh.upload))
    upload_rollback(upload=fresh.upload, user=cast.users["hr"])

    upload = receive(cast.programme, cast.users["hr"], content, "again.xlsx")
    upload_preview(upload=upload, form_kwargs=roster_form_kwargs(cast.programme))
    assert CheckedRows.objects.filter(upload=upload).exists()
    outcome = _commit(cast, upload)
    assert outcome.ok
    assert _records(TransferRoster.objects.get(upload=upload)) == loaded_fresh


def test_a_team_renamed_between_preview_and_commit_is_caught(hr_programme):
    cast = hr_programme
    upload = _previewed(cast, staff(3))
    Team.objects.filter(programme=cast.programme, name="First Response").update(name="Front Door")
    outcome = _commit(cast, upload)
    assert not outcome.ok and TransferRoster.objects.count() == 0
    assert {(e.row, e.column_header) for e in outcome.errors} == {(2, "Team"), (3, "Team"), (4, "Team")}
    assert "There is no team called \"First Response\"" in outcome.errors[0].message
    assert not CheckedRows.objects.filter(upload=upload).exists()


def test_a_changed_standard_week_between_preview_and_commit_is_caught(hr_programme):
    cast = hr_programme
    upload = _previewed(cast, staff(2))  # 1.00 FTE on 37 hours
    WorkforceSettings.objects.create(programme=cast.programme, standard_weekly_hours=35)
    outcome = _commit(cast, upload)
    assert not outcome.ok and TransferRoster.objects.count() == 0
    assert {(e.row, e.column_header) for e in outcome.errors} == {(2, "WTE"), (3, "WTE")}


def test_a_pay_scale_added_between_preview_and_commit_means_a_fresh_check(hr_programme, monkeypatch):
    cast = hr_programme
    upload = _previewed(cast, staff(2))
    PayScale.objects.create(programme=cast.programme, code="HCRG", name="Local pay")
    checked = []
    real = upload_services.upload_inspect

    def counted(**kwargs):
        checked.append(kwargs["upload"].pk)
        return real(**kwargs)

    monkeypatch.setattr(upload_services, "upload_inspect", counted)
    assert _commit(cast, upload).ok
    assert checked == [upload.pk]


def test_another_mapping_at_the_commit_means_a_fresh_check(hr_programme):
    cast = hr_programme
    upload = _previewed(cast, staff(2))
    # The commit told to read the job title from the Band column: not what was checked.
    mapping = dict(upload.mapping, job_title="Band")
    outcome = upload_commit(upload=upload, user=cast.users["hr"], form_kwargs=roster_form_kwargs(cast.programme),
                            write_ctx=_details(cast.programme), mapping=mapping)
    assert outcome.ok
    assert set(EmployeeRecord.objects.values_list("job_title", flat=True)) == {"Band 5"}


def test_a_preview_with_errors_keeps_no_rows_and_discarding_removes_them(hr_programme):
    cast = hr_programme
    rows = staff(2)
    rows[1]["WTE"] = "lots"
    upload = receive(cast.programme, cast.users["hr"], xlsx(rows))
    assert upload_preview(upload=upload, form_kwargs=roster_form_kwargs(cast.programme)).errors
    assert not CheckedRows.objects.filter(upload=upload).exists()

    kept = _previewed(cast, staff(2), "good.xlsx")
    assert CheckedRows.objects.filter(upload=kept).exists()
    upload_discard(upload=kept, user=cast.users["hr"])
    assert not CheckedRows.objects.exists()


def test_through_the_pages_the_mapping_step_keeps_the_rows_and_the_load_uses_them(hr_programme, monkeypatch):
    from django.urls import reverse

    cast = hr_programme
    slug, client = cast.programme.slug, cast.client("hr")
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(3)))
    mapping_url = reverse("workforce:upload_mapping", args=[slug, "roster", upload.pk])
    form = client.get(mapping_url).context["mapping_form"]
    client.post(mapping_url, {f"map-{name}": form.initial.get(name) or "" for name in form.fields})
    assert CheckedRows.objects.filter(upload=upload).exists()

    def no_second_check(**kwargs):
        raise AssertionError("the commit read and checked the file again")

    monkeypatch.setattr(upload_services, "upload_inspect", no_second_check)
    details = {k: v.isoformat() if hasattr(v, "isoformat") else v
               for k, v in _details(cast.programme).items() if k != "programme"}
    response = client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]), details)
    assert response.status_code == 302 and response["Location"] == reverse("workforce:versions", args=[slug])
    assert EmployeeRecord.objects.filter(roster__upload=upload).count() == 3
    assert not CheckedRows.objects.exists()
