"""The derived-deadline engine (programmes.deadlines): each rule's date from its source, its
rule in words, the marks of done, and the pages that show and mark them."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programmes.deadlines import derived_deadlines
from programmes.models import DeadlineDone, Decision
from programmes.services import deadline_mark_done
from tests.factories import ContractFactory, DecisionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _by_key(programme, today):
    return {d.key: d for d in derived_deadlines(programme=programme, today=today)}


def test_reg13_dates_are_the_programmes_own_lead_times_and_move_with_them():
    programme = ProgrammeFactory(transfer_date=date(2027, 4, 1), contract=False)
    c = ContractFactory(programme=programme, end_date=date(2027, 3, 31), staff_transfer=True,
                        transfer_date=date(2027, 4, 1))
    found = _by_key(programme, date(2026, 12, 1))
    info, measures = found[f"reg13-information-{c.pk}"], found[f"reg13-measures-{c.pk}"]
    assert info.date == date(2027, 2, 18) and measures.date == date(2027, 2, 4)
    assert "the law sets no number of days" in info.source and "reg. 13(2)" in info.reference
    programme.reg13_information_days, programme.reg13_measures_days = 30, 60
    programme.save()
    found = _by_key(programme, date(2026, 12, 1))
    assert found[f"reg13-information-{c.pk}"].date == date(2027, 3, 2)
    assert found[f"reg13-measures-{c.pk}"].date == date(2027, 1, 31)


def test_measures_come_before_the_information_they_feed():
    programme = ProgrammeFactory(contract=False)
    programme.reg13_information_days, programme.reg13_measures_days = 60, 30
    with pytest.raises(ValidationError) as e:
        programme.full_clean()
    assert "reg13_measures_days" in e.value.message_dict


def test_a_transformation_has_no_tupe_dates():
    programme = ProgrammeFactory(kind="transformation", transfer_date=None, contract=False)
    ContractFactory(programme=programme, end_date=date(2027, 3, 31))
    assert not any(d.rule.startswith(("eli", "reg13")) for d in derived_deadlines(programme=programme,
                                                                                 today=date(2026, 12, 1)))


def test_every_decision_has_its_agenda_date_and_a_private_one_its_two_notices():
    programme = ProgrammeFactory(contract=False)
    open_item = DecisionFactory(programme=programme, meeting_date=date(2027, 3, 31), key_decision=False)
    private = DecisionFactory(programme=programme, meeting_date=date(2027, 3, 31), key_decision=False,
                              classification=Decision.Classification.EXEMPT)
    found = _by_key(programme, date(2026, 12, 1))
    assert found[f"agenda-{open_item.pk}"].date == date(2027, 3, 25)
    assert f"private-notice-{open_item.pk}" not in found
    assert found[f"private-notice-{private.pk}"].date == date(2027, 3, 2)
    assert found[f"private-second-notice-{private.pk}"].date == date(2027, 3, 25)
    assert found[f"private-notice-{private.pk}"].source == (
        "28 clear days before the meeting of Cabinet on 31 March 2027 (reg. 5(2) of the Local Authorities "
        "(Executive Arrangements) (Meetings and Access to Information) (England) Regulations 2012)")
    assert f"forward-plan-{open_item.pk}" not in found


def test_call_in_runs_in_working_days_from_publication_as_the_constitution_sets():
    programme = ProgrammeFactory(contract=False)
    d = DecisionFactory(programme=programme, meeting_date=date(2027, 3, 17), key_decision=True,
                        published_on=None)
    assert f"call-in-{d.pk}" not in _by_key(programme, date(2026, 12, 1))
    d.published_on = date(2027, 3, 23)  # Tuesday before Easter
    d.save()
    call_in = _by_key(programme, date(2026, 12, 1))[f"call-in-{d.pk}"]
    assert call_in.date == date(2027, 4, 1)
    assert call_in.source.startswith("5 working days after the decision is published on 23 March 2027")
    assert call_in.late(date(2027, 5, 1)) is False  # a waiting period: never late
    programme.call_in_working_days = 3
    programme.save()
    assert _by_key(programme, date(2026, 12, 1))[f"call-in-{d.pk}"].date == date(2027, 3, 30)


def test_a_missed_forward_plan_notice_asks_for_the_general_exception_then_special_urgency():
    programme = ProgrammeFactory(contract=False)
    d = DecisionFactory(programme=programme, meeting_date=date(2027, 3, 31), key_decision=True)
    before = _by_key(programme, date(2027, 3, 1))
    assert before[f"forward-plan-{d.pk}"].warning == "" and f"general-exception-{d.pk}" not in before
    # 28 clear days before 31 March is 2 March: on the 3rd, it has passed undone.
    after = _by_key(programme, date(2027, 3, 3))
    notice = after[f"forward-plan-{d.pk}"]
    assert notice.state == "late" and "general exception (reg. 10)" in notice.warning.lower()
    assert "Special urgency (reg. 11)" in notice.warning
    assert after[f"general-exception-{d.pk}"].date == date(2027, 3, 25)
    # Past the general exception's own 5 clear days too: only special urgency is left.
    late = _by_key(programme, date(2027, 3, 28))[f"forward-plan-{d.pk}"]
    assert "Special urgency (reg. 11)" in late.warning and "General exception (reg. 10):" not in late.warning
    # Given in time, there is nothing to warn of.
    deadline_mark_done(programme=programme, key=f"forward-plan-{d.pk}", title="x", done_on=date(2027, 3, 1),
                       note="", user=None)
    settled = _by_key(programme, date(2027, 3, 3))
    assert settled[f"forward-plan-{d.pk}"].warning == "" and f"general-exception-{d.pk}" not in settled
    assert settled[f"forward-plan-{d.pk}"].state == "done"
    # Once the meeting is past, a missed notice is history, not late.
    programme.deadlines_done.all().delete()
    assert _by_key(programme, date(2027, 4, 2))[f"forward-plan-{d.pk}"].state == "passed"


def test_a_done_mark_stays_when_the_source_moves_and_the_date_follows_the_source():
    programme = ProgrammeFactory(contract=False)
    d = DecisionFactory(programme=programme, meeting_date=date(2027, 3, 31), key_decision=True)
    deadline_mark_done(programme=programme, key=f"agenda-{d.pk}", title="Agenda", done_on=date(2027, 3, 20),
                       note="On the website", user=None)
    d.meeting_date = date(2027, 4, 14)
    d.save()
    agenda = _by_key(programme, date(2027, 3, 21))[f"agenda-{d.pk}"]
    assert agenda.date == date(2027, 4, 8) and agenda.done_on == date(2027, 3, 20)
    assert DeadlineDone.objects.get(programme=programme).history.count() == 1


# The pages ------------------------------------------------------------------------------------

def test_the_deadlines_page_shows_each_rule_and_marks_one_done(cast, pm_client):
    programme = cast.programme
    DecisionFactory(programme=programme, meeting_date=timezone.localdate() + timedelta(days=40), title="Go ahead")
    page = pm_client.get(reverse("programmes:deadlines", args=[programme.slug])).content.decode()
    assert "Agenda and reports open to inspection: Cabinet, Go ahead" in page
    assert "5 clear days before the meeting of Cabinet" in page and "reg. 7 of" in page
    assert "Mark done" in page
    key = next(d.key for d in derived_deadlines(programme=programme, today=timezone.localdate())
               if d.rule == "agenda")
    url = reverse("programmes:deadline_done", args=[programme.slug, key])
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = pm_client.post(url, {"done_on": tomorrow.isoformat()})
    assert refused.status_code == 200 and "The day it was done must be today or earlier" in refused.content.decode()
    assert not DeadlineDone.objects.exists()
    done = pm_client.post(url, {"done_on": timezone.localdate().isoformat(), "note": "Published"})
    assert done.status_code == 302
    mark = DeadlineDone.objects.get()
    assert mark.key == key and mark.recorded_by == cast.users["pm"]
    assert mark.history.get().history_change_reason.startswith("Marked done: Agenda")
    page = pm_client.get(reverse("programmes:deadlines", args=[programme.slug])).content.decode()
    assert f"Done {timezone.localdate():%-d %b %Y}" in page
    pm_client.post(url, {"action": "clear"})
    assert not DeadlineDone.objects.exists()
    assert pm_client.get(reverse("programmes:deadline_done", args=[programme.slug, "agenda-0"])).status_code == 404


def test_the_overview_lists_late_and_due_derived_deadlines_and_the_notice_warning(cast, pm_client):
    programme = cast.programme
    today = timezone.localdate()
    # A key decision in 20 days: its forward-plan date passed 9 days ago, its agenda date is soon.
    DecisionFactory(programme=programme, meeting_date=today + timedelta(days=20), title="Bring it in-house")
    page = pm_client.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    late = page.index("<h2 class=\"govuk-heading-m\">Late")
    due = page.index("Due in the next 30 days")
    assert late < page.index("Publish on forward plan: Cabinet, Bring it in-house") < due
    assert due < page.index("Agenda and reports open to inspection: Cabinet, Bring it in-house")
    assert "has not been given in time" in page and "General exception (reg. 10)" in page


def test_the_tracker_shows_every_decisions_dates_as_the_deadlines_page_does(cast, pm_client):
    DecisionFactory(programme=cast.programme, meeting_date=timezone.localdate() + timedelta(days=40),
                    title="Not key", key_decision=False)
    tracker = pm_client.get(reverse("programmes:tracker", args=[cast.programme.slug])).content.decode()
    assert "Agenda and reports open to inspection: Cabinet, Not key" in tracker
