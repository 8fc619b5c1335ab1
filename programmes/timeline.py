"""The milestone timeline, drawn as SVG on the server with core.charts' primitives.

One drawing serves the browser (readable without JavaScript) and PDFs. Every mark carries
text, so nothing relies on colour alone.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString

from core.charts import DARK_GREY, GRID, TEXT, WHITE, linear, svg, tag
from programmes.models import Milestone

LEFT = 190  # room for workstream names
RIGHT_PAD = 200  # room for the labels of the last milestones
TOP = 46
SUB_ROW = 17
LANE_PAD = 8
# The width of one character of the 11px label font, generously: DejaVu Sans (which the
# PDF draws with) averages 5.6 to 6.2 px, Arial 5.2. Labels are packed by it, so they
# never overprint (tests/programmes/test_timeline_geometry.py).
CHAR_W = 6.6
# A lane's name fits the room on the left (LEFT) in the 12px bold font.
LANE_CHARS = 23
# The scale's label steps in months, and the room one label needs ("Sep 27", or "2031",
# in the 10px font, and a gap).
AXIS_STEPS = (1, 2, 3, 6, 12, 24, 60)
AXIS_LABEL_PX = 46
LABEL_CHARS = 34

COLOURS = {
    "complete": "#00703c",  # GOV.UK green
    "late": "#d4351c",  # red
    "at_risk": "#b45309",  # dark amber, legible on white
    "open": "#1d70b8",  # blue
    "derived": "#4c2c92",  # purple
    "baseline": DARK_GREY,
    "grid": GRID,
    "text": TEXT,
}


@dataclass
class _Mark:
    lane: str
    when: date  # a milestone's date, an activity's end
    baseline: date | None
    label: str
    state: str
    symbol: str
    start: date | None = None  # an activity's start: drawn as a bar from here to `when`
    baseline_start: date | None = None


def _state(m: Milestone, today: date) -> tuple[str, str]:
    if m.status == Milestone.Status.COMPLETE:
        return "complete", "✓"
    if m.status == Milestone.Status.CANCELLED:
        return "open", "×"
    if m.is_late(today):
        return "late", "!"
    if m.status == Milestone.Status.AT_RISK:
        return "at_risk", "!"
    return "open", ""


def _month_starts(start: date, end: date):
    d = date(start.year, start.month, 1)
    while d <= end:
        yield d
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)


# By default the drawing shows the run-up to transfer day: from nine months before today
# to a little after transfer. Earlier milestones are counted in the description instead.
WINDOW_BEFORE_TODAY = timedelta(days=270)
WINDOW_AFTER_TRANSFER = timedelta(days=75)


def default_window(programme, today: date) -> tuple[date, date]:
    """The first and last day the drawing shows unless the whole programme is asked for:
    nine months back from today to a little after transfer day (or after today, once
    transfer day has passed or where there is none)."""
    return (today - WINDOW_BEFORE_TODAY,
            max(programme.transfer_date or today, today) + WINDOW_AFTER_TRANSFER)


def timeline_svg(*, programme, milestones, derived, workstreams, today: date,
                 width: int = 1100, whole: bool = False, total: int | None = None) -> SafeString:
    """Draw lanes by workstream, each milestone at its forecast date with a line back to
    its baseline when it has slipped, and each activity as a bar from its start to its end
    with its baseline period as a dashed line under it; today, the ELI deadline and transfer
    day as lines.
    `total` is how many milestones the plan has when `milestones` are only those the page
    lists (the tracker's first rows of each workstream)."""
    window_start, window_end = (None, None) if whole else default_window(programme, today)
    hidden = 0
    lanes: dict[str, list[_Mark]] = {ws.name: [] for ws in workstreams}
    kind_to_lane = {ws.kind: ws.name for ws in workstreams}
    for m in milestones:
        state, symbol = _state(m, today)
        when = m.actual_date or m.forecast_date
        start = min(m.forecast_start_date, when) if m.forecast_start_date else None
        # An activity is drawn if any of it falls in the window (clipped to it below).
        if window_start and not (window_start <= when and (start or when) <= window_end):
            hidden += 1
            continue
        lanes.setdefault(m.workstream.name, []).append(
            _Mark(m.workstream.name, when, m.baseline_date, m.title, state, symbol, start,
                  m.baseline_start_date if start else None)
        )
    for d in derived:
        if window_start and not window_start <= d.date <= window_end:
            hidden += 1
            continue
        lane = kind_to_lane.get(d.workstream_kind) or "Derived dates"
        lanes.setdefault(lane, []).append(_Mark(lane, d.date, None, d.title, "derived", "◆"))
    lanes = {k: sorted(v, key=lambda x: x.start or x.when) for k, v in lanes.items() if v}

    eli_deadline = programme.eli_deadline
    # A programme with no transfer (a transformation) has neither line to draw.
    dates = [d for d in (today, programme.transfer_date, eli_deadline) if d]
    for marks in lanes.values():
        for mk in marks:
            dates.extend(d for d in (mk.when, mk.baseline, mk.start, mk.baseline_start) if d)
    start = min(dates) - timedelta(days=10)
    end = max(dates) + timedelta(days=45)
    if window_start:
        start, end = max(start, window_start), min(end, window_end)
    span = max((end - start).days, 1)
    plot_w = width - LEFT - RIGHT_PAD
    x_of_day = linear(0, span, LEFT, LEFT + plot_w)

    def x(d: date) -> float:
        # Clamped, so an activity that starts before the window is drawn from its edge.
        return round(x_of_day(min(max((d - start).days, 0), span)), 1)

    # Pack labels into sub-rows so that none overlaps another.
    lane_rows: dict[str, list[tuple[_Mark, int]]] = {}
    for lane, marks in lanes.items():
        row_ends: list[float] = []
        placed = []
        for mk in marks:
            text = _short(mk)
            x0 = x(mk.start or mk.when) - 6
            x1 = x(mk.when) + 10 + len(text) * CHAR_W
            for i, row_end in enumerate(row_ends):
                if x0 > row_end:
                    row_ends[i] = x1
                    placed.append((mk, i))
                    break
            else:
                row_ends.append(x1)
                placed.append((mk, len(row_ends) - 1))
        lane_rows[lane] = placed

    lane_heights = {lane: (max(r for _, r in p) + 1) * SUB_ROW + 2 * LANE_PAD
                    for lane, p in lane_rows.items()}
    height = TOP + sum(lane_heights.values()) + 62

    n_ms = len(milestones)
    drawn = (f"{n_ms} milestones" if total is None or total == n_ms else
             f"{n_ms} of the {total} milestones (those the plan below lists)")
    n_bars = sum(1 for m in milestones if m.forecast_start_date)
    if n_bars:
        drawn += f", of which {n_bars} {'is an activity' if n_bars == 1 else 'are activities'} drawn as bars,"
    transfer = f"Transfer day is {programme.transfer_date:%-d %B %Y}; t" if programme.transfer_date else "T"
    desc = (f"{drawn} by workstream from {start:%B %Y} to {end:%B %Y}. {transfer}oday is {today:%-d %B %Y}."
            f"{f' {hidden} dates outside this window are not drawn.' if hidden else ''}"
            f"{' The table lists every milestone.' if total is None else ''}")
    out: list[str] = [tag("rect", x=0, y=0, width=width, height=height, fill=WHITE)]
    # The scale's grid and labels: months, quarters, half-years or years, whichever keeps
    # the labels apart at this width (a ten-year programme is labelled by year).
    months = [m for m in _month_starts(start, end) if m >= start]
    month_px = plot_w / max(span / 30.44, 1)
    step = next((k for k in AXIS_STEPS if k * month_px >= AXIS_LABEL_PX), AXIS_STEPS[-1])
    for mstart in months:
        xm = x(mstart)
        labelled = (mstart.month - 1) % min(step, 12) == 0 and (step < 12 or mstart.year % (step // 12) == 0)
        if labelled or month_px >= 4:  # a line a month while they stay 4 px apart
            out.append(tag("line", x1=xm, y1=TOP - 6, x2=xm, y2=height - 30, stroke=COLOURS["grid"],
                           stroke_width=0.8 if labelled and step >= 12 else 0.5))
        if labelled:
            out.append(tag("text", f"{mstart:%Y}" if step >= 12 else f"{mstart:%b %y}", x=xm + 2, y=TOP - 10,
                           font_size=10, fill=COLOURS["text"]))
    # Today, the ELI deadline and transfer day go under the marks, so labels stay legible.
    lanes_end = TOP + sum(lane_heights.values())
    # Labels sit on three rows under the lanes, so that close dates do not collide.
    for row, (when, label, colour, dash) in enumerate((
        (today, "Today", COLOURS["text"], "4 3"),
        (eli_deadline, "ELI deadline", COLOURS["derived"], "2 2"),
        (programme.transfer_date, "Transfer day", COLOURS["late"], ""),
    )):
        if when is None or not start <= when <= end:
            continue
        xl = x(when)
        label_y = lanes_end + 16 + row * 15
        out.append(tag("line", x1=xl, y1=TOP - 4, x2=xl, y2=label_y - 10, stroke=colour, stroke_width=2,
                       stroke_dasharray=dash or None))
        anchor = "end" if xl > width - 160 else "start"
        dx = -3 if anchor == "end" else 3
        out.append(tag("text", f"{label} {when:%-d %b %Y}", x=xl + dx, y=label_y, font_size=11,
                       font_weight="bold", text_anchor=anchor, fill=colour))
    # Lanes.
    y = TOP
    for lane, placed in lane_rows.items():
        h = lane_heights[lane]
        out.append(tag("line", x1=0, y1=y, x2=width, y2=y, stroke=COLOURS["grid"], stroke_width=1))
        out.append(tag("text", escape(_clip(lane, LANE_CHARS)), x=6, y=y + LANE_PAD + 12, font_size=12,
                       font_weight="bold", fill=COLOURS["text"]))
        for mk, row in placed:
            cy = y + LANE_PAD + row * SUB_ROW + SUB_ROW / 2
            cx = x(mk.when)
            colour = COLOURS[mk.state]
            if mk.start:
                out.append(_bar(mk, x, cy, colour))
                continue
            if mk.baseline and mk.baseline != mk.when:
                bx = x(mk.baseline)
                out.append(tag("line", x1=bx, y1=cy, x2=cx, y2=cy, stroke=COLOURS["baseline"], stroke_width=1,
                               stroke_dasharray="3 2"))
                out.append(tag("rect", x=bx - 3, y=cy - 3, width=6, height=6, transform=f"rotate(45 {bx} {cy})",
                               fill=WHITE, stroke=COLOURS["baseline"], stroke_width=1))
            slipped = f" (baseline {mk.baseline:%-d %b %Y})" if mk.baseline and mk.baseline != mk.when else ""
            out.append(tag("g", tag("title", f"{escape(mk.label)}: {mk.when:%-d %b %Y}{slipped}")
                           + tag("rect", x=cx - 5, y=cy - 5, width=10, height=10, transform=f"rotate(45 {cx} {cy})",
                                 fill=colour)
                           + tag("text", escape(_short(mk)), x=cx + 9, y=cy + 4, font_size=11,
                                 fill=COLOURS["text"])))
        y += h
    out.append(tag("line", x1=0, y1=y, x2=width, y2=y, stroke=COLOURS["grid"]))
    return svg(out, title=f"Milestone timeline for {programme.name}", title_id="timeline-title", desc=desc,
               desc_id="timeline-desc", class_="app-timeline", role="img", viewBox=f"0 0 {width} {height}",
               width="100%", aria_labelledby="timeline-title timeline-desc",
               font_family="system-ui, Arial, sans-serif")


def _bar(mk: _Mark, x, cy: float, colour: str) -> str:
    """An activity: a bar from its start to its end, its baseline period a dashed line
    under it, its label (with its state in words) after its end."""
    x0, x1 = x(mk.start), x(mk.when)
    parts = []
    if mk.baseline_start and (mk.baseline_start, mk.baseline) != (mk.start, mk.when):
        parts.append(tag("line", x1=x(mk.baseline_start), y1=cy + 6, x2=x(mk.baseline), y2=cy + 6,
                         stroke=COLOURS["baseline"], stroke_width=1.5, stroke_dasharray="3 2"))
    baseline = (f" (baseline {mk.baseline_start:%-d %b %Y} to {mk.baseline:%-d %b %Y})"
                if mk.baseline_start and (mk.baseline_start, mk.baseline) != (mk.start, mk.when) else "")
    return "".join(parts) + tag(
        "g", tag("title", f"{escape(mk.label)}: {mk.start:%-d %b %Y} to {mk.when:%-d %b %Y}{baseline}")
        + tag("rect", x=x0, y=cy - 5, width=max(x1 - x0, 3), height=10, rx=2, fill=colour,
              class_="app-timeline__bar")
        + tag("text", escape(_short(mk)), x=x1 + 5, y=cy + 4, font_size=11, fill=COLOURS["text"]))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _short(mk: _Mark) -> str:
    prefix = {"late": "Late: ", "complete": "✓ ", "at_risk": "At risk: "}.get(mk.state, "")
    return _clip(prefix + mk.label, LABEL_CHARS)


LEGEND = [
    ("open", "Open, forecast date"),
    ("at_risk", "At risk"),
    ("late", "Late: forecast date passed"),
    ("complete", "✓ Complete, actual date"),
    ("derived", "Derived deadline (computed)"),
]


def legend_items():
    return list(LEGEND)



