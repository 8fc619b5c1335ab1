"""Workforce tables as plain data, with no personal data in them: the team summary, the
breakdowns, the difference between two versions (as counts), readiness by team and the
restructure comparison. Pages, exports, the API, the overview panel and (later) the
Cabinet paper all use these, and render them with templates/workforce/fragments/.

Small numbers. Outside HR (`personal=False`) a group of 1–4 people is shown as "fewer
than 5", never as its number. So that the hidden figure cannot be worked out by
subtracting the shown ones from a total, suppression is completed in the usual way
(secondary suppression): in any set of cells that adds up to a shown total, if exactly one
cell is hidden the next smallest one is hidden too, and a subtotal that would still give a
hidden cell away is hidden as well. Joiners and leavers are hidden together, since the two
versions' headcounts give their difference. Zero is shown: it describes nobody.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from core.charts import SERIES, TEXT, bar_length, svg, tag
from core.formats import money
from workforce.models import (
    ContractType,
    EmployeeRecord,
    Establishment,
    PensionScheme,
    Readiness,
    ReadinessItem,
    StaffStatus,
    Terms,
    TransferRoster,
)

THRESHOLD = 5
SUPPRESSED = "fewer than 5"
NOT_SHOWN = "not shown"  # a figure hidden because it would give a small group away
ZERO = Decimal("0.00")


def is_small(n: int) -> bool:
    return 0 < n < THRESHOLD


def complete_suppression(counts: dict, hidden: set, groups: list[list]) -> set:
    """Hide more cells until no group (a list of keys whose counts add up to a shown total)
    has exactly one hidden cell; hides the smallest other non-zero cell each time."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for group in groups:
            inside = [k for k in group if k in hidden]
            if len(inside) == 1:
                others = sorted((counts[k], str(k)) for k in group if k not in hidden and counts[k] > 0)
                if others:
                    by_name = {str(k): k for k in group}
                    hidden.add(by_name[others[0][1]])
                    changed = True
    return hidden


@dataclass
class Cell:
    """A count (and FTE) to show, or `hidden` when it is a small group outside HR."""

    headcount: int
    fte: Decimal = ZERO
    hidden: bool = False

    @property
    def shown_headcount(self):
        return SUPPRESSED if self.hidden else self.headcount

    @property
    def shown_fte(self):
        return "–" if self.hidden else self.fte


@dataclass
class TeamRow:
    team_id: int
    team: str
    service_line: str
    people: Cell
    vacancies: int
    vacancy_fte: Decimal


@dataclass
class TeamSummary:
    roster: TransferRoster | None
    rows: list[TeamRow] = field(default_factory=list)
    service_lines: list[tuple[str, Cell, int]] = field(default_factory=list)
    total: Cell = field(default_factory=lambda: Cell(0))
    vacancies: int = 0
    vacancy_fte: Decimal = ZERO
    personal: bool = False

    @property
    def any_hidden(self) -> bool:
        return any(r.people.hidden for r in self.rows) or self.total.hidden

    def hidden_team_ids(self) -> set[int]:
        return {r.team_id for r in self.rows if r.people.hidden}


def hidden_teams(counts: dict[int, int], by_line: dict[str, list[int]]) -> set[int]:
    """The teams whose headcount is hidden outside HR: small ones, and then enough others
    that neither the grand total nor a service line's subtotal gives one away. Every table
    by team uses this one set, so no two pages can be set against each other."""
    return complete_suppression(counts, {k for k, n in counts.items() if is_small(n)},
                                [list(counts), *by_line.values()])


def roster_rows(roster: TransferRoster | None) -> list[dict]:
    """The aggregate columns of every record of a version: one query, no personal fields."""
    if roster is None:
        return []
    return list(EmployeeRecord.objects.filter(roster=roster).order_by().values(
        "team_id", "team__name", "team__service_line", "fte", "is_vacancy", "terms", "pension_scheme",
        "contract_type", "grade", "status"))


def team_summary(roster: TransferRoster | None, *, personal: bool, rows: list[dict] | None = None) -> TeamSummary:
    """Headcount and FTE of people by team and by service line, with vacancies and totals."""
    rows = roster_rows(roster) if rows is None else rows
    teams: dict[int, dict] = {}
    for r in rows:
        t = teams.setdefault(r["team_id"], {"name": r["team__name"], "line": r["team__service_line"],
                                            "n": 0, "fte": ZERO, "v": 0, "vfte": ZERO})
        if r["is_vacancy"]:
            t["v"] += 1
            t["vfte"] += r["fte"]
        else:
            t["n"] += 1
            t["fte"] += r["fte"]
    ordered = sorted(teams.items(), key=lambda kv: (kv[1]["line"], kv[1]["name"]))
    counts = {pk: t["n"] for pk, t in teams.items()}
    by_line: dict[str, list[int]] = defaultdict(list)
    for pk, t in ordered:
        by_line[t["line"]].append(pk)
    hidden: set = set()
    line_hidden: set = set()
    total_n = sum(counts.values())
    if not personal:
        hidden = hidden_teams(counts, by_line)
        line_counts = {line: sum(counts[k] for k in pks) for line, pks in by_line.items()}
        # A service line is hidden when it is small itself, or when it holds hidden teams
        # whose sum its subtotal would give away (all its hidden cells are one team).
        line_hidden = {line for line, n in line_counts.items() if is_small(n)}
        line_hidden = complete_suppression(line_counts, line_hidden, [list(line_counts)])
    summary = TeamSummary(roster=roster, personal=personal)
    for pk, t in ordered:
        summary.rows.append(TeamRow(pk, t["name"], t["line"], Cell(t["n"], t["fte"], pk in hidden),
                                    t["v"], t["vfte"]))
    for line, pks in by_line.items():
        n = sum(teams[k]["n"] for k in pks)
        fte = sum((teams[k]["fte"] for k in pks), ZERO)
        summary.service_lines.append((line, Cell(n, fte, line in line_hidden), sum(teams[k]["v"] for k in pks)))
    summary.total = Cell(total_n, sum((t["fte"] for t in teams.values()), ZERO),
                         hidden=not personal and is_small(total_n))
    summary.vacancies = sum(t["v"] for t in teams.values())
    summary.vacancy_fte = sum((t["vfte"] for t in teams.values()), ZERO)
    return summary


@dataclass
class Breakdown:
    title: str
    rows: list[tuple[str, Cell]]
    total: Cell


BREAKDOWNS = (
    ("terms", "Terms and conditions", dict(Terms.choices)),
    ("pension_scheme", "Pension scheme", dict(PensionScheme.choices)),
    ("contract_type", "Contract type", dict(ContractType.choices)),
    ("status", "Status", dict(StaffStatus.choices)),
    ("grade", "Grade or band", None),
)


def breakdowns(roster: TransferRoster | None, *, personal: bool, rows: list[dict] | None = None) -> list[Breakdown]:
    """People by terms and conditions, pension scheme, contract type, status and grade."""
    rows = [r for r in (roster_rows(roster) if rows is None else rows) if not r["is_vacancy"]]
    out = []
    total_n = len(rows)
    total_fte = sum((r["fte"] for r in rows), ZERO)
    for key, title, labels in BREAKDOWNS:
        counts: Counter = Counter()
        ftes: dict = defaultdict(lambda: ZERO)
        for r in rows:
            counts[r[key]] += 1
            ftes[r[key]] += r["fte"]
        hidden = set()
        if not personal:
            hidden = complete_suppression(dict(counts), {k for k, n in counts.items() if is_small(n)}, [list(counts)])
        keys = sorted(counts, key=lambda k: (-counts[k], str(k))) if labels is None else [
            k for k in labels if k in counts]
        out.append(Breakdown(title, [((labels or {}).get(k, k), Cell(counts[k], ftes[k], k in hidden)) for k in keys],
                             Cell(total_n, total_fte, hidden=not personal and is_small(total_n))))
    return out


# --- Versions and their differences -----------------------------------------------------

@dataclass
class VersionRow:
    roster: TransferRoster
    people: Cell
    vacancies: int


def version_rows(rosters: list[TransferRoster], counts: dict[int, tuple[int, Decimal, int]], *,
                 personal: bool) -> list[VersionRow]:
    out = []
    for r in rosters:
        n, fte, v = counts.get(r.pk, (0, ZERO, 0))
        out.append(VersionRow(r, Cell(n, fte or ZERO, hidden=not personal and is_small(n)), v))
    return out


CHANGE_FIELDS = (("team", "Team"), ("fte", "FTE"), ("grade", "Grade"), ("pay", "Pay"),
                 ("terms", "Terms and conditions"))
CHANGE_LABELS = dict(CHANGE_FIELDS)


@dataclass
class Difference:
    """What changed between two versions: counts (for everyone) and, for HR only, who."""

    older: TransferRoster
    newer: TransferRoster
    counts: dict[str, int]
    hidden: set[str]
    joiners: list = field(default_factory=list)
    leavers: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    personal: bool = False

    def shown(self, key: str):
        return SUPPRESSED if key in self.hidden else self.counts[key]

    @property
    def table(self) -> list[tuple[str, object]]:
        labels = [("joiners", "Joiners"), ("leavers", "Leavers"), ("changed", "People with any change"),
                  # "Changed FTE": an abbreviation keeps its capitals.
                  *((f"changed_{k}", f"Changed {label if label.isupper() else label.lower()}")
                    for k, label in CHANGE_FIELDS)]
        return [(label, self.shown(key)) for key, label in labels]


DIFF_COLUMNS = ("employee_ref", "name", "team_id", "team__name", "fte", "grade", "annual_pay", "terms", "is_vacancy")


def difference(older: TransferRoster, newer: TransferRoster, *, personal: bool) -> Difference:
    """Joiners, leavers and people whose team, FTE, grade, pay or terms changed between two
    versions, matched on the employee reference (vacant posts are left out: they are not
    people). One query; names are read only when `personal`."""
    columns = DIFF_COLUMNS if personal else tuple(c for c in DIFF_COLUMNS if c not in ("name",))
    # Both versions in one query, read as tuples (a dict per row costs more at 10,000 rows).
    a: dict[str, dict] = {}
    b: dict[str, dict] = {}
    for values in (EmployeeRecord.objects.filter(roster__in=[older, newer], is_vacancy=False).order_by()
                   .values_list("roster_id", *columns)):
        row = dict(zip(columns, values[1:], strict=True))
        (a if values[0] == older.pk else b)[row["employee_ref"]] = row
    joiners = [b[k] for k in sorted(b.keys() - a.keys())]
    leavers = [a[k] for k in sorted(a.keys() - b.keys())]
    changed = []
    per_field = Counter()
    for ref in sorted(a.keys() & b.keys()):
        old, new = a[ref], b[ref]
        what = []
        if old["team_id"] != new["team_id"]:
            what.append(("team", old["team__name"], new["team__name"]))
        if old["fte"] != new["fte"]:
            what.append(("fte", old["fte"], new["fte"]))
        if old["grade"] != new["grade"]:
            what.append(("grade", old["grade"], new["grade"]))
        if old["annual_pay"] != new["annual_pay"]:
            what.append(("pay", old["annual_pay"], new["annual_pay"]))
        if old["terms"] != new["terms"]:
            what.append(("terms", Terms(old["terms"]).label, Terms(new["terms"]).label))
        if what:
            per_field.update(k for k, _, _ in what)
            # Each change as the page says it: its label, and the pay as money.
            shown = [(CHANGE_LABELS[k], money(o, pence=True) if k == "pay" and o is not None else o,
                      money(n, pence=True) if k == "pay" and n is not None else n) for k, o, n in what]
            changed.append({"ref": ref, "name": new.get("name", ""), "team": new["team__name"], "changes": shown})
    counts = {"joiners": len(joiners), "leavers": len(leavers), "changed": len(changed),
              **{f"changed_{k}": per_field[k] for k, _ in CHANGE_FIELDS}}
    hidden: set[str] = set()
    if not personal:
        hidden = {k for k, n in counts.items() if is_small(n)}
        # The two headcounts are shown, so joiners − leavers is known: hide both or neither.
        if ("joiners" in hidden) != ("leavers" in hidden) and counts["joiners"] and counts["leavers"]:
            hidden |= {"joiners", "leavers"}
    diff = Difference(older, newer, counts, hidden, personal=personal)
    if personal:
        diff.joiners, diff.leavers, diff.changed = joiners, leavers, changed
    return diff


# --- Day-one readiness --------------------------------------------------------------------

@dataclass
class ReadinessRow:
    team: str
    people: Cell
    done: dict[int, int]  # ReadinessItem id → how many of the people have it done

    def _share(self, key: int) -> int:
        return round(100 * self.done[key] / self.people.headcount) if self.people.headcount else 0

    def percent(self, item) -> int:
        return self._share(item.pk)

    @property
    def ready(self) -> int:
        """How many have every check done."""
        return self.done[ALL_DONE]

    @property
    def ready_percent(self) -> int:
        return self._share(ALL_DONE)

    @property
    def cells(self) -> list[tuple[int, int]]:
        return [(self.done[i.pk], self.percent(i)) for i in self.items]

    items: list = field(default_factory=list, repr=False)


# The key of ReadinessRow.done that counts the people with every check done.
ALL_DONE = 0


@dataclass
class ReadinessTable:
    roster: TransferRoster | None
    items: list  # the programme's ReadinessItems, in order
    rows: list[ReadinessRow]
    total: ReadinessRow
    days_to_transfer: int
    transfer_date: date | None


def readiness_by_team(programme, roster: TransferRoster | None, *, personal: bool, today: date) -> ReadinessTable:
    """How many of each team's people (on the given version) have each of the programme's
    day-one checks done, and every one of them, with percentages and the total, counting
    down to transfer day. Three queries."""
    items = list(ReadinessItem.objects.filter(programme=programme).select_related("owner"))
    people = list(EmployeeRecord.objects.filter(roster=roster, is_vacancy=False).order_by().values_list(
        "employee_ref", "team_id", "team__name", "team__service_line")) if roster else []
    ready = {ref.upper(): set(done) for ref, done in Readiness.objects.filter(programme=programme).values_list(
        "employee_ref", "done")} if people else {}
    wanted = {i.pk for i in items}
    teams: dict[int, dict] = {}
    by_line: dict[str, list[int]] = defaultdict(list)
    for ref, team_id, team_name, line in people:
        if team_id not in teams:
            by_line[line].append(team_id)
        t = teams.setdefault(team_id, {"name": team_name, "n": 0, "done": Counter()})
        t["n"] += 1
        done = ready.get(ref.upper(), set()) & wanted
        t["done"].update(done)
        if done == wanted and wanted:
            t["done"][ALL_DONE] += 1
    counts = {k: t["n"] for k, t in teams.items()}
    hidden = set() if personal else hidden_teams(counts, by_line)
    keys = [*wanted, ALL_DONE]
    rows = [ReadinessRow(t["name"], Cell(t["n"], hidden=k in hidden), {c: t["done"][c] for c in keys}, items)
            for k, t in sorted(teams.items(), key=lambda kv: kv[1]["name"])]
    total_n = sum(counts.values())
    total = ReadinessRow("Total", Cell(total_n, hidden=not personal and is_small(total_n)),
                         {c: sum(t["done"][c] for t in teams.values()) for c in keys}, items)
    return ReadinessTable(roster, items, rows, total, programme.days_to_transfer(today), programme.transfer_date)


# --- Restructures ---------------------------------------------------------------------------

@dataclass
class CompareRow:
    team: str
    baseline_posts: object
    baseline_fte: object
    proposed_posts: int
    proposed_fte: Decimal
    change_posts: object
    change_fte: object
    voluntary: object
    compulsory: object


@dataclass
class Comparison:
    establishment: Establishment
    rows: list[CompareRow]
    total: CompareRow


def establishment_compare(establishment: Establishment, *, personal: bool) -> Comparison:
    """The proposed establishment against its baseline version, team by team: posts (people
    and vacancies) and FTE gained or lost, and redundancies split voluntary and compulsory.
    A team whose headcount the team summary hides keeps its baseline hidden here too."""
    rows = roster_rows(establishment.baseline)
    summary = team_summary(establishment.baseline, personal=personal, rows=rows)
    hidden_teams = summary.hidden_team_ids()
    base: dict[int, dict] = {}
    for r in rows:
        b = base.setdefault(r["team_id"], {"name": r["team__name"], "posts": 0, "fte": ZERO})
        b["posts"] += 1
        b["fte"] += r["fte"]
    lines = {ln.team_id: ln for ln in establishment.lines.select_related("team")}
    names = {pk: b["name"] for pk, b in base.items()} | {pk: ln.team.name for pk, ln in lines.items()}
    vol = {pk: ln.voluntary_redundancies for pk, ln in lines.items()}
    comp = {pk: ln.compulsory_redundancies for pk, ln in lines.items()}
    vol_hidden = comp_hidden = set()
    if not personal:
        vol_hidden = complete_suppression(vol, {k for k, n in vol.items() if is_small(n)}, [list(vol)])
        comp_hidden = complete_suppression(comp, {k for k, n in comp.items() if is_small(n)}, [list(comp)])
    out = []
    for pk in sorted(names, key=lambda k: names[k]):
        b = base.get(pk, {"posts": 0, "fte": ZERO})
        ln = lines.get(pk)
        p_posts, p_fte = (ln.posts, ln.fte) if ln else (0, ZERO)
        # A team whose headcount is hidden keeps its posts hidden too (posts less vacancies
        # would give the headcount), and so its proposal, which is often the same figure.
        hide = pk in hidden_teams
        out.append(CompareRow(
            names[pk], NOT_SHOWN if hide else b["posts"], NOT_SHOWN if hide else b["fte"],
            NOT_SHOWN if hide else p_posts, NOT_SHOWN if hide else p_fte,
            NOT_SHOWN if hide else p_posts - b["posts"], NOT_SHOWN if hide else p_fte - b["fte"],
            SUPPRESSED if pk in vol_hidden else vol.get(pk, 0),
            SUPPRESSED if pk in comp_hidden else comp.get(pk, 0)))
    t_posts = sum(b["posts"] for b in base.values())
    t_fte = sum((b["fte"] for b in base.values()), ZERO)
    p_posts = sum(ln.posts for ln in lines.values())
    p_fte = sum((ln.fte for ln in lines.values()), ZERO)
    total_vol, total_comp = sum(vol.values()), sum(comp.values())
    total = CompareRow("Total", t_posts, t_fte, p_posts, p_fte, p_posts - t_posts, p_fte - t_fte,
                       SUPPRESSED if not personal and is_small(total_vol) else total_vol,
                       SUPPRESSED if not personal and is_small(total_comp) else total_comp)
    return Comparison(establishment, out, total)


@dataclass
class Bar:
    label: str
    value: object
    y: int
    width: int


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = 270
    bar_area: int = 330

    def svg(self) -> SafeString:
        """The bars as an image (core.charts) whose title points to the table beside it."""
        body = []
        for b in self.bars:
            body.append(tag("text", escape(Truncator(b.label).chars(40)), x=self.label_width - 8, y=b.y + 14,
                            text_anchor="end", font_size=12, fill=TEXT))
            if b.width:
                body.append(tag("rect", x=self.label_width, y=b.y, width=b.width, height=18, fill=SERIES[0]))
            body.append(tag("text", escape(b.value), x=self.label_width + b.width + 6, y=b.y + 14, font_size=12,
                            fill=TEXT))
        return svg(body, title=f"{self.title}; the figures are in the table below", title_id="workforce-chart-title",
                   role="img", aria_labelledby="workforce-chart-title", width="100%",
                   viewBox=f"0 0 {self.label_width + self.bar_area + 60} {self.height}",
                   preserveAspectRatio="xMinYMin meet")


def team_chart(summary: TeamSummary) -> Chart:
    """Headcount by team as horizontal bars, for the summary page and the Cabinet paper.
    A hidden team gets no bar (its length would show the figure), only "fewer than 5"."""
    shown = [r.people.headcount for r in summary.rows if not r.people.hidden]
    top = max(shown, default=0) or 1
    bars = []
    for i, r in enumerate(summary.rows):
        width = 0 if r.people.hidden else max(1, bar_length(r.people.headcount, top, 330))
        bars.append(Bar(r.team, r.people.shown_headcount, 8 + i * 26, width))
    return Chart("Headcount by team", bars, 16 + len(bars) * 26)


# --- The transfer's employer pension cost ----------------------------------------------------

NO_PAY = "no pay"
NO_RATE = "no rate"
NOT_IN_SCHEME = "not in a scheme"
PENCE = Decimal("0.01")


def employer_cost(pay: Decimal, rate: Decimal) -> Decimal:
    """A year's employer contribution on `pay` at `rate` per cent, to the penny (half up)."""
    return (Decimal(pay) * Decimal(rate) / 100).quantize(PENCE, rounding=ROUND_HALF_UP)


@dataclass
class CostCell:
    """People counted in a group, and the employer cost of those whose pay and scheme's
    rate are known. The others are counted as `no_pay` or `no_rate` (and those not in a
    scheme as `no_scheme`, who cost the employer nothing and say so), never as £0 in the
    cost. Outside HR a small group is `hidden` whole, and a small `no_pay`/`no_rate` count
    on its own (`hidden_counts`)."""

    people: int = 0
    costed: int = 0
    no_pay: int = 0
    no_rate: int = 0
    no_scheme: int = 0
    cost: Decimal = ZERO
    hidden: bool = False
    hidden_counts: frozenset = frozenset()

    def add(self, other: "CostCell") -> None:
        self.people += other.people
        self.costed += other.costed
        self.no_pay += other.no_pay
        self.no_rate += other.no_rate
        self.no_scheme += other.no_scheme
        self.cost += other.cost

    def _count(self, name: str):
        return SUPPRESSED if self.hidden or name in self.hidden_counts else getattr(self, name)

    @property
    def shown_people(self):
        return SUPPRESSED if self.hidden else self.people

    @property
    def shown_cost(self):
        """The cost as money, or why there is none to show."""
        if self.hidden:
            return NOT_SHOWN
        if not self.costed and self.people:
            return NOT_IN_SCHEME if self.no_scheme == self.people else (
                NO_RATE if self.no_rate and not self.no_pay else NO_PAY if self.no_pay and not self.no_rate
                else f"{NO_PAY} or {NO_RATE}")
        return money(self.cost, pence=True)

    @property
    def shown_no_pay(self):
        return self._count("no_pay")

    @property
    def shown_no_rate(self):
        return self._count("no_rate")

    @property
    def shown_no_scheme(self):
        return self._count("no_scheme")

    @property
    def gaps(self) -> list[str]:
        """What the cost leaves out, in words, as the page says it under the figure."""
        out = []
        for name, words in (("no_pay", "with no pay on the roster"),
                            ("no_rate", "in a scheme with no employer rate set")):
            n = self._count(name)
            if n:
                out.append(f"{n} {'person' if n == 1 else 'people'} {words}")
        return out


def _suppress(cells: dict, groups_of: list[list] | None = None) -> None:
    """Hide, outside HR, small groups and what would give them away (as `hidden_teams`
    does for headcounts): a group of 1–4 people, one whose cost rests on 1–4 people's
    pay, and then enough others that no total gives one back; then small counts of people
    with no pay or no rate, completed the same way."""
    keys = list(cells)
    groups = [keys, *(groups_of or [])]
    people = {k: c.people for k, c in cells.items()}
    hidden = complete_suppression(people, {k for k, n in people.items() if is_small(n)}, groups)
    costed = {k: c.costed for k, c in cells.items()}
    hidden = complete_suppression(costed, hidden | {k for k, n in costed.items() if is_small(n)}, groups)
    for k in hidden:
        cells[k].hidden = True
    for name in ("no_pay", "no_rate"):
        counts = {k: getattr(c, name) for k, c in cells.items()}
        small = complete_suppression(counts, {k for k, n in counts.items() if is_small(n)} | hidden, [keys]) - hidden
        for k in small:
            cells[k].hidden_counts = cells[k].hidden_counts | {name}


@dataclass
class SchemeCost:
    scheme: str
    label: str
    fund: str
    rate: Decimal | None
    cell: CostCell


@dataclass
class TeamCost:
    team: str
    service_line: str
    cell: CostCell


@dataclass
class PersonCost:
    """One person's line, for HR only."""

    record_id: int
    employee_ref: str
    name: str
    team: str
    scheme: str
    annual_pay: Decimal | None
    rate: Decimal | None
    cost: Decimal | None
    why_none: str  # "no pay", "no rate", "not in a scheme" or ""


@dataclass
class PensionPhase:
    roster: TransferRoster
    schemes: list[SchemeCost]
    teams: list[TeamCost]
    total: CostCell
    people: list[PersonCost] = field(default_factory=list)

    @property
    def contract(self):
        return self.roster.contract if self.roster.contract_id else None


@dataclass
class PensionCosts:
    phases: list[PensionPhase]
    total: CostCell  # every phase together
    rates: list  # the programme's PensionRate rows
    unrated: list[str]  # labels of the schemes people are in that have no rate set
    personal: bool = False


PENSION_COLUMNS = ("id", "roster_id", "employee_ref", "team_id", "team__name", "team__service_line",
                   "pension_scheme", "annual_pay")


def pension_costs(rosters: list[TransferRoster], rates: list, *, personal: bool) -> PensionCosts:
    """The annual employer pension cost of the people on `rosters` (one per phase), by
    scheme and by team, each phase and in total, from each scheme's employer rate (`rates`,
    the programme's PensionRate rows). One query for every phase's people; names (and each
    person's line) only when `personal`."""
    rate_of = {r.scheme: r for r in rates}
    columns = PENSION_COLUMNS + (("name",) if personal else ())
    by_roster: dict[int, list[dict]] = defaultdict(list)
    if rosters:
        for values in (EmployeeRecord.objects.filter(roster__in=rosters, is_vacancy=False).order_by()
                       .values_list(*columns)):
            row = dict(zip(columns, values, strict=True))
            by_roster[row["roster_id"]].append(row)
    labels = dict(PensionScheme.choices)
    phases = []
    grand = CostCell()
    unrated: set[str] = set()
    for roster in rosters:
        schemes: dict[str, CostCell] = {}
        teams: dict[int, CostCell] = {}
        team_names: dict[int, tuple[str, str]] = {}
        people = []
        for r in sorted(by_roster[roster.pk], key=lambda r: (r["team__name"], r.get("name", ""), r["employee_ref"])):
            one = CostCell(people=1)
            scheme = r["pension_scheme"]
            found = rate_of.get(scheme)
            cost, why = None, ""
            if scheme == PensionScheme.NONE:
                one.no_scheme, why = 1, NOT_IN_SCHEME
            elif found is None:
                one.no_rate, why = 1, NO_RATE
                unrated.add(labels.get(scheme, scheme))
            elif r["annual_pay"] is None:
                one.no_pay, why = 1, NO_PAY
            else:
                cost = employer_cost(r["annual_pay"], found.employer_rate)
                one.costed, one.cost = 1, cost
            schemes.setdefault(scheme, CostCell()).add(one)
            teams.setdefault(r["team_id"], CostCell()).add(one)
            team_names[r["team_id"]] = (r["team__name"], r["team__service_line"])
            if personal:
                people.append(PersonCost(r["id"], r["employee_ref"], r["name"], r["team__name"],
                                         labels.get(scheme, scheme), r["annual_pay"],
                                         found.employer_rate if found else None, cost, why))
        total = CostCell()
        for cell in teams.values():
            total.add(cell)
        if not personal:
            by_line: dict[str, list[int]] = defaultdict(list)
            for pk, (_, line) in team_names.items():
                by_line[line].append(pk)
            _suppress(teams, list(by_line.values()))
            _suppress(schemes)
            total.hidden = is_small(total.people) or is_small(total.costed)
        grand.add(total)
        scheme_rows = [SchemeCost(k, labels.get(k, k), rate_of[k].fund if k in rate_of else "",
                                  rate_of[k].employer_rate if k in rate_of else None, schemes[k])
                       for k in labels if k in schemes]
        team_rows = [TeamCost(team_names[pk][0], team_names[pk][1], teams[pk])
                     for pk in sorted(teams, key=lambda k: (team_names[k][1], team_names[k][0]))]
        phases.append(PensionPhase(roster, scheme_rows, team_rows, total, people))
    if not personal:
        # With one phase hidden, the whole less the others would give it back.
        grand.hidden = (is_small(grand.people) or is_small(grand.costed)
                        or sum(p.total.hidden for p in phases) == 1 < len(phases))
    return PensionCosts(phases, grand, list(rates), sorted(unrated), personal)
