"""purge_workforce_personal_data: blanks names and personal fields of rosters some months
after transfer, in the records and their history, keeping what the summaries need."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.workforce.conftest import load_roster, staff
from workforce import reporting
from workforce.models import EmployeeRecord, TransferRoster

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred(hr_programme):
    cast = hr_programme
    load_roster(cast.programme, cast.users["hr"], staff(6, name="Zebedee Quillfeather", pay="98765.43"))
    record = EmployeeRecord.objects.first()
    record.name = "Zebedee Renamed"  # a second history row for the same record
    record.save()
    cast.programme.transfer_date = timezone.localdate() - timedelta(days=200)
    cast.programme.save()
    return cast


def _history_names():
    return set(EmployeeRecord.history.values_list("name", flat=True))


def test_dry_run_changes_nothing(transferred, capsys):
    call_command("purge_workforce_personal_data", "--months", "6", "--dry-run")
    assert "Dry run: 1 roster versions, 6 records would be purged." in capsys.readouterr().out
    assert "Zebedee Quillfeather" in _history_names()
    assert EmployeeRecord.objects.filter(annual_pay=Decimal("98765.43")).count() == 6


def test_not_yet_due_is_left_alone(transferred):
    call_command("purge_workforce_personal_data", "--months", "12")
    assert EmployeeRecord.objects.exclude(name="").count() == 6


def test_purge_blanks_records_and_history_and_keeps_aggregates(transferred, capsys):
    roster = TransferRoster.objects.get()
    before = reporting.team_summary(roster, personal=True)
    call_command("purge_workforce_personal_data", "--months", "6")
    assert "Purged the personal fields of 6 records in 1 roster versions." in capsys.readouterr().out
    assert set(EmployeeRecord.objects.values_list("name", "annual_pay", "continuous_service_date",
                                                  "base_location", "sickness_absence_days")) == {("", None, None, "",
                                                                                                  None)}
    assert _history_names() == {""}
    assert not EmployeeRecord.history.filter(annual_pay__isnull=False).exists()
    after = reporting.team_summary(roster, personal=True)
    assert (after.total.headcount, after.total.fte) == (before.total.headcount, before.total.fte)
    roster.refresh_from_db()
    assert roster.personal_data_purged_at is not None
    assert not roster.upload.file  # the uploaded workbook held the names too
    assert set(EmployeeRecord.objects.values_list("grade", flat=True)) == {"Band 5"}
    # Running again finds nothing more to do.
    call_command("purge_workforce_personal_data", "--months", "6")
    assert "0 records in 0 roster versions" in capsys.readouterr().out


def test_the_scheduled_task_purges_after_the_months_in_settings(transferred, settings, caplog):
    from workforce.tasks import purge_workforce_personal_data

    settings.WORKFORCE_PURGE_AFTER_MONTHS = 12
    purge_workforce_personal_data.apply()
    assert EmployeeRecord.objects.exclude(name="").count() == 6, "200 days after transfer is not yet 12 months"
    settings.WORKFORCE_PURGE_AFTER_MONTHS = 6
    purge_workforce_personal_data.apply()
    assert not EmployeeRecord.objects.exclude(name="").exists()
    assert _history_names() == {""}
    assert "Purged the personal fields of 6 records in 1 roster versions." in caplog.text
