"""Draft and final. Each version keeps what it printed (`source`, core.documents JSON), so
that the director can mark it final — it is printed again from that, marked "Final" with
its date of publication, without the drafts' notes — and so that any two versions, or a
version and today's figures, can be compared figure by figure."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from business_cases.models import CabinetPaper, PaperVersion
from core.documents import (
    Document,
    FigureChange,
    Para,
    Section,
    Table,
    document_figures,
    document_from_json,
    figures_changed,
)
from core.statutory import AGENDA_INSPECTION, clear_days_between

# A kept document is our own JSON; still, reading one is bounded like any file.
SOURCE_MAX_BYTES = 64 * 1024 * 1024
# The draft's note lists this many changed figures; the comparison page lists them all.
CHANGES_IN_DRAFT = 40


def version_source(version: PaperVersion) -> dict | None:
    """What the version printed, or None for a version made before versions kept it."""
    if not version.source:
        return None
    with version.source.open("rb") as f:
        raw = f.read(SOURCE_MAX_BYTES + 1)
    if len(raw) > SOURCE_MAX_BYTES:
        return None
    return json.loads(raw)


def version_document(version: PaperVersion, *, full: bool, source: dict | None = None) -> Document | None:
    """The version's document as the reader may see it: the full copy, or the public one of
    an exempt paper for those who may not see exempt information."""
    source = source if source is not None else version_source(version)
    if source is None:
        return None
    kept = source["full"] if full or not version.exempt or source.get("public") is None else source["public"]
    return document_from_json(kept)


def latest_final(paper: CabinetPaper) -> PaperVersion | None:
    return paper.versions.filter(finalised_at__isnull=False).order_by("-number").first()


def changes_between(before: Document, after: Document) -> list[FigureChange]:
    return figures_changed(document_figures(before), document_figures(after))


def changes_note(doc: Document, *, final: PaperVersion, final_doc: Document) -> None:
    """Put, first in a draft made after a final version, what has changed since that one.
    It is for the drafts only: the final copy of this draft leaves it out."""
    changes = changes_between(final_doc, doc)
    section = Section(title=f"Changes since the final version (version {final.number})", draft_only=True)
    published = f"{final.published_on:%-d %B %Y}" if final.published_on else "its date of publication"
    if not changes:
        section.add(Para(f"No figure in the tables has changed since version {final.number}, the final version "
                         f"published on {published}.", numbered=False))
    else:
        shown = changes[:CHANGES_IN_DRAFT]
        more = len(changes) - len(shown)
        section.add(Para(
            f"{len(changes)} figure{'s' if len(changes) != 1 else ''} in the tables "
            f"{'have' if len(changes) != 1 else 'has'} changed since version {final.number}, the final version "
            f"published on {published}. This draft is not the published paper."
            + (f" The first {len(shown)} are listed; the paper's page in Insource lists them all." if more else ""),
            numbered=False, strong=True))
        section.add(changes_table(shown, caption=f"Figures changed since version {final.number}",
                                  before=f"Version {final.number}", after="This draft"))
    doc.sections.insert(0, section)


def changes_table(changes: list[FigureChange], *, caption: str, before: str = "Before", after: str = "Now") -> Table:
    return Table(caption=caption, headers=("Where", "Figure", before, after),
                 rows=tuple((c.where, c.column, c.before or "(none)", c.after or "(none)") for c in changes))


@dataclass(frozen=True)
class FinalRequest:
    version: PaperVersion
    published_on: date
    # Set when the date leaves fewer clear days before the meeting than the reports must be
    # open to inspection for: it is said, not refused (an urgent item may be added late).
    late: str = ""


def final_blocked(*, paper: CabinetPaper, version: PaperVersion, final: PaperVersion | None) -> str:
    """Why this version cannot be marked final whatever the date, or "" if it can be;
    `final` is the paper's latest final version (`latest_final`), or None."""
    if version.is_final:
        return f"Version {version.number} is already final."
    if not version.source:
        return (f"Version {version.number} was made before versions kept what they printed, so it can't be "
                "printed again as the final version. Generate a new version and mark that one final.")
    if final and final.number > version.number:
        return f"Version {final.number}, a later one, is already final. Only a version after it can replace it."
    if version.unwritten:
        n = len(version.unwritten)
        return (f"The council's template requires {'this section' if n == 1 else 'these sections'} before a paper "
                f"is marked final, and version {version.number} was made without "
                f"{'it' if n == 1 else 'them'}: {', '.join(version.unwritten)}. Write "
                f"{'it' if n == 1 else 'them'}, then generate a new version and mark that one final.")
    made = timezone.localdate(version.made_at)
    if paper.meeting_date and paper.meeting_date < made:
        return (f"Version {version.number} was made on {made:%-d %B %Y}, after the meeting on "
                f"{paper.meeting_date:%-d %B %Y}, and a paper is published before its meeting. If the paper is "
                "going to a later meeting, change its date and generate a new version.")
    return ""


def final_check(*, paper: CabinetPaper, version: PaperVersion, published_on: date | None) -> FinalRequest:
    """Whether this version can be marked final with this date of publication; a
    ValidationError names the field otherwise."""
    blocked = final_blocked(paper=paper, version=version, final=latest_final(paper))
    if blocked:
        raise ValidationError({"published_on": blocked})
    made = timezone.localdate(version.made_at)
    if published_on is None:
        raise ValidationError({"published_on": "Enter the date of publication"})
    if published_on < made:
        raise ValidationError({"published_on": (
            f"The date of publication must be on or after the day version {version.number} was made, "
            f"{made:%-d %B %Y}")})
    if paper.meeting_date and published_on > paper.meeting_date:
        raise ValidationError({"published_on": (
            f"The date of publication must be on or before the meeting, {paper.meeting_date:%-d %B %Y}")})
    late = ""
    if paper.meeting_date and published_on > AGENDA_INSPECTION.latest_date(paper.meeting_date):
        clear = clear_days_between(published_on, paper.meeting_date)
        late = (f"Published on {published_on:%-d %B %Y}, the paper leaves {clear} clear "
                f"day{'s' if clear != 1 else ''} before the meeting: reports are to be open to inspection "
                f"{AGENDA_INSPECTION.words} before it ({AGENDA_INSPECTION.reference}), by "
                f"{AGENDA_INSPECTION.latest_date(paper.meeting_date):%-d %B %Y}, unless the chair agrees to "
                "take it as an urgent item.")
    return FinalRequest(version=version, published_on=published_on, late=late)
