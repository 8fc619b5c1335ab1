"""The paper's Consultation section: the director's own words first, then what the
consultation records say (consultations.selectors) — the consultations held and their
periods, the representatives by body, the meetings, the counter-proposals and the
council's responses, the public responses and findings, and the Gunning principles.

Aggregates and bodies only: no representative's name and no attendee reaches a paper."""
from __future__ import annotations

from business_cases.papers.formatting import NOT_WRITTEN, paragraphs
from consultations.models import Proposal, PublicConsultation, StaffConsultation
from core.documents import Cell, Document, Para, Table
from core.formats import long_date, number


def _period(c, today) -> str:
    state = c.state(today)
    return (f"{long_date(c.start_date)} to {long_date(c.end_date)} ({c.length_days} days; "
            f"{state.label.lower()} when these figures were read)")


def _staff_blocks(c: StaffConsultation, today) -> list:
    blocks: list = [Para(f"{c.title}: a collective consultation under {c.duty_reference}, "
                         f"from {_period(c, today)}.")]
    reps = list(c.representatives.all())
    if reps:
        bodies = "; ".join(f"{r.body} ({r.get_kind_display().lower()})" for r in reps)
        blocks.append(Para(f"The appropriate representatives consulted ({len(reps)}): {bodies}."))
    else:
        blocks.append(Para("No appropriate representatives are recorded for it."))
    meetings = list(c.meetings.all())
    if meetings:
        dates = ", ".join(long_date(m.date) for m in meetings)
        blocks.append(Para(f"{len(meetings)} consultation meeting{'s' if len(meetings) != 1 else ''} "
                           f"{'were' if len(meetings) != 1 else 'was'} held: {dates}."))
    else:
        blocks.append(Para("No consultation meeting has been held yet."))
    letters = list(c.letters.all())
    if letters:
        blocks.append(Para(f"{len(letters)} measures letter{'s' if len(letters) != 1 else ''} sent: "
                           + "; ".join(f"to {m.recipient} on {long_date(m.sent_on)}" for m in letters) + "."))
    proposals = list(c.proposals.all())
    counters = [p for p in proposals if p.kind == Proposal.Kind.COUNTER]
    if proposals:
        answered = sum(1 for p in counters if p.response.strip())
        blocks.append(Para(f"{len(counters)} counter-proposal{'s were' if len(counters) != 1 else ' was'} put, "
                           f"and the council has responded to {answered} of them."))
        blocks.append(Table(
            caption=f"Proposals and the council's responses: {c.title}",
            headers=("Put by", "Date", "Proposal", "The council's response"),
            rows=tuple((f"{p.get_kind_display()}: {p.put_by}", long_date(p.put_on), p.text,
                        Cell(f"{p.response} ({long_date(p.responded_on)})", "good") if p.response.strip()
                        else Cell("Not responded to yet", "bad" if p.kind == Proposal.Kind.COUNTER else "neutral"))
                       for p in proposals)))
    return blocks


def _public_blocks(c: PublicConsultation, today) -> list:
    blocks: list = [Para(f"{c.title}: a public consultation from {_period(c, today)}, on "
                         f"\u201c{c.document_title}\u201d"
                         + (f" ({c.document_reference})" if c.document_reference else "") + ".")]
    channels = c.channel_labels()
    if channels:
        blocks.append(Para(f"It was run through: {', '.join(channels)}."))
    blocks.append(Para("The responses have not been counted yet." if c.responses is None else
                       f"It received {number(c.responses)} response{'s' if c.responses != 1 else ''}."))
    findings = list(c.findings.all())
    if findings:
        blocks.append(Table(caption=f"What the consultation found, and the council's response: {c.title}",
                            headers=("Finding", "The council's response"),
                            rows=tuple((f.finding, f.response or Cell("Not responded to yet", "bad"))
                                       for f in findings)))
    else:
        blocks.append(Para("No findings are recorded yet."))
    missing = c.gunning_not_evidenced()
    met = [g for g in c.gunning() if g["met"]]
    text = (f"The Gunning principles: {len(met)} of 4 evidenced"
            + "".join(f"; {g['principle'][:1].lower()}{g['principle'][1:]}" + (f" ({g['note']})" if g["note"] else "")
                      for g in met) + ". ")
    text += ("All four are evidenced." if not missing else
             f"Not yet evidenced: {'; '.join(m[:1].lower() + m[1:] for m in missing)}.")
    blocks.append(Para(text))
    return blocks


def consultation_section(doc: Document, *, text: str, staff: list, public: list, today,
                         title: str = "Consultation") -> None:
    """The section: the paper's own text, then each consultation held, from its records."""
    s = doc.section(title)
    own = paragraphs(text)
    for p in own:
        s.add(Para(p))
    if not staff and not public:
        if not own:
            s.add(Para(NOT_WRITTEN))
        s.add(Para("No staff or public consultation is recorded for this programme."))
        return
    for c in staff:
        s.add(*_staff_blocks(c, today))
    for c in public:
        s.add(*_public_blocks(c, today))
