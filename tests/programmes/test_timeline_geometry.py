"""The timeline stays readable at any length: for a programme of a few months or of ten
years, no two pieces of text on the drawing overlap (checked on the drawing's geometry),
and the scale's labels change from months to quarters to years to stay apart."""
import re
from datetime import date, timedelta

import pytest
from defusedxml import ElementTree

from programmes.timeline import timeline_svg
from tests.factories import MilestoneFactory, ProgrammeFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# The width of a character of the drawing's text, on average, in ems: at least DejaVu
# Sans' (which the PDF draws with: 0.51 to 0.56 em in labels) and Arial's (0.47), and
# more for bold, so that an overlap in either font is not missed.
EM, BOLD_EM = 0.6, 0.64


def _texts(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, text) of every piece of text on the drawing."""
    boxes = []
    for t in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        words = "".join(t.itertext())
        size = float(t.get("font-size"))
        x, y = float(t.get("x")), float(t.get("y"))
        width = len(words) * size * (BOLD_EM if t.get("font-weight") == "bold" else EM)
        left = x - width if t.get("text-anchor") == "end" else x
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.2, words))
    return boxes


def _overlaps(boxes):
    return [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def _plan(years: int, per_lane: int, lanes: int = 4):
    start = date(2026, 1, 5)
    programme = ProgrammeFactory(transfer_date=start + timedelta(days=365 * years // 2))
    # Names as long as councils give them: clipped to the room on the left.
    workstreams = [WorkstreamFactory(programme=programme, name=f"Workstream {k}: regulation and registration")
                   for k in range(lanes)]
    milestones = []
    for k, ws in enumerate(workstreams):
        for i in range(per_lane):
            when = start + timedelta(days=(365 * years * i) // per_lane + 9 * k)
            milestones.append(MilestoneFactory(programme=programme, workstream=ws, baseline_date=when,
                                               title=f"Milestone {k}.{i}: a title long enough to be clipped"))
    return programme, workstreams, milestones


@pytest.mark.parametrize("years, per_lane, first_label", [
    (0.5, 6, r"[A-Z][a-z]{2} \d\d"),  # a few months: labelled by month
    (3, 24, r"[A-Z][a-z]{2} \d\d"),  # quarters
    (10, 40, r"20\d\d"),  # ten years: labelled by year
])
def test_no_text_on_the_timeline_overlaps_other_text(years, per_lane, first_label):
    programme, workstreams, milestones = _plan(years, per_lane)
    svg = str(timeline_svg(programme=programme, milestones=milestones, derived=[], workstreams=workstreams,
                           today=date(2026, 6, 1), width=900, whole=True))
    boxes = _texts(svg)
    assert len(boxes) > per_lane * len(workstreams)  # every milestone is labelled
    assert _overlaps(boxes) == []
    axis = [b for b in boxes if b[1] < 40]
    assert len(axis) >= 3 and all(re.fullmatch(first_label, b[4]) for b in axis)
    # The drawing runs to the last milestone, whose label is on it.
    assert any(b[4].startswith(f"Milestone 3.{per_lane - 1}") for b in boxes)
