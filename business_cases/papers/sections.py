"""The paper's body: the front sheet and the numbered sections built from live figures
(background, options appraisal, resources, workforce, risks, other options)."""
from __future__ import annotations

from django.utils import timezone

from business_cases.models import PROTECTED_CHARACTERISTICS, CabinetPaper, Characteristic, Outcome
from business_cases.papers.data import PaperData
from business_cases.papers.formatting import NOT_WRITTEN, OUTCOME_TONE, TONE, _difference, _suppression_note, paragraphs
from core.documents import Cell, Document, Figure, Items, Para, Section, Table
from core.formats import long_date, measure, money, number, percent
from core.statutory import (
    ELI_BEFORE_TRANSFER,
    GENERAL_EXCEPTION_NOTICE,
    GENERAL_EXCEPTION_WORDS,
    KEY_DECISION_NOTICE,
    SPECIAL_URGENCY_WORDS,
)
from finance import reporting as finance
from programmes.models import Milestone
from risks.heatmap import heatmap_svg
from risks.models import Risk

TOP_RISKS = 5
# The open deadlines the statutory section lists (every late one, then the next due): the
# rest are on the programme's deadlines page and in Appendix F's timeline.
PAPER_DEADLINES = 8


def _front(paper: CabinetPaper, data: PaperData) -> list[tuple[str, str]]:
    key = "No"
    if paper.key_decision:
        key = (f"Yes: on the forward plan by {long_date(paper.notice_date)}, "
               f"{KEY_DECISION_NOTICE.words} before the meeting")
    meeting = long_date(paper.meeting_date)
    if paper.meeting_passed(data.today):
        meeting += f": this date had passed when the figures were read, on {long_date(data.today)}"
    front = [
        ("Meeting", paper.decision_maker),
        ("Meeting date", meeting),
        ("Title of the report", paper.title),
        ("Forward plan reference", paper.forward_plan_reference or "—"),
        ("Key decision", key),
        ("Wards affected", paper.wards),
        ("Classification", paper.classification_text()),
    ]
    if paper.cabinet_member:
        front.append(("Cabinet member", paper.cabinet_member))
    if data.stage and data.stage.current:
        v = data.stage.current
        front.append(("Business case", f"{data.stage.label}, version {v.number} ({v.get_status_display().lower()})"))
    front += [
        ("Report author", paper.author),
        ("Contact", paper.contact),
        ("Figures drawn from Insource", f"{timezone.localtime(data.snapshot_at):%-d %B %Y at %H:%M}"),
    ]
    return front


def _prose(section: Section, text: str) -> Section:
    for p in paragraphs(text) or [NOT_WRITTEN]:
        section.add(Para(p))
    return section


def _when(day, today) -> str:
    days = (day - today).days
    return (f"{days} days after these figures were read" if days > 0 else
            "the day these figures were read" if days == 0 else f"{-days} days before these figures were read")


def _programme_paras(data: PaperData) -> list:
    p = data.programme
    text = f"{p.name}: {p.get_kind_display()[0].lower()}{p.get_kind_display()[1:]}."
    if p.transfer_date:
        text += f" The new model goes live on {long_date(p.transfer_date)}, {_when(p.transfer_date, data.today)}."
    blocks: list = [Para(text)]
    for c in data.contracts:
        with_whom = c.counterparty.name if c.counterparty_id else "an unnamed counterparty"
        line = f"The {c.title} with {with_whom} ends on {long_date(c.end_date)}"
        if c.notice_deadline:
            line += f"; notice to end it must be given by {long_date(c.notice_deadline)}"
        if c.extension_deadline:
            line += f"; an extension ({c.extension_options}) must be taken up by {long_date(c.extension_deadline)}"
        # The staff transfer and its TUPE deadline only where staff do transfer.
        if data.staff_transfer and c.staff_transfer:
            line += (f"; staff transfer under it on {long_date(c.transfer_date)}, and the Employee Liability "
                     f"Information is due by {long_date(c.eli_deadline)} ({ELI_BEFORE_TRANSFER.reference})")
        blocks.append(Para(line + "."))
    if not data.staff_transfer:
        blocks.append(Para("No staff transfer under this programme's contracts, so TUPE does not apply."))
    if data.services:
        blocks.append(Para("The services in scope:", numbered=False))
        blocks.append(Items(tuple(f"{s.code}: {s.name}" for s in data.services)))
    done = sum(1 for m in data.milestones if m.status == Milestone.Status.COMPLETE)
    late = sum(1 for m in data.milestones if m.is_late(data.today))
    n = len(data.milestones)
    if n:
        plan = (f"The plan holds {n} milestone{'' if n == 1 else 's'}: {done} complete and {late} late. "
                + ("Appendix F shows the plan's timeline to its last milestone, with transfer day marked."
                   if p.transfer_date else "Appendix F shows the plan's timeline."))
    else:
        plan = "The plan holds no milestones yet."
    blocks.append(Para(plan))
    c = data.confidence
    if c:
        text = (f"Delivery confidence for the period ending {long_date(c.period_end)} is "
                f"{c.get_rating_display()} on the {c.get_scale_display().lower()} scale.")
        if c.commentary.strip():
            text += f" {c.commentary.strip()}"
        blocks.append(Para(text))
    if data.stage and data.stage.current:
        v = data.stage.current
        text = f"This report presents the {data.stage.label}, version {v.number}"
        if v.status == v.Status.APPROVED and v.approving_body:
            text += f", which {v.approving_body} approved on {long_date(v.meeting_date)}"
        else:
            text += f" (status: {v.get_status_display().lower()})"
        blocks.append(Para(text + "."))
    return blocks


def _notice_route_paras(paper: CabinetPaper, data: PaperData) -> list:
    """Where this paper's key decision missed its forward-plan date (and the meeting is still
    to come), what the regulations allow instead. A programme decision at the same meeting
    whose forward-plan deadline is marked done in time settles it."""
    if not (paper.key_decision and paper.meeting_date and paper.notice_date < data.today <= paper.meeting_date):
        return []
    in_time = any(d.rule == "forward-plan" and d.event_date == paper.meeting_date and d.done_on
                  and d.done_on <= d.date for d in data.derived)
    if in_time:
        return []
    blocks = [Para(f"The forward-plan notice of this key decision was due by {long_date(paper.notice_date)} "
                   f"({KEY_DECISION_NOTICE.words} before the meeting, {KEY_DECISION_NOTICE.reference}) and was "
                   "not given in time, so the decision can only be taken by another route.", strong=True)]
    if GENERAL_EXCEPTION_NOTICE.latest_date(paper.meeting_date) >= data.today:
        blocks.append(Para(GENERAL_EXCEPTION_WORDS))
    blocks.append(Para(SPECIAL_URGENCY_WORDS))
    return blocks


def _statutory_deadline_paras(data: PaperData) -> list:
    """The programme's derived deadlines still open (due or late), each with its rule: the
    dates the law sets, worked out from the contracts, the decisions and the restructures."""
    open_ = [d for d in data.derived if d.state in ("due", "late")]
    done = sum(1 for d in data.derived if d.state == "done")
    if not open_:
        return [Para("No statutory or governance deadline is open" + (f"; {done} have been met." if done else "."))]
    late = sum(1 for d in open_ if d.state == "late")
    shown = [d for d in open_ if d.state == "late"] + [d for d in open_ if d.state == "due"]
    shown = shown[:max(PAPER_DEADLINES, late)]
    lead = (f"{len(open_)} statutory and governance deadline{'s are' if len(open_) != 1 else ' is'} still open"
            + (f", {late} of them late" if late else "") + (f"; {done} have been met" if done else "")
            + ". Each is worked out from another date, so it moves when that date moves. "
            + ("They are:" if len(shown) == len(open_) else f"The late ones and the next due, {len(shown)} in all:"))
    return [Para(lead), Items(tuple(
        f"{long_date(d.date)}{' (late)' if d.state == 'late' else ''}: {d.title}. {d.source[0].upper()}{d.source[1:]}."
        for d in shown))]


def criteria_claim(options: int, criteria: list[dict]) -> str:
    """How many options were appraised against how many criteria, and where the criteria
    came from, as far as the matrix links them: to a strategic objective, a critical
    success factor, both, or neither (then the sentence claims no source)."""
    n = len(criteria)
    sentence = (f"{options} {'option was' if options == 1 else 'options were'} appraised against "
                f"{n} {'criterion' if n == 1 else 'criteria'}")
    links = {c["link"] for c in criteria if c["link"]}
    linked = sum(1 for c in criteria if c["link"])
    if not linked:
        return sentence + "."
    if n == 1:
        source = "a strategic objective" if "objective" in links else "a critical success factor"
        return f"{sentence}, drawn from {source}."
    sources = " and ".join(name for key, name in (("objective", "the strategic objectives"),
                                                   ("csf", "the critical success factors")) if key in links)
    if linked == n:
        return f"{sentence}, {'both' if n == 2 else 'all'} drawn from {sources}."
    rest = n - linked
    return (f"{sentence}: {linked} {'is' if linked == 1 else 'are'} drawn from {sources}, and {rest} "
            f"{'is' if rest == 1 else 'are'} linked to neither.")


def appraisal_method_claim(appraised: list[dict], schedule: list[str]) -> str:
    """What the economic appraisal did, as far as the appraised options' own figures show:
    optimism bias is said to be added only where an option has some, and benefits to be
    counted at a confidence only where one is below 100%."""
    # An option's own rate, or one of its lines' own (business_cases.appraisal).
    biased = [o for o in appraised if o["optimism_bias_percent"] or o.get("own_bias_lines")]
    doubted = [o for o in appraised if o["confidence_percent"] < 100 or o.get("own_doubt_lines")]

    def which(options: list[dict]) -> str:
        return "" if len(options) == len(appraised) else f" (for {_and([o['code'] for o in options])})"

    steps = [f"discounts each option's costs and benefits at the Green Book rates ({'; '.join(schedule)})"]
    if biased:
        steps.append(f"adds optimism bias to costs{which(biased)}")
    if doubted:
        steps.append(f"counts benefits at the stated confidence{which(doubted)}")
    method = _and(steps)
    if not biased:
        method += ", with no optimism bias added to any option's costs"
    return f"The economic appraisal {method}."


def _options_section(doc: Document, data: PaperData, title: str = "Options appraisal") -> None:
    m = data.matrix
    s = doc.section(title)
    if not m["rows"]:
        s.add(Para("No options have been recorded for appraisal."))
        return
    s.add(Para(f"{criteria_claim(len(m['rows']), m['criteria'])} Appendix A sets out the whole matrix, its "
               "colour key and the ranking rules."))
    rows = []
    for r in m["rows"]:
        outcome = r["outcome_label"] + (f" (the matrix gives {r['computed_label'].lower()})" if r["overridden"] else "")
        rows.append((f"{r['code']} {r['title']}", r["rank_text"],
                     (f"{number(r['total'])} of {number(m['max_total'])}" if r["passes_gates"]
                      else "Ruled out by a gate"),
                     Cell(outcome, OUTCOME_TONE.get(r["outcome"], "neutral")), r["justification"] or r["explanation"]))
    s.add(Table(caption="Options and their outcomes", headers=("Option", "Rank", "Weighted score", "Outcome", "Why"),
                rows=tuple(rows)))
    preferred = [r for r in m["rows"] if r["outcome"] == Outcome.PREFERRED]
    if preferred:
        s.add(Para(f"The preferred option is {preferred[0]['code']}, {preferred[0]['title'].lower()}. "
                   f"{preferred[0]['explanation']}"))
    for warning in m["green_book"]:
        s.add(Para(f"Short list check: {warning[:1].lower()}{warning[1:]}"))
    unmitigated = data.unmitigated_by_option
    for r in m["rows"]:
        if r["id"] in unmitigated:
            s.add(Para(f"Equality: the equality impact assessment of {r['code']} {r['title']} finds a negative "
                       f"impact with no mitigation on {_and(unmitigated[r['id']])}.", strong=True))
    a = data.appraisal
    appraised = [o for o in a["options"] if o["has_lines"]]
    if appraised:
        s.add(Para(f"{appraisal_method_claim(appraised, a['schedule'])} Appendix B gives the detail."))
        s.add(_appraisal_table(appraised))
        sv = a["switching"]
        if sv:
            s.add(Para(f"Switching value: {sv.preferred}'s net present social value exceeds {sv.runner_up}'s by "
                       f"{money(sv.amount, pence=False)}. Its present value of costs would have to rise by that much"
                       + (f" ({percent(sv.percent_of_costs)})" if sv.percent_of_costs is not None else "")
                       + " before the two gave equal value."))
        if a["scenarios"]:
            s.add(_sensitivity_table(a["preferred"], a["scenarios"]))
    else:
        s.add(Para("No option has an economic appraisal yet."))


def _sensitivity_table(preferred: str, scenarios: list) -> Table:
    """The preferred option under each of the appraisal's scenarios (appraisal.SCENARIOS)."""
    def payback(sc) -> str:
        if sc.never_behind:
            return "Never behind"
        return f"Year {sc.payback_year}" if sc.payback_year is not None else "Not within the years appraised"

    return Table(
        caption=f"Sensitivity of {preferred}: its lines changed one way at a time",
        headers=("Scenario", "Net present social value", "Benefit–cost ratio",
                 "Cumulative position (real, undiscounted)", "Pays back"),
        rows=tuple((sc.label, money(sc.npsv, pence=False), "—" if sc.bcr is None else number(sc.bcr),
                    money(sc.cumulative, pence=False), payback(sc)) for sc in scenarios),
        numeric=frozenset({1, 2, 3}))


def _appraisal_table(appraised: list[dict]) -> Table:
    return Table(
        caption="Economic appraisal (present values)",
        headers=("Option", "Costs with optimism bias", "Benefits at confidence", "Net present social value",
                 "Benefit–cost ratio"),
        rows=tuple((f"{o['code']} {o['title']}" + (" (preferred)" if o["preferred"] else ""),
                    money(o["pv_costs"], pence=False), money(o["pv_benefits"], pence=False),
                    money(o["npsv"], pence=False), "—" if o["bcr"] is None else number(o["bcr"]))
                   for o in appraised),
        numeric=frozenset({1, 2, 3, 4}))


def spend_table(spend: finance.MobilisationSpend) -> Table:
    """Actual mobilisation spend by year: revenue, capital, the year's total and the running
    total. The foot is the sum of the years; a published total that differs is explained in
    the note, never printed as the total."""
    return Table(
        caption="Mobilisation spend by financial year",
        headers=("Year", "Revenue", "Capital", "Total", "Cumulative"),
        rows=tuple((str(y.year), money(y.revenue), money(y.capital), money(y.total), money(y.cumulative))
                   for y in spend.years),
        foot=(("Total", money(spend.revenue), money(spend.capital), money(spend.total), ""),),
        numeric=frozenset({1, 2, 3, 4}), note=" ".join(spend.notes))


def kpi_table(summaries: list) -> Table:
    """Each KPI's baseline, latest reading, target and comparator in its own unit (£557.18,
    71.6%, 12 people), and how it stands. A baseline not yet measured, or a target or
    comparator not set, is said in words: none of them is a zero."""
    rows = []
    for k in summaries:
        kpi = k.kpi
        comparator = (f"{measure(kpi.comparator_value, kpi.unit)} ({kpi.comparator_label})"
                      if kpi.comparator_value is not None else "None")
        rows.append((kpi.name,
                     "Not measured yet" if kpi.baseline is None else measure(kpi.baseline, kpi.unit),
                     measure(k.latest.value, kpi.unit) if k.latest else "No reading yet",
                     "No target set" if kpi.target is None else measure(kpi.target, kpi.unit),
                     comparator, Cell(k.status.text, TONE.get(k.status.value, ""))))
    return Table(caption="Key performance indicators",
                 headers=("KPI", "Baseline", "Latest", "Target", "Comparator", "Against target"),
                 rows=tuple(rows), numeric=frozenset({1, 2, 3}))


def benefits_table(b: finance.CostsAndBenefits) -> Table:
    """Investment, income and savings by year, with the cumulative position and payback."""
    return Table(caption="Costs and benefits by year",
                 headers=("Year", "Investment", "Income", "Savings", "Net", "Cumulative net"),
                 rows=tuple((str(y.year), money(y.investment), money(y.income), money(y.savings), money(y.net),
                             Cell(money(y.cumulative_net), "good" if y.cumulative_net >= 0 else "bad"))
                            for y in b.years),
                 foot=(("Total", money(b.total("investment")), money(b.total("income")),
                        money(b.total("savings")), money(b.total("net")), ""),),
                 numeric=frozenset({1, 2, 3, 4, 5}),
                 note=" ".join(p.words for p in b.paybacks) or "No investment, income or savings are planned yet.")


def _resources_section(doc: Document, data: PaperData, title: str = "Resource implications") -> None:
    s = doc.section(title)
    spend = data.spend
    if spend.years:
        last = spend.years[-1]
        s.add(Para(f"Mobilisation has cost {money(spend.total)} over {len(spend.years)} financial years, "
                   f"{money(spend.revenue)} revenue and {money(spend.capital)} capital, taken from the ledger "
                   f"exports loaded into Insource; spend to the end of {last.year} is {money(last.cumulative)}."),
              spend_table(spend))
    else:
        s.add(Para("No spend has been loaded from the ledger yet."))
    if data.soc and data.soc.rows:
        soc = data.soc
        s.add(Para(f"Against the costs planned at the Strategic Outline Case ({soc.label}):"),
              Table(caption="Planned cost against actual spend",
                    headers=("Year", "Planned", "Actual", "Difference"),
                    rows=tuple((str(y), money(p), money(a), _difference(p, a)) for y, p, a in soc.rows),
                    foot=(("Total", money(soc.planned_total), money(soc.actual_total),
                           _difference(soc.planned_total, soc.actual_total)),),
                    numeric=frozenset({1, 2, 3})))
    if data.reserves:
        s.add(Table(caption="Funding sources", headers=("Source", "Balance", "Committed to this programme",
                                                        "Committed elsewhere", "Uncommitted"),
                    rows=tuple((r.source.name, money(r.source.balance), money(r.committed),
                                money(r.source.other_commitments), money(r.uncommitted)) for r in data.reserves),
                    numeric=frozenset({1, 2, 3, 4})))
    if data.benefits.years:
        s.add(benefits_table(data.benefits))
    if data.kpis:
        s.add(kpi_table(data.kpis))
    s.add(Para("Appendix C gives budget against actual by year, by revenue and capital, by cost type and "
               "by workstream."))
    if data.staff_transfer:
        _workforce_blocks(s, data)


def _workforce_blocks(s: Section, data: PaperData) -> None:
    t = data.teams
    if data.roster is None:
        s.add(Para("No staff list has been received from the outgoing provider yet."))
        return
    r = data.roster
    s.add(Para(f"Workforce: version {r.version} of the transfer list, as at {long_date(r.as_at)}, names "
               f"{t.total.shown_headcount} people ({number(t.total.shown_fte, places=2)} full-time equivalent) in "
               f"{len(t.rows)} teams" + (f", with {t.vacancies} vacant posts" if t.vacancies else "") + "."))
    s.add(Table(caption="Staff transferring by team",
                headers=("Team", "Service line", "Headcount", "FTE"),
                rows=tuple((row.team, row.service_line or "—", str(row.people.shown_headcount),
                            number(row.people.shown_fte, places=2)) for row in t.rows),
                foot=(("Total", "", str(t.total.shown_headcount), number(t.total.shown_fte, places=2)),),
                numeric=frozenset({2, 3}),
                note=_suppression_note(t.any_hidden)))


def _risk_row(r: Risk) -> tuple:
    return (r.reference, r.title, r.workstream.name if r.workstream_id else "—",
            Cell(f"{r.inherent_score} ({r.inherent_rag.capitalize()})", TONE.get(r.inherent_rag, "neutral")),
            Cell(f"{r.residual_score} ({r.residual_rag.capitalize()})", TONE.get(r.residual_rag, "neutral")))


RISK_HEADERS = ("Ref", "Risk", "Workstream", "Before mitigation", "After mitigation")


def _risks_section(doc: Document, data: PaperData, title: str = "Risk management") -> None:
    s = doc.section(title)
    risks = data.open_risks
    if not risks:
        s.add(Para("The programme's risk register has no open risks."))
        return
    red = sum(1 for r in risks if r.residual_rag == "red")
    n = len(risks)
    if n == 1:
        held = (f"The register holds 1 open risk, {'red' if red else 'not red'} after mitigation. It is below, and "
                "in Appendix E.")
    else:
        held = (f"The register holds {n} open risks, {red} of them red after mitigation. "
                + (f"The {TOP_RISKS} highest after mitigation are below; Appendix E lists them all." if n > TOP_RISKS
                   else "They are below, the highest after mitigation first, and in Appendix E."))
    s.add(Para(held),
          Table(caption="Top risks (score is likelihood × impact, out of 25)", headers=RISK_HEADERS,
                rows=tuple(_risk_row(r) for r in risks[:TOP_RISKS])))
    counts = data.heatmap["residual"]
    settings = data.risk_settings
    svg = heatmap_svg(counts=counts, title="Open risks after mitigation", element_id="paper-heatmap",
                      green_max=settings.green_max, amber_max=settings.amber_max)
    rows = tuple((str(likelihood), *(str(counts.get((likelihood, impact), 0)) for impact in range(1, 6)))
                 for likelihood in range(5, 0, -1))
    s.add(Figure("Heat map of open risks after mitigation", svg,
                 Table(caption="Open risks by likelihood (rows) and impact (columns)",
                       headers=("Likelihood", *(f"Impact {i}" for i in range(1, 6))), rows=rows,
                       numeric=frozenset({1, 2, 3, 4, 5}))))


def _other_options_section(doc: Document, data: PaperData, text: str, title: str = "Other options considered") -> None:
    s = doc.section(title)
    for p in paragraphs(text):
        s.add(Para(p))
    others = [r for r in data.matrix["rows"] if r["outcome"] != Outcome.PREFERRED]
    for r in others:
        s.add(Para(f"{r['code']} {r['title']}: {r['outcome_label'].lower()}. {r['justification'] or r['explanation']}"))
    if not others and not paragraphs(text):
        s.add(Para(NOT_WRITTEN))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# The public sector equality duty, Equality Act 2010 s149(1), in our own words.
EQUALITY_DUTY = (
    "In making this decision the council must have due regard to the public sector equality duty in section 149 "
    "of the Equality Act 2010: the need to",
    ("do away with unlawful discrimination, harassment and victimisation, and any other conduct the Act forbids",
     "advance equality of opportunity between people who share a protected characteristic and people who do not",
     "foster good relations between people who share a protected characteristic and people who do not"),
)


def _assessment_blocks(s: Section, view, today) -> None:
    a = view.assessment
    counts = ", ".join(f"{n} {label.lower()}" for _value, label, n in view.counts)
    s.add(Para(f"The equality impact assessment “{a.title}” ({a.subject[:1].lower()}{a.subject[1:]}) looks at "
               f"{len(view.impacts)} characteristics and groups. Impacts found: {counts}."))
    if a.signed_off_on:
        text = f"It was signed off by {a.signed_off_by or 'a former member of the programme'} on " \
               f"{long_date(a.signed_off_on)}"
    else:
        text = f"It has not been signed off yet (status: {a.get_status_display().lower()})"
    if a.review_date:
        text += (f"; its review was due on {long_date(a.review_date)} and is overdue" if a.review_overdue(today)
                 else f"; it is to be reviewed by {long_date(a.review_date)}")
    else:
        text += "; no review date is set"
    s.add(Para(text + "."))
    negative = view.negative
    if not negative:
        s.add(Para("It finds no negative impact."))
        return
    rows = []
    for i in negative:
        if not i.mitigation_list:
            rows.append((i.label, Cell("No mitigation recorded", "bad"), "—", Cell("Unmitigated", "bad")))
        for m in i.mitigation_list:
            rows.append((i.label, m.action, long_date(m.due_date),
                         Cell("Done", "good") if m.done else Cell("Open", "partial")))
    s.add(Table(caption=f"Negative impacts and their mitigations: {a.title}",
                headers=("Characteristic or group", "Mitigation", "By", "Done"), rows=tuple(rows)))
    if view.unmitigated:
        s.add(Para(f"No mitigation is recorded for the negative impact on {_and([i.label for i in view.unmitigated])}.",
                   strong=True))


def _equalities_section(doc: Document, data: PaperData, text: str, title: str = "Equalities") -> None:
    """The duty, each equality impact assessment in summary (the programme's first), then
    the author's own words. Mitigations are shown without their owners' names, as risks
    are shown with their workstream, not their owner."""
    s = doc.section(title)
    lead, duties = EQUALITY_DUTY
    s.add(Para(lead + ":"), Items(duties))
    protected = ", ".join(Characteristic(c).label.lower() for c in PROTECTED_CHARACTERISTICS)
    s.add(Para(f"The characteristics the Act protects are {protected}. The council also looks at carers, "
               "socio-economic disadvantage and any other group an assessment names."))
    if not data.equality:
        s.add(Para("No equality impact assessment has been recorded for this programme yet."))
    elif data.equality[0].assessment.option_id is not None:
        s.add(Para("The programme has no equality impact assessment of its own yet; its options' are below."))
    for view in data.equality:
        _assessment_blocks(s, view, data.today)
    for p in paragraphs(text):
        s.add(Para(p))
