"""The paper's appendices A to F, one builder each (APPENDIX_BUILDERS, by the keys of
business_cases.models.APPENDICES)."""
from __future__ import annotations

from business_cases.papers.data import PaperData
from business_cases.papers.formatting import TONE, _suppression_note
from business_cases.papers.sections import RISK_HEADERS, _risk_row
from core.documents import Cell, Figure, Items, Para, Section, Table
from core.formats import long_date, money, number, percent
from programmes.models import Rag
from programmes.timeline import timeline_svg

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
    foot = (("Weighted score", *(number(r["total"]) if r["passes_gates"] else "ruled out" for r in m["rows"])),
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
                rows=tuple((o["code"], money(o["cost_total"], pence=False),
                            money(o["pv_costs_before_bias"], pence=False), percent(o["optimism_bias_percent"]),
                            money(o["optimism_bias"], pence=False), money(o["pv_costs"], pence=False))
                           for o in appraised),
                numeric=frozenset(range(1, 6))),
          Table(caption="Benefits: present values at the stated confidence, and the result",
                headers=("Option", "Benefits (real)", "PV of benefits", "Confidence", "PV counted", "NPSV", "BCR"),
                rows=tuple((o["code"], money(o["benefit_total"], pence=False),
                            money(o["pv_benefits_before_confidence"], pence=False), percent(o["confidence_percent"]),
                            money(o["pv_benefits"], pence=False), money(o["npsv"], pence=False),
                            "—" if o["bcr"] is None else number(o["bcr"])) for o in appraised),
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
                    rows=tuple((label, str(c.shown_headcount), number(c.shown_fte, places=2)) for label, c in bd.rows),
                    foot=(("Total", str(bd.total.shown_headcount), number(bd.total.shown_fte, places=2)),),
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


def _rag_cell(rag: str) -> Cell:
    """A milestone's RAG as the tracker shows it (Milestone.shown_rag)."""
    return Cell(Rag(rag).label, TONE.get(rag, "neutral"))


def _appendix_timeline(s: Section, data: PaperData) -> None:
    p = data.programme
    # The whole plan, to its last milestone or activity: procurement, go-live and the work
    # after transfer day go on past it (the timeline marks the day itself).
    milestones, derived = data.milestones, data.derived
    if not milestones and not derived:
        s.add(Para("The plan has no milestones yet."))
        return
    svg = timeline_svg(programme=p, milestones=milestones, derived=derived, workstreams=data.workstreams,
                       today=data.today, width=900, whole=True)
    items = sorted([(m.forecast_date, m.title, m.workstream.name, m.get_status_display(),
                     _rag_cell(m.shown_rag(data.today))) for m in milestones]
                   + [(d.date, d.title, "Worked out", d.source, "—") for d in derived], key=lambda t: t[0])
    shown = "Milestones"
    s.add(Figure(shown, svg,
                 Table(caption=f"{shown}, by forecast date",
                       headers=("Forecast date", "Milestone", "Workstream", "Status", "RAG"),
                       rows=tuple((long_date(d), *rest) for d, *rest in items))))


APPENDIX_BUILDERS = {
    "options": _appendix_options, "economic": _appendix_economic, "finance": _appendix_finance,
    "workforce": _appendix_workforce, "risks": _appendix_risks, "timeline": _appendix_timeline,
}
