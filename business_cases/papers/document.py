"""The paper as one `core.documents.Document`: the full copy, or the public one, whose
exempt appendices say only why they are withheld."""
from __future__ import annotations

from datetime import date

from django.utils import timezone

from business_cases.models import (
    APPENDICES,
    DRAFT_MARKING,
    EXEMPT_PARAGRAPHS,
    CabinetPaper,
    Classification,
    PaperVersion,
)
from business_cases.paper_templates import section_text
from business_cases.papers.appendices import APPENDIX_BUILDERS
from business_cases.papers.consultation import consultation_section
from business_cases.papers.data import PaperData, paper_data
from business_cases.papers.formatting import paragraphs
from business_cases.papers.sections import (
    _equalities_section,
    _front,
    _notice_route_paras,
    _options_section,
    _other_options_section,
    _programme_paras,
    _prose,
    _resources_section,
    _risks_section,
    _statutory_deadline_paras,
)
from business_cases.papers.versions import changes_between, changes_note, version_document
from core.documents import Document, FigureChange, Items, Para


def _withheld(paper: CabinetPaper) -> str:
    paragraph = dict(EXEMPT_PARAGRAPHS).get(paper.exempt_paragraph, "")
    return (f"Not for publication. This is exempt information under Part 1 of Schedule 12A to the Local "
            f"Government Act 1972 ({paragraph[0].lower() + paragraph[1:] if paragraph else 'paragraph not given'}). "
            "Members of the decision maker and officers who need it receive the full copy.")


def paper_document(data: PaperData, *, full: bool) -> Document:
    """The paper as a document: the full copy, or (`full=False`) the copy for the public
    and for members who may not see exempt information."""
    paper = data.paper
    doc = Document(title=paper.title, organisation=data.organisation, logo=data.logo,
                   front=_front(paper, data), printed_at=timezone.localtime(data.snapshot_at),
                   author=paper.author, marking=DRAFT_MARKING)
    _body(doc, data, full=full)
    if data.final is not None and data.final_source is not None:
        changes_note(doc, final=data.final, final_doc=version_document(data.final, full=full,
                                                                        source=data.final_source))
    return doc


def _recommendations(doc: Document, data: PaperData, title: str) -> None:
    paper = data.paper
    s = doc.section(title)
    s.add(Para(f"The {paper.decision_maker} is asked to:", numbered=False))
    for r in paper.recommendation_list:
        s.add(Para(r))


def _background(doc: Document, data: PaperData, title: str) -> None:
    s = doc.section(title)
    s.add(*_programme_paras(data))
    for p in paragraphs(data.paper.background):
        s.add(Para(p))


def _statutory(doc: Document, data: PaperData, title: str) -> None:
    s = doc.section(title)
    s.add(*_notice_route_paras(data.paper, data))
    _prose(s, data.paper.statutory_considerations)
    s.add(*_statutory_deadline_paras(data))


def _contact(doc: Document, data: PaperData, title: str) -> None:
    doc.section(title).add(Para(f"Contact: {data.paper.contact}"), Para(f"Report author: {data.paper.author}"))


def _background_papers(doc: Document, data: PaperData, title: str) -> None:
    papers = [line.strip() for line in data.paper.background_papers.splitlines() if line.strip()]
    doc.section(title).add(Items(tuple(papers)) if papers else Para("None."))


# How each built-in section of a template is written (business_cases.paper_templates).
BUILT_IN_BUILDERS = {
    "issue": lambda doc, data, title: _prose(doc.section(title), data.paper.issue),
    "recommendations": _recommendations,
    "background": _background,
    "statutory": _statutory,
    "options": _options_section,
    "resources": _resources_section,
    "risks": _risks_section,
    "equalities": lambda doc, data, title: _equalities_section(doc, data, data.paper.equalities, title),
    "climate": lambda doc, data, title: _prose(doc.section(title), data.paper.climate_change),
    "other_options": lambda doc, data, title: _other_options_section(doc, data, data.paper.other_options, title),
    "consultation": lambda doc, data, title: consultation_section(
        doc, text=data.paper.consultation, staff=data.staff_consultations, public=data.public_consultations,
        today=data.today, title=title),
    "contact": _contact,
    "background_papers": _background_papers,
}


def _body(doc: Document, data: PaperData, *, full: bool) -> None:
    paper = data.paper
    if not full and paper.classification == Classification.EXEMPT:
        doc.section("Exempt report").add(Para(_withheld(paper), strong=True))
        return
    for section in paper.sections:
        if section.own:
            _prose(doc.section(section.heading), section_text(paper, section))
        else:
            BUILT_IN_BUILDERS[section.key](doc, data, section.heading)
    exempt = set(paper.exempt_appendices or []) if paper.classification == Classification.EXEMPT_APPENDICES else set()
    for key, (letter, title) in APPENDICES.items():
        if key == "workforce" and not data.staff_transfer:
            continue  # no one transfers: no transfer list to report
        section = doc.section(title, appendix=letter, exempt=key in exempt)
        if key in exempt and not full:
            section.add(Para(_withheld(paper), strong=True))
        else:
            APPENDIX_BUILDERS[key](section, data)
    if data.case is not None:
        # Here, not at the top: case_document builds on this package's appendices.
        from business_cases.case_document import case_appendix

        letter = chr(ord(max(letter for letter, _ in APPENDICES.values())) + 1)
        case_appendix(doc.section(data.case.version.business_case.get_stage_display(), appendix=letter), data.case)


def paper_changes(paper: CabinetPaper, before: PaperVersion, after: PaperVersion | None, *, full: bool,
                  today: date) -> list[FigureChange] | None:
    """The figures that differ from version `before` to version `after`, or to the paper as
    it would print today (`after` None); the full copies, or the public ones for a reader
    who may not see exempt information. None when `before` kept nothing to compare."""
    before_doc = version_document(before, full=full)
    after_doc = (version_document(after, full=full) if after is not None
                 else paper_document(paper_data(paper=paper, today=today), full=full))
    if before_doc is None or after_doc is None:
        return None
    return changes_between(before_doc, after_doc)
