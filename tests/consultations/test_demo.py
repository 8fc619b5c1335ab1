"""The demo's consultations: a staff consultation with meetings and a counter-proposal the
council has answered, and a public consultation with findings, all dated within the demo
programme's plan (before transfer day, after the demo's engagement log starts), and none
after the demo's today."""
import pytest
from django.utils import timezone

from consultations.models import Proposal, PublicConsultation, StaffConsultation
from programmes.demo import DEMO_SLUG, demo_load
from programmes.models import EngagementEvent, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from programmes import demo as programmes_demo

    # Only programmes' own demo and this app's step.
    steps = list(programmes_demo._demo_steps)
    programmes_demo._demo_steps[:] = [s for s in steps if s.__module__ == "consultations.demo"]
    try:
        demo_load(today=timezone.localdate())
    finally:
        programmes_demo._demo_steps[:] = steps
    return Programme.objects.get(slug=DEMO_SLUG)


def test_the_demo_has_a_staff_consultation_with_meetings_and_an_answered_counter_proposal(demo):
    staff = StaffConsultation.objects.get(programme=demo)
    meetings = list(staff.meetings.all())
    assert len(meetings) >= 2
    counter = staff.proposals.get(kind=Proposal.Kind.COUNTER)
    assert counter.response and counter.responded_on >= counter.put_on
    assert staff.representatives.count() >= 2 and staff.letters.exists()
    # Within the plan: the formal start the engagement log records, and ended before transfer day.
    start = EngagementEvent.objects.get(programme=demo, title="Start of formal TUPE consultation").date
    assert staff.start_date == start == meetings[0].date
    assert all(staff.start_date <= m.date <= staff.end_date for m in meetings)
    assert staff.start_date <= counter.responded_on <= staff.end_date < demo.transfer_date
    today = timezone.localdate()
    assert staff.end_date < today


def test_the_demo_has_a_public_consultation_with_findings(demo):
    public = PublicConsultation.objects.get(programme=demo)
    assert public.findings.count() >= 2 and all(f.response for f in public.findings.all())
    assert public.end_date < StaffConsultation.objects.get(programme=demo).start_date
    assert public.responses and public.channel_labels()
    assert public.gunning_not_evidenced() == ["Responses conscientiously taken into account"]
    for record in (public, *public.findings.all()):
        entry = record.history.latest("history_id")
        assert entry.history_user.username == "demo-pm" and entry.history_change_reason == "Demo data loaded"
