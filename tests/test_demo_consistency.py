"""The loaded demo agrees with itself, on whatever day it is loaded: nothing dated after
today says it has happened, the business-case stages say what the milestones and the
decision log say, the budget covers today's financial year (so a ledger row dated today
loads through the real upload pipeline with no set-up), and the Cabinet paper's meeting is
still to come or its decision is in the log.

The "has it happened" check walks every model's date fields by name, so a record added to
the demo later (or a new app's) is covered without this test changing."""
import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from openpyxl import Workbook

from core.financial_year import FinancialYear, FinancialYearField
from programmes import demo as programmes_demo
from programmes.demo import DEMO_SLUG, FBC_SIGNED_OFF, OBC_SIGNED_OFF, SOC_APPROVED, add_years, demo_load
from programmes.models import Decision, Milestone, Programme

pytestmark = pytest.mark.django_db

# A date field whose name says something took place on it (the day it was met, approved,
# received, recorded, raised, realised, posted, decided…). Plans, deadlines and due dates
# (baseline, forecast, due, next review, expires, transfer) may lie ahead.
HAPPENED = re.compile(r"(actual|approved|received|recorded|decided|raised|resolved|realised|escalated|"
                      r"transaction|as_at|period_end|uploaded|committed|rolled_back|created|made|"
                      r"started|finished|snapshot|viewed|purged|last_used|signed|completed|closed)")
# Fields whose plain name does not say so, but which record an event: a decision's meeting,
# an engagement event's day, a KPI's reading.
ALSO_HAPPENED = {("programmes", "decision", "meeting_date"), ("programmes", "engagementevent", "date"),
                 # A consultation's meetings, the proposals put and answered, the letters sent.
                 ("consultations", "consultationmeeting", "date"), ("consultations", "proposal", "put_on"),
                 ("consultations", "proposal", "responded_on"), ("consultations", "measuresletter", "sent_on"),
                 ("finance", "kpireading", "date")}
# Records of money spent or saved, whose financial year must have begun.
HAPPENED_YEARS = {("finance", "ledgertransaction"), ("finance", "ledgersummary"), ("finance", "realisedsaving")}
PROJECT_APPS = {"core", "programmes", "workforce", "risks", "finance", "consultations", "business_cases"}

TODAY = timezone.localdate()
# Loading the demo takes about a minute, so a few days that matter: a year on, and the
# first day of next financial year (transfer day itself, the ledger's first day of a year).
# The clock is moved by passing today in; the upload pipeline's own "not in the future"
# checks still use the real clock, which is why the days stay within a year or so.
DAYS = [add_years(TODAY, 1), date(FinancialYear.start_year_of(TODAY) + 1, 4, 1)]


def _project_models():
    for config in apps.get_app_configs():
        # New apps are covered too: anything of the project's own rather than a library's.
        if config.label in PROJECT_APPS or config.path.startswith(str(apps.get_app_config("core").path)[:-4]):
            if "site-packages" in config.path:
                continue
            for model in config.get_models():
                if model.__name__.startswith("Historical"):
                    continue
                yield model


def _happened_fields(model):
    key = (model._meta.app_label, model._meta.model_name)
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateField) and (HAPPENED.search(f.name) or (*key, f.name) in ALSO_HAPPENED):
            yield f


def _dated_after(today: date, now: date | None = None) -> list[str]:
    """Records that say they happened after `today`; datetimes are held to `now` (the real
    clock's day) when the demo stands on another day of its own, since the moments the app
    stamps (uploaded, created) are the real ones."""
    problems = []
    for model in _project_models():
        key = (model._meta.app_label, model._meta.model_name)
        for f in _happened_fields(model):
            if isinstance(f, models.DateTimeField):
                # Stored as UTC; a moment is "after today" once it is past today's last moment.
                limit = timezone.make_aware(datetime.combine((now or today) + timedelta(days=1),
                                                             datetime.min.time()))
            else:
                limit = today
            lookup = f"{f.name}__gte" if isinstance(f, models.DateTimeField) else f"{f.name}__gt"
            for obj in model.objects.filter(**{lookup: limit})[:3]:
                problems.append(f"{model._meta.label} {obj.pk}: {f.name} {getattr(obj, f.name)} after {today}")
        if key in HAPPENED_YEARS:
            for f in model._meta.concrete_fields:
                if isinstance(f, FinancialYearField):
                    for obj in model.objects.filter(**{f"{f.name}__gt": FinancialYear.of(today)})[:3]:
                        problems.append(f"{model._meta.label} {obj.pk}: in {getattr(obj, f.name)}, "
                                        f"which has not begun on {today}")
    return problems


def _load(today: date) -> Programme:
    assert demo_load(today=today)
    return Programme.objects.get(slug=DEMO_SLUG)


def _stage_states(programme) -> dict:
    from business_cases import selectors

    return {v.stage: v for v in selectors.stage_views(programme=programme)}


def _check(programme: Programme, today: date, now: date | None = None) -> None:
    from business_cases.models import CabinetPaper
    from finance.models import BudgetLine, BudgetVersion

    assert _dated_after(today, now) == []

    # A milestone complete means it was met, on or before today; one not complete is not met.
    for m in Milestone.objects.filter(programme__slug=DEMO_SLUG):
        assert (m.status == Milestone.Status.COMPLETE) == (m.actual_date is not None), m.title

    # The stages say what the milestones and the decision log say.
    stages = _stage_states(programme)
    for stage, title in (("soc", SOC_APPROVED), ("obc", OBC_SIGNED_OFF), ("fbc", FBC_SIGNED_OFF)):
        milestone = Milestone.objects.get(programme=programme, title=title)
        approved = stages[stage].approved
        assert (milestone.status == Milestone.Status.COMPLETE) == (approved is not None), stage
        if approved is not None:
            assert approved.meeting_date == milestone.actual_date, stage
            assert Decision.objects.filter(programme=programme, meeting_date=approved.meeting_date).exists(), stage
    for decision in Decision.objects.filter(programme=programme, title__icontains="business case sign-off"):
        stage = "obc" if "Outline" in decision.title else "fbc"
        assert stages[stage].approved is not None and stages[stage].approved.meeting_date == decision.meeting_date

    # The current budget covers today's financial year.
    current = BudgetVersion.objects.get(programme=programme, is_current=True)
    years = set(BudgetLine.objects.filter(version=current).values_list("financial_year", flat=True))
    assert FinancialYear.of(today) in {FinancialYear.parse(y) for y in years}

    # The paper's meeting is to come, or it has been held and its decision is in the log.
    for paper in CabinetPaper.objects.filter(programme=programme):
        assert paper.meeting_date > today or Decision.objects.filter(
            programme=programme, meeting_date=paper.meeting_date,
            forward_plan_ref=paper.forward_plan_reference).exists(), paper.title

    # The rosters were received by today, and the milestones that record them agree.
    from workforce.models import TransferRoster

    first, final = TransferRoster.objects.filter(programme=programme).order_by("version")
    assert Milestone.objects.get(programme=programme, title__startswith="Draft Employee Liability").actual_date \
        == first.received_on
    assert Milestone.objects.get(programme=programme, title="Final staff list received from provider").actual_date \
        == final.received_on


@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_demo_agrees_with_itself_on_another_day(today):
    programme = _load(today)
    _check(programme, today)


def test_the_demo_agrees_with_itself_today_and_takes_todays_ledger():
    programme = _load(TODAY)
    _check(programme, TODAY)
    _ledger_row_today_loads(programme, TODAY)
    # The walk can fail: a lesson recorded tomorrow is found, by its field's name alone.
    from programmes.models import Lesson

    Lesson.objects.filter(pk=Lesson.objects.filter(programme=programme).first().pk).update(
        recorded_on=TODAY + timedelta(days=1))
    assert [p for p in _dated_after(TODAY) if "Lesson" in p and "recorded_on" in p]


def test_real_dates_are_consistent_on_the_same_day_of_the_real_year():
    assert demo_load(today=TODAY, real_dates=True)
    programme = Programme.objects.get(slug=DEMO_SLUG)
    assert programme.transfer_date == date(2024, 4, 1)
    as_at = programmes_demo.demo_shift(today=TODAY, real_dates=True).today
    assert FinancialYear.of(as_at) == FinancialYear(2024)
    _check(programme, as_at, now=TODAY)


def _ledger_row_today(today: date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Posting date", "Period", "Cost centre", "Subjective", "Description", "Supplier", "Net",
               "Journal no"])
    ws.append([today, FinancialYear.period_of(today), "ASC101", "1001", "Interim programme manager invoice",
               "Interim programme manager", 1234.56, "JN900001"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _ledger_row_today_loads(programme, today: date) -> None:
    """The finance officer's first upload of this month's ledger, through the real pipeline."""
    from core.models import User
    from core.uploads import upload_receive
    from finance.ledger import KIND
    from finance.models import LedgerTransaction
    from finance.services import ledger_commit

    finance = User.objects.get(username="demo-finance")
    upload = upload_receive(target=programme, kind=KIND, user=finance, uploaded_file=SimpleUploadedFile(
        "this-month.xlsx", _ledger_row_today(today)))
    outcome = ledger_commit(upload=upload, programme=programme, user=finance)
    assert outcome.ok, (outcome.message, outcome.errors[:3])
    row = LedgerTransaction.objects.get(programme=programme, transaction_date=today, upload=upload)
    assert row.financial_year == FinancialYear.of(today)
