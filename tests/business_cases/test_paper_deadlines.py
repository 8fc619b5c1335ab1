"""The paper's statutory considerations carry the programme's derived deadlines, and say
which route a key decision needs once its forward-plan date has passed undone."""
from datetime import date, timedelta

import pytest

from business_cases.papers import paper_data, paper_document
from core.documents import document_text
from programmes.services import deadline_mark_done
from tests.business_cases.test_permissions import make_paper
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

MEETING = date(2027, 3, 31)  # its forward-plan date: 2 March 2027


def _statutory(paper, today) -> str:
    text = document_text(paper_document(paper_data(paper=paper, today=today), full=True))
    return text[text.index("Statutory considerations"):text.index("Options appraisal")]


@pytest.fixture
def key_paper(soc_ready):
    return make_paper(soc_ready.programme, soc_ready.users["pm"], key_decision=True,
                      meeting_date=MEETING.isoformat(), forward_plan_reference="E3393")


def test_a_missed_forward_plan_date_names_the_routes_left(key_paper):
    in_time = _statutory(key_paper, date(2027, 3, 1))
    assert "not given in time" not in in_time
    missed = _statutory(key_paper, date(2027, 3, 10))
    assert "was due by 2 March 2027" in missed and "not given in time" in missed
    assert "General exception (reg. 10)" in missed and "Special urgency (reg. 11)" in missed
    # Fewer than 5 clear days left before the meeting: only special urgency.
    late = _statutory(key_paper, date(2027, 3, 27))
    assert "General exception (reg. 10)" not in late and "Special urgency (reg. 11)" in late
    # After the meeting there is nothing left to choose.
    assert "not given in time" not in _statutory(key_paper, date(2027, 4, 1))


def test_a_notice_marked_given_in_time_settles_it(key_paper, soc_ready):
    decision = DecisionFactory(programme=soc_ready.programme, meeting_date=MEETING, key_decision=True)
    deadline_mark_done(programme=soc_ready.programme, key=f"forward-plan-{decision.pk}", title="Forward plan",
                       done_on=date(2027, 2, 26), note="", user=None)
    assert "not given in time" not in _statutory(key_paper, date(2027, 3, 10))


def test_the_open_deadlines_are_listed_with_their_rules(key_paper, soc_ready):
    DecisionFactory(programme=soc_ready.programme, meeting_date=MEETING, key_decision=True, title="Go ahead")
    text = _statutory(key_paper, date(2027, 3, 10))
    assert "statutory and governance deadline" in text
    assert ("25 March 2027: Agenda and reports open to inspection: Cabinet, Go ahead. 5 clear days before "
            "the meeting of Cabinet on 31 March 2027") in text
    assert "2 March 2027 (late): Publish on forward plan: Cabinet, Go ahead." in text
    # Day by day, the list keeps to what is still open.
    assert "Go ahead" not in _statutory(key_paper, MEETING + timedelta(days=1))
