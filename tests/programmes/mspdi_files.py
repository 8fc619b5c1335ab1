"""Plans shaped as Microsoft Project saves them (MSPDI XML), built in code for the tests,
the hostile corpus and the bench: a project summary task, summary levels, calendars,
baselines, links with lag, resources and assignments, names in any script."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape

NS = "http://schemas.microsoft.com/project"


@dataclass
class T:
    """One task. A summary has `summary=True`; a milestone `milestone=True` or `days=0`."""

    uid: int
    name: str
    level: int = 1
    start: date | None = date(2026, 1, 5)
    days: int = 5
    summary: bool = False
    milestone: bool = False
    baseline: tuple[date, date] | None = None
    percent: int = 0
    actual_finish: date | None = None
    links: list[tuple[int, int, int]] = field(default_factory=list)  # (predecessor UID, type, lag)
    finish: date | None = None

    def finish_day(self) -> date:
        if self.finish:
            return self.finish
        return self.start + timedelta(days=max(self.days - 1, 0))


CALENDARS = """<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
<BaseCalendarUID>-1</BaseCalendarUID><WeekDays>
<WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
<WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime>
<ToTime>12:00:00</ToTime></WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime>
</WorkingTime></WorkingTimes></WeekDay>
<WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay></WeekDays>
<Exceptions><Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod><FromDate>2026-12-25T00:00:00</FromDate>
<ToDate>2026-12-25T23:59:00</ToDate></TimePeriod><Name>Christmas Day</Name><DayWorking>0</DayWorking></Exception>
</Exceptions></Calendar></Calendars>"""


def _task(t: T, ident: int) -> str:
    parts = [f"<UID>{t.uid}</UID>", f"<ID>{ident}</ID>", f"<Name>{escape(t.name)}</Name>",
             "<Type>0</Type><IsNull>0</IsNull>", f"<OutlineNumber>{ident}</OutlineNumber>",
             f"<OutlineLevel>{t.level}</OutlineLevel>", "<Priority>500</Priority>"]
    if t.start is not None:
        parts.append(f"<Start>{t.start.isoformat()}T08:00:00</Start>")
        parts.append(f"<Finish>{t.finish_day().isoformat()}T{'08' if t.days == 0 else '17'}:00:00</Finish>")
    parts.append(f"<Duration>PT{t.days * 8}H0M0S</Duration><DurationFormat>7</DurationFormat>")
    parts.append(f"<Milestone>{int(t.milestone)}</Milestone><Summary>{int(t.summary)}</Summary>")
    parts.append(f"<PercentComplete>{t.percent}</PercentComplete>")
    if t.actual_finish:
        parts.append(f"<ActualFinish>{t.actual_finish.isoformat()}T17:00:00</ActualFinish>")
    parts.append("<CalendarUID>-1</CalendarUID>")
    for pred, kind, lag in t.links:
        parts.append(f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
                     f"<CrossProject>0</CrossProject><LinkLag>{lag}</LinkLag><LagFormat>7</LagFormat></PredecessorLink>")
    if t.baseline:
        parts.append(f"<Baseline><Number>0</Number><Start>{t.baseline[0].isoformat()}T08:00:00</Start>"
                     f"<Finish>{t.baseline[1].isoformat()}T17:00:00</Finish><Duration>PT40H0M0S</Duration></Baseline>")
    parts.append("<ExtendedAttribute><FieldID>188743731</FieldID><Value>x</Value></ExtendedAttribute>")
    return "<Task>" + "".join(parts) + "</Task>"


def plan_xml(tasks: list[T], *, resources: list[tuple[int, str, str]] = (), assignments: list[tuple[int, int]] = (),
             title: str = "Transfer plan", calendars: bool = True, prolog: str = "") -> bytes:
    """An MSPDI file: `resources` as (UID, name, email), `assignments` as (task UID, resource UID)."""
    summary = ("<Task><UID>0</UID><ID>0</ID><Name>Transfer plan</Name><OutlineLevel>0</OutlineLevel>"
               "<Summary>1</Summary><Start>2026-01-05T08:00:00</Start><Finish>2026-12-31T17:00:00</Finish></Task>")
    body = "".join(_task(t, n) for n, t in enumerate(tasks, start=1))
    res = "".join(f"<Resource><UID>{u}</UID><ID>{u}</ID><Name>{escape(n)}</Name><Type>1</Type>"
                  + (f"<EmailAddress>{escape(e)}</EmailAddress>" if e else "") + "</Resource>"
                  for u, n, e in resources)
    asg = "".join(f"<Assignment><UID>{n}</UID><TaskUID>{t}</TaskUID><ResourceUID>{r}</ResourceUID>"
                  "<Units>1</Units></Assignment>" for n, (t, r) in enumerate(assignments, start=1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}<Project xmlns="{NS}">'
           f"<SaveVersion>14</SaveVersion><Name>plan.xml</Name><Title>{escape(title)}</Title>"
           "<ScheduleFromStart>1</ScheduleFromStart><StartDate>2026-01-05T08:00:00</StartDate>"
           "<CalendarUID>1</CalendarUID>"
           + (CALENDARS if calendars else "") + f"<Tasks>{summary}{body}</Tasks>"
           f"<Resources><Resource><UID>0</UID><ID>0</ID><Type>1</Type></Resource>{res}</Resources>"
           f"<Assignments>{asg}</Assignments></Project>")
    return xml.encode()


def sized_plan(n: int, *, bad: bool = False, per_workstream: int = 50) -> bytes:
    """A plan of `n` tasks (a summary task every `per_workstream`, the rest activities and
    milestones linked in a chain); with `bad`, one more task whose finish is not a date."""
    tasks, uid, start = [], 1, date(2026, 1, 5)
    previous = None
    for k in range(n):
        if k % per_workstream == 0:
            tasks.append(T(uid, f"Workstream {k // per_workstream + 1}", summary=True, start=start, days=200))
            uid += 1
            previous = None
            continue
        day = start + timedelta(days=k % 300)
        links = [(previous, 1, 0)] if previous else []
        tasks.append(T(uid, f"Task {k}", level=2, start=day, days=0 if k % 7 == 0 else 3, links=links,
                       baseline=(day, day + timedelta(days=2)) if k % 7 else None))
        previous = uid
        uid += 1
    xml = plan_xml(tasks)
    if bad:
        xml = xml.replace(b"</Tasks>", f"<Task><UID>{uid}</UID><ID>{n + 1}</ID><Name>Bad finish</Name>"
                          "<OutlineLevel>2</OutlineLevel><Start>2026-02-02T08:00:00</Start>"
                          "<Finish>next Tuesday</Finish><Duration>PT8H0M0S</Duration><Summary>0</Summary>"
                          "</Task></Tasks>".encode())
    return xml


XXE = ('<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
LAUGHS = ('<!DOCTYPE Project [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
          '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
          '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
          '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
          '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
          '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
          '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>\n')


def xxe_plan() -> bytes:
    return plan_xml([T(1, "&xxe;")], prolog=XXE).replace(b"&amp;xxe;", b"&xxe;")


def laughs_plan() -> bytes:
    return plan_xml([T(1, "&lol9;")], prolog=LAUGHS).replace(b"&amp;lol9;", b"&lol9;")


def many_tasks_plan(n: int = 100_000) -> bytes:
    """`n` minimal tasks: small enough to be under the upload limit."""
    body = "".join(f"<Task><UID>{k}</UID><ID>{k}</ID><Name>T</Name></Task>" for k in range(1, n + 1))
    return f'<?xml version="1.0"?><Project xmlns="{NS}"><Tasks>{body}</Tasks></Project>'.encode()


def cycle_plan() -> bytes:
    return plan_xml([T(1, "Ops", summary=True), T(2, "Draft TUPE letters", level=2, links=[(4, 1, 0)]),
                     T(3, "Consult unions", level=2, links=[(2, 1, 4800)]),
                     T(4, "Issue letters", level=2, days=0, links=[(3, 1, 0)])])
