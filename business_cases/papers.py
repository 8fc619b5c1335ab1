"""Cabinet papers: the director's prose and the programme's live figures, put together as
one `core.documents.Document` and rendered to a tagged A4 PDF and a .docx.

`paper_data` reads everything a paper shows in one consistent snapshot (one read-only
transaction; on PostgreSQL a repeatable-read one, so every table is as at the same
moment). `paper_document` turns that into the document, the full copy or — for an exempt
paper — the public one, whose exempt appendices say only why they are withheld.
`paper_job` is the Celery job that makes a version; it is safe to run twice.

Nothing personal reaches a paper: the workforce figures are `workforce.reporting`'s
aggregates with small groups suppressed, and risks show their workstream, not their owner.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from business_cases import reporting, selectors
from business_cases.models import (
    APPENDICES,
    CLEAR_DAYS,
    EXEMPT_PARAGRAPHS,
    CabinetPaper,
    Classification,
    Outcome,
    PaperVersion,
)
from business_cases.ranking import num
from core.documents import Cell, Document, Figure, Items, Para, Section, Table, document_docx, document_pdf
from core.jobs import JobError, JobOutput, job_handler, job_hold, job_request
from core.models import Job
from finance import reporting as finance
from finance.reporting import money
from programmes.models import ConfidenceAssessment, Milestone
from programmes.selectors import plan_rows
from programmes.timeline import timeline_svg
from risks.heatmap import heatmap_svg
from risks.models import Risk
from risks.selectors import decorate, heatmap_counts, scored
from risks.services import risk_settings_for
from workforce import reporting as workforce
from workforce.models import TransferRoster

KIND = "business_cases.cabinet_paper"
TOP_RISKS = 5
NOT_WRITTEN = "Not written yet."
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TONE = {"green": "good", "yellow": "partial", "amber": "partial", "red": "bad", "grey": "neutral"}
OUTCOME_TONE = {Outcome.PREFERRED: "good", Outcome.ALTERNATIVE: "partial", Outcome.SHORTLISTED: "partial",
                Outcome.DO_MINIMUM: "neutral", Outcome.BUSINESS_AS_USUAL: "neutral", Outcome.DISCOUNTED: "bad"}
CONFIDENCE_TONE = {"green": "good", "amber_green": "good", "amber": "partial", "amber_red": "bad", "red": "bad"}


def long_date(d: date | None) -> str:
    return f"{d:%-d %B %Y}" if d else "—"


def paragraphs(text: str) -> list[str]:
    """The author's text split into paragraphs at blank lines (single line breaks kept)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


# --- Reading the figures -------------------------------------------------------------------------

@dataclass
class PaperData:
    paper: CabinetPaper
    snapshot_at: datetime
    today: date
    stage: selectors.StageView | None
    matrix: dict
    appraisal: dict
    spend: finance.MobilisationSpend
    budget: finance.BudgetReport
    soc: finance.PlanAgainstActual | None
    reserves: list
    benefits: finance.CostsAndBenefits
    roster: TransferRoster | None
    teams: workforce.TeamSummary
    breakdowns: list
    open_risks: list
    heatmap: dict
    risk_settings: object
    milestones: list
    derived: list
    workstreams: list
    confidence: ConfidenceAssessment | None
    services: list

    @property
    def programme(self):
        return self.paper.programme


def _snapshot() -> None:
    """Make the current transaction read one snapshot of the database throughout."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def paper_data(*, paper: CabinetPaper, today: date) -> PaperData:
    """Everything the paper shows, read once and as at one moment. Called inside a
    transaction that has already read (a test's), it reads in that one instead."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _snapshot()
        snapshot_at = timezone.now()
        programme = paper.programme
        rank = selectors.ranking(programme=programme)
        results = selectors.appraisal(programme=programme, rank=rank)
        stage = None
        if paper.business_case_id:
            stage = next((v for v in selectors.stage_views(programme=programme, rank=rank, results=results)
                          if v.stage == paper.business_case.stage), None)
        facts = finance.ledger_facts(programme=programme)
        roster = paper.roster or (TransferRoster.objects.filter(programme=programme)
                                  .select_related("programme").order_by("-version").first())
        rows = workforce.roster_rows(roster)
        settings = risk_settings_for(programme=programme)
        open_risks = list(scored(Risk.objects.filter(programme=programme, status=Risk.Status.OPEN))
                          .select_related("workstream").order_by("-residual", "-inherent", "number"))
        decorate(open_risks, settings=settings, today=today)
        milestones, derived = plan_rows(programme=programme)
        return PaperData(
            paper=paper, snapshot_at=snapshot_at, today=today, stage=stage,
            matrix=reporting.matrix_table_from(rank), appraisal=reporting.appraisal_summary_from(results),
            spend=finance.mobilisation_spend(programme=programme, facts=facts),
            budget=finance.budget_against_actual(programme=programme, facts=facts),
            soc=finance.soc_against_actual(programme=programme, facts=facts),
            reserves=finance.reserve_positions(programme=programme),
            benefits=finance.costs_and_benefits(programme=programme),
            roster=roster, teams=workforce.team_summary(roster, personal=False, rows=rows),
            breakdowns=workforce.breakdowns(roster, personal=False, rows=rows),
            open_risks=open_risks, heatmap=heatmap_counts(programme=programme), risk_settings=settings,
            milestones=milestones, derived=derived, workstreams=list(programme.workstreams.all()),
            confidence=programme.confidence_assessments.order_by("-period_end").first(),
            services=list(programme.services.all()),
        )


# --- The document ----------------------------------------------------------------------------

def _front(paper: CabinetPaper, data: PaperData) -> list[tuple[str, str]]:
    key = "No"
    if paper.key_decision:
        key = (f"Yes: on the forward plan by {long_date(paper.notice_date)}, "
               f"{CLEAR_DAYS} clear days before the meeting")
    front = [
        ("Meeting", paper.decision_maker),
        ("Meeting date", long_date(paper.meeting_date)),
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


def _programme_paras(data: PaperData) -> list:
    p = data.programme
    provider = p.outgoing_provider.name if p.outgoing_provider_id else "the current provider"
    days = (p.transfer_date - data.today).days
    when = (f"{days} days after these figures were read" if days > 0 else
            "the day these figures were read" if days == 0 else f"{-days} days before these figures were read")
    blocks: list = [Para(f"{p.name}. The contract with {provider} ends on {long_date(p.contract_end_date)}; "
                         f"the services transfer on {long_date(p.transfer_date)}, {when}.")]
    if data.services:
        blocks.append(Para("The services in scope:", numbered=False))
        blocks.append(Items(tuple(f"{s.code}: {s.name}" for s in data.services)))
    done = sum(1 for m in data.milestones if m.status == Milestone.Status.COMPLETE)
    late = sum(1 for m in data.milestones if m.is_late(data.today))
    blocks.append(Para(f"The plan holds {len(data.milestones)} milestones: {done} complete and {late} late. "
                       "Appendix F shows the timeline to transfer day."))
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


def _options_section(doc: Document, data: PaperData) -> None:
    m = data.matrix
    s = doc.section("Options appraisal")
    if not m["rows"]:
        s.add(Para("No options have been recorded for appraisal."))
        return
    s.add(Para(f"{len(m['rows'])} options were appraised against {len(m['criteria'])} criteria drawn from the "
               "strategic objectives and critical success factors. Appendix A sets out the whole matrix, its "
               "colour key and the ranking rules."))
    rows = []
    for r in m["rows"]:
        outcome = r["outcome_label"] + (f" (the matrix gives {r['computed_label'].lower()})" if r["overridden"] else "")
        rows.append((f"{r['code']} {r['title']}", r["rank_text"],
                     f"{num(r['total'])} of {num(m['max_total'])}" if r["passes_gates"] else "Ruled out by a gate",
                     Cell(outcome, OUTCOME_TONE.get(r["outcome"], "neutral")), r["justification"] or r["explanation"]))
    s.add(Table(caption="Options and their outcomes", headers=("Option", "Rank", "Weighted score", "Outcome", "Why"),
                rows=tuple(rows)))
    preferred = [r for r in m["rows"] if r["outcome"] == Outcome.PREFERRED]
    if preferred:
        s.add(Para(f"The preferred option is {preferred[0]['code']}, {preferred[0]['title'].lower()}. "
                   f"{preferred[0]['explanation']}"))
    for warning in m["green_book"]:
        s.add(Para(f"Short list check: {warning[:1].lower()}{warning[1:]}"))
    a = data.appraisal
    appraised = [o for o in a["options"] if o["has_lines"]]
    if appraised:
        s.add(Para("The economic appraisal discounts each option's costs and benefits at the Green Book rates "
                   f"({'; '.join(a['schedule'])}), adds optimism bias to costs and counts benefits at the stated "
                   "confidence. Appendix B gives the detail."))
        s.add(_appraisal_table(appraised))
        sv = a["switching"]
        if sv:
            s.add(Para(f"Switching value: {sv.preferred}'s net present social value exceeds {sv.runner_up}'s by "
                       f"{pounds(sv.amount)}. Its present value of costs would have to rise by that much"
                       + (f" ({num(sv.percent_of_costs)}%)" if sv.percent_of_costs is not None else "")
                       + " before the two gave equal value."))
    else:
        s.add(Para("No option has an economic appraisal yet."))


def pounds(value) -> str:
    """Money to the nearest pound, as the paper's wide tables print it."""
    return money(None if value is None else Decimal(value).quantize(Decimal("1")), pence=False)


def _appraisal_table(appraised: list[dict]) -> Table:
    return Table(
        caption="Economic appraisal (present values)",
        headers=("Option", "Costs with optimism bias", "Benefits at confidence", "Net present social value",
                 "Benefit–cost ratio"),
        rows=tuple((f"{o['code']} {o['title']}" + (" (preferred)" if o["preferred"] else ""), pounds(o["pv_costs"]),
                    pounds(o["pv_benefits"]), pounds(o["npsv"]), "—" if o["bcr"] is None else num(o["bcr"]))
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


def _resources_section(doc: Document, data: PaperData) -> None:
    s = doc.section("Resource implications")
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
    b = data.benefits
    if b.years:
        s.add(Table(caption="Costs and benefits by year",
                    headers=("Year", "Investment", "Income", "Savings", "Net", "Cumulative net"),
                    rows=tuple((str(y.year), money(y.investment), money(y.income), money(y.savings), money(y.net),
                                Cell(money(y.cumulative_net), "good" if y.cumulative_net >= 0 else "bad"))
                               for y in b.years),
                    foot=(("Total", money(b.total("investment")), money(b.total("income")),
                           money(b.total("savings")), money(b.total("net")), ""),),
                    numeric=frozenset({1, 2, 3, 4, 5}),
                    note=(f"The programme pays back in {b.payback_year}." if b.payback_year else
                          "The programme does not pay back within the years planned.")))
    s.add(Para("Appendix C gives budget against actual by year, by revenue and capital, by cost type and "
               "by workstream."))
    _workforce_blocks(s, data)


def _difference(planned: Decimal, actual: Decimal) -> str:
    d = actual - planned
    return "none" if d == 0 else f"{money(abs(d))} {'over' if d > 0 else 'under'}"


def _workforce_blocks(s: Section, data: PaperData) -> None:
    t = data.teams
    if data.roster is None:
        s.add(Para("No staff list has been received from the outgoing provider yet."))
        return
    r = data.roster
    s.add(Para(f"Workforce: version {r.version} of the transfer list, as at {long_date(r.as_at)}, names "
               f"{t.total.shown_headcount} people ({_fte(t.total.shown_fte)} full-time equivalent) in "
               f"{len(t.rows)} teams" + (f", with {t.vacancies} vacant posts" if t.vacancies else "") + "."))
    s.add(Table(caption="Staff transferring by team",
                headers=("Team", "Service line", "Headcount", "FTE"),
                rows=tuple((row.team, row.service_line or "—", str(row.people.shown_headcount),
                            _fte(row.people.shown_fte)) for row in t.rows),
                foot=(("Total", "", str(t.total.shown_headcount), _fte(t.total.shown_fte)),),
                numeric=frozenset({2, 3}),
                note=_suppression_note(t.any_hidden)))


def _fte(value) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _suppression_note(hidden: bool) -> str:
    return ("Groups of fewer than 5 people are not shown, nor any figure from which one could be worked "
            "out, so that no one can be identified." if hidden else "")


def _risk_row(r: Risk) -> tuple:
    return (r.reference, r.title, r.workstream.name if r.workstream_id else "—",
            Cell(f"{r.inherent_score} ({r.inherent_rag.capitalize()})", TONE.get(r.inherent_rag, "neutral")),
            Cell(f"{r.residual_score} ({r.residual_rag.capitalize()})", TONE.get(r.residual_rag, "neutral")))


RISK_HEADERS = ("Ref", "Risk", "Workstream", "Before mitigation", "After mitigation")


def _risks_section(doc: Document, data: PaperData) -> None:
    s = doc.section("Risk management")
    risks = data.open_risks
    if not risks:
        s.add(Para("The programme's risk register has no open risks."))
        return
    red = sum(1 for r in risks if r.residual_rag == "red")
    s.add(Para(f"The register holds {len(risks)} open risks, {red} of them red after mitigation. "
               f"The {min(TOP_RISKS, len(risks))} highest after mitigation are below; Appendix E lists them all."),
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


def _other_options_section(doc: Document, data: PaperData, text: str) -> None:
    s = doc.section("Other options considered")
    for p in paragraphs(text):
        s.add(Para(p))
    others = [r for r in data.matrix["rows"] if r["outcome"] != Outcome.PREFERRED]
    for r in others:
        s.add(Para(f"{r['code']} {r['title']}: {r['outcome_label'].lower()}. {r['justification'] or r['explanation']}"))
    if not others and not paragraphs(text):
        s.add(Para(NOT_WRITTEN))


# Appendices -----------------------------------------------------------------------------------

def _appendix_options(s: Section, data: PaperData) -> None:
    m = data.matrix
    if not m["rows"]:
        s.add(Para("No options have been recorded."))
        return
    headers = ("Criterion", *(r["code"] for r in m["rows"]))
    rows = []
    for line in m["grid"]:
        c = line["criterion"]
        label = f"{c['linked']} {c['title']}".strip() + f" ({c['kind'].lower()}, {c['detail']})"
        rows.append((label, *(Cell(f"{cell['symbol']} {cell['text']}".strip(), TONE.get(cell["colour"], "neutral"))
                              for cell in line["cells"])))
    foot = (("Weighted score", *(num(r["total"]) if r["passes_gates"] else "ruled out" for r in m["rows"])),
            ("Rank", *(r["rank_text"] for r in m["rows"])),
            ("Outcome", *(r["outcome_label"] for r in m["rows"])))
    s.add(Para("Options: " + "; ".join(f"{r['code']} {r['title']}" for r in m["rows"]) + "."),
          Table(caption="Options appraisal matrix", headers=headers, rows=tuple(rows), foot=foot))
    s.add(Table(caption="Colour key", headers=("Symbol and colour", "Meaning"),
                rows=tuple((Cell(f"{k['symbol']} {k['colour']}", TONE.get(k["colour"], "neutral")), k["text"])
                           for k in m["key"])))
    s.add(Para("How the options are ranked:", numbered=False), Items(tuple(m["rules"])))
    for r in m["rows"]:
        text = f"{r['code']}: {r['explanation']}"
        if r["overridden"]:
            text += f" The authors chose {r['outcome_label'].lower()} instead: {r['override_reason']}"
        s.add(Para(text))


def _appendix_economic(s: Section, data: PaperData) -> None:
    a = data.appraisal
    appraised = [o for o in a["options"] if o["has_lines"]]
    if not appraised:
        s.add(Para("No option has an economic appraisal yet."))
        return
    s.add(Table(caption="Costs: present values, and optimism bias",
                headers=("Option", "Costs (real)", "PV of costs", "Optimism bias", "Bias added",
                         "PV of costs with bias"),
                rows=tuple((o["code"], pounds(o["cost_total"]), pounds(o["pv_costs_before_bias"]),
                            f"{num(o['optimism_bias_percent'])}%", pounds(o["optimism_bias"]), pounds(o["pv_costs"]))
                           for o in appraised),
                numeric=frozenset(range(1, 6))),
          Table(caption="Benefits: present values at the stated confidence, and the result",
                headers=("Option", "Benefits (real)", "PV of benefits", "Confidence", "PV counted", "NPSV", "BCR"),
                rows=tuple((o["code"], pounds(o["benefit_total"]), pounds(o["pv_benefits_before_confidence"]),
                            f"{num(o['confidence_percent'])}%", pounds(o["pv_benefits"]), pounds(o["npsv"]),
                            "—" if o["bcr"] is None else num(o["bcr"])) for o in appraised),
                numeric=frozenset(range(1, 7))),
          Para("PV is present value; NPSV, the net present social value, is the PV of benefits counted less the PV "
               "of costs with bias; BCR, the benefit–cost ratio, divides the first by the second."))
    for o in appraised:
        if o["unmonetised"]:
            s.add(Para(f"{o['code']} also brings benefits that are not valued in money: "
                       + "; ".join(o["unmonetised"]) + "."))
    if a["not_appraised"]:
        s.add(Para("Not yet appraised: " + ", ".join(a["not_appraised"]) + "."))


def _budget_table(caption: str, first: str, lines: list, total=None) -> Table:
    return Table(caption=caption, headers=(first, "Budget", "Actual", "Expected outturn", "Variance", "RAG"),
                 rows=tuple((line.label, money(line.budget), money(line.actual), money(line.outturn),
                             line.variance_text, Cell(line.rag.text, TONE.get(line.rag.value, "neutral")))
                            for line in lines),
                 foot=((total.label, money(total.budget), money(total.actual), money(total.outturn),
                        total.variance_text, total.rag.text),) if total else (),
                 numeric=frozenset({1, 2, 3}))


def _appendix_finance(s: Section, data: PaperData) -> None:
    b = data.budget
    if not b.years:
        s.add(Para("No budget or spend has been recorded."))
        return
    name = b.budget_version.name if b.budget_version else "no budget set"
    s.add(Para(f"Budget: {name}. Actual spend is from the ledger exports; the expected outturn takes a "
               "year's forecast where there is one and its actual spend otherwise."))
    s.add(_budget_table("Budget against actual by year", "Year", b.by_year, b.total),
          _budget_table("By year, revenue and capital", "Year and category", b.by_category),
          Table(caption="Cumulative budget and spend", headers=("Year", "Budget to date", "Spend to date"),
                rows=tuple((str(y), money(cb), money(ca)) for y, cb, ca in b.cumulative),
                numeric=frozenset({1, 2})),
          _budget_table("By cost type", "Cost type", b.by_cost_type),
          _budget_table("By workstream", "Workstream", b.by_workstream))
    if b.not_mapped_actual:
        s.add(Para(f"{money(b.not_mapped_actual)} of spend has ledger codes not yet mapped to a workstream "
                   "or cost type."))


def _appendix_workforce(s: Section, data: PaperData) -> None:
    if data.roster is None:
        s.add(Para("No staff list has been received yet."))
        return
    s.add(Para(f"From version {data.roster.version} of the transfer list, as at {long_date(data.roster.as_at)}. "
               "Counts of people only; no one is named."))
    hidden = False
    for bd in data.breakdowns:
        hidden = hidden or bd.total.hidden or any(c.hidden for _, c in bd.rows)
        s.add(Table(caption=bd.title, headers=(bd.title, "Headcount", "FTE"),
                    rows=tuple((label, str(c.shown_headcount), _fte(c.shown_fte)) for label, c in bd.rows),
                    foot=(("Total", str(bd.total.shown_headcount), _fte(bd.total.shown_fte)),),
                    numeric=frozenset({1, 2})))
    if hidden:
        s.add(Para(_suppression_note(True)))


def _appendix_risks(s: Section, data: PaperData) -> None:
    if not data.open_risks:
        s.add(Para("No open risks."))
        return
    s.add(Table(caption="Open risks, highest after mitigation first",
                headers=(*RISK_HEADERS, "Response", "Next review"),
                rows=tuple((*_risk_row(r), r.get_response_display(), long_date(r.next_review_date))
                           for r in data.open_risks)))


def _appendix_timeline(s: Section, data: PaperData) -> None:
    p = data.programme
    milestones = [m for m in data.milestones if m.forecast_date <= p.transfer_date]
    derived = [d for d in data.derived if d.date <= p.transfer_date]
    if not milestones and not derived:
        s.add(Para("The plan has no milestones up to transfer day."))
        return
    svg = timeline_svg(programme=p, milestones=milestones, derived=derived, workstreams=data.workstreams,
                       today=data.today, width=900, whole=True)
    items = sorted([(m.forecast_date, m.title, m.workstream.name, m.get_status_display(),
                     Cell(m.get_rag_display(), TONE.get(m.rag, "neutral")) if m.rag else "—") for m in milestones]
                   + [(d.date, d.title, "Worked out", d.source, "—") for d in derived], key=lambda t: t[0])
    s.add(Figure("Milestones to transfer day", svg,
                 Table(caption="Milestones to transfer day, by forecast date",
                       headers=("Forecast date", "Milestone", "Workstream", "Status", "RAG"),
                       rows=tuple((long_date(d), *rest) for d, *rest in items))))


APPENDIX_BUILDERS = {
    "options": _appendix_options, "economic": _appendix_economic, "finance": _appendix_finance,
    "workforce": _appendix_workforce, "risks": _appendix_risks, "timeline": _appendix_timeline,
}


def _withheld(paper: CabinetPaper) -> str:
    paragraph = dict(EXEMPT_PARAGRAPHS).get(paper.exempt_paragraph, "")
    return (f"Not for publication. This is exempt information under Part 1 of Schedule 12A to the Local "
            f"Government Act 1972 ({paragraph[0].lower() + paragraph[1:] if paragraph else 'paragraph not given'}). "
            "Members of the decision maker and officers who need it receive the full copy.")


def paper_document(data: PaperData, *, full: bool) -> Document:
    """The paper as a document: the full copy, or (`full=False`) the copy for the public
    and for members who may not see exempt information."""
    paper = data.paper
    doc = Document(title=paper.title, organisation=data.programme.lead_organisation.name,
                   front=_front(paper, data), printed_at=timezone.localtime(data.snapshot_at),
                   author=paper.author)
    if not full and paper.classification == Classification.EXEMPT:
        doc.section("Exempt report").add(Para(_withheld(paper), strong=True))
        return doc
    _prose(doc.section("The issue"), paper.issue)
    recommendations = doc.section("Recommendations")
    recommendations.add(Para(f"The {paper.decision_maker} is asked to:", numbered=False))
    for r in paper.recommendation_list:
        recommendations.add(Para(r))
    background = doc.section("Background")
    background.add(*_programme_paras(data))
    for p in paragraphs(paper.background):
        background.add(Para(p))
    _prose(doc.section("Statutory considerations"), paper.statutory_considerations)
    _options_section(doc, data)
    _resources_section(doc, data)
    _risks_section(doc, data)
    _prose(doc.section("Equalities"), paper.equalities)
    _prose(doc.section("Climate change"), paper.climate_change)
    _other_options_section(doc, data, paper.other_options)
    _prose(doc.section("Consultation"), paper.consultation)
    doc.section("Contact").add(Para(f"Contact: {paper.contact}"), Para(f"Report author: {paper.author}"))
    papers = [line.strip() for line in paper.background_papers.splitlines() if line.strip()]
    doc.section("Background papers").add(Items(tuple(papers)) if papers else Para("None."))
    exempt = set(paper.exempt_appendices or []) if paper.classification == Classification.EXEMPT_APPENDICES else set()
    for key, (letter, title) in APPENDICES.items():
        section = doc.section(title, appendix=letter, exempt=key in exempt)
        if key in exempt and not full:
            section.add(Para(_withheld(paper), strong=True))
        else:
            APPENDIX_BUILDERS[key](section, data)
    return doc


# --- Making a version ----------------------------------------------------------------------------

def paper_generate(*, paper: CabinetPaper, user, request_id: str = "", today: date | None = None) -> tuple[Job, bool]:
    """Ask for a new version. The same `request_id` (a form's hidden field, an API client's
    key) from the same person gives the same job, so a double click makes one version."""
    try:
        key = f"{KIND}:{paper.pk}:{user.pk}:{uuid.UUID(str(request_id)).hex}"
    except ValueError:
        key = None
    today = today or timezone.localdate()
    return job_request(kind=KIND, created_by=user, target=paper, idempotency_key=key,
                       params={"today": today.isoformat()})


def _store(field, name: str, content: bytes) -> None:
    """Save a file under its fixed name, replacing one a killed run left there."""
    path = field.field.generate_filename(field.instance, name)
    if field.storage.exists(path):
        field.storage.delete(path)
    field.save(name, ContentFile(content), save=False)


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    pages: int
    public_pdf: bytes | None
    public_docx: bytes | None
    timings: dict


def paper_render(*, paper: CabinetPaper, today: date, progress=lambda p, m: None) -> tuple[PaperData, Rendered]:
    """Read the figures and make the files, timing each step: our reads, building the
    document, the HTML, WeasyPrint's own render, and the Word file."""
    t0 = time.perf_counter()
    progress(5, "Reading the figures")
    data = paper_data(paper=paper, today=today)
    t1 = time.perf_counter()
    progress(20, "Putting the paper together")
    full = paper_document(data, full=True)
    public = paper_document(data, full=False) if paper.is_exempt else None
    t2 = time.perf_counter()
    progress(30, "Laying out the pages")
    pdf = document_pdf(full)
    public_pdf = document_pdf(public) if public else None
    t3 = time.perf_counter()
    progress(85, "Writing the Word file")
    docx = document_docx(full)
    public_docx = document_docx(public) if public else None
    t4 = time.perf_counter()
    html = pdf.html_seconds + (public_pdf.html_seconds if public_pdf else 0)
    render = pdf.render_seconds + (public_pdf.render_seconds if public_pdf else 0)
    timings = {"data_seconds": round(t1 - t0, 4), "build_seconds": round(t2 - t1, 4),
               "html_seconds": round(html, 4), "render_seconds": round(render, 4),
               "docx_seconds": round(t4 - t3, 4), "pages": pdf.pages}
    return data, Rendered(pdf.content, docx, pdf.pages, public_pdf.content if public_pdf else None,
                          public_docx, timings)


def _save_version(*, job: Job, paper: CabinetPaper, data: PaperData, out: Rendered) -> PaperVersion:
    with transaction.atomic():
        # One version per job: a second run of the job (after its worker was lost) finds the
        # first one's version and keeps it.
        CabinetPaper.objects.select_for_update().filter(pk=paper.pk).first()
        # And none from a run that was reaped meanwhile: its attempt failed, and a retry
        # makes the version that request asked for. Checked before any file is stored.
        job_hold(job=job)
        existing = PaperVersion.objects.filter(job=job).first()
        if existing:
            return existing
        number = (PaperVersion.objects.filter(paper=paper).aggregate(n=Max("number"))["n"] or 0) + 1
        version = PaperVersion(paper=paper, job=job, number=number, made_by_id=job.created_by_id,
                               snapshot_at=data.snapshot_at, pages=out.pages, exempt=paper.is_exempt)
        stem = f"{paper.programme.slug}-paper-{paper.pk}-v{number}"
        _store(version.pdf, f"{stem}.pdf", out.pdf)
        _store(version.docx, f"{stem}.docx", out.docx)
        if out.public_pdf is not None:
            _store(version.public_pdf, f"{stem}-public.pdf", out.public_pdf)
            _store(version.public_docx, f"{stem}-public.docx", out.public_docx)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            return PaperVersion.objects.get(job=job)
        return version


@job_handler(KIND)
def paper_job(job: Job, progress) -> JobOutput:
    """Make one version of a paper: its PDF and .docx (and the public copies of an exempt
    paper), kept on a PaperVersion tied to this job."""
    paper = (CabinetPaper.objects.select_related("programme__lead_organisation", "programme__outgoing_provider",
                                                 "business_case", "roster")
             .filter(pk=job.target_id).first())
    if paper is None:
        raise JobError("The paper was deleted before it could be generated. Nothing was made.")
    done = PaperVersion.objects.filter(job=job).first()
    if done:
        return JobOutput(timings={**(job.timings or {}), "version": done.number})
    today = date.fromisoformat(job.params["today"]) if job.params.get("today") else timezone.localdate()
    data, out = paper_render(paper=paper, today=today, progress=progress)
    progress(95, "Saving the version")
    started = time.perf_counter()
    version = _save_version(job=job, paper=paper, data=data, out=out)
    return JobOutput(timings={**out.timings, "save_seconds": round(time.perf_counter() - started, 4),
                              "version": version.number})

