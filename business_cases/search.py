"""What the search box finds of the business case (core.search): the options of the
appraisal, each stage's versions (the Five Case Model text) and the Cabinet papers.

A paper that is exempt as a whole (Schedule 12A) is two documents: its full text for the
members who may see exempt information, and for everyone else what its page shows them
(the front sheet and the recommendations), so nobody finds a paper by words withheld
from them."""
from django.urls import reverse

from business_cases.models import SECTIONS, STAGE_SHORT, BusinessCaseVersion, CabinetPaper, Classification, Option
from core.roles import Capability
from core.search import WITHOUT, SearchText, search_kind, searchable

_EXEMPT = Capability.VIEW_EXEMPT_PAPER.value
_PROSE = ("issue", "background", "statutory_considerations", "equalities", "climate_change", "consultation",
          "other_options", "background_papers")


def _lines(*parts) -> str:
    return "\n".join(p for p in parts if p)


def option_text(option: Option) -> list[SearchText]:
    return [SearchText(kind="option", title=f"{option.code} {option.title}",
                       body=_lines(option.description, option.justification, option.override_reason),
                       url=reverse("business_cases:matrix", args=[option.programme.slug]))]


def version_text(version: BusinessCaseVersion) -> list[SearchText]:
    stage = version.business_case.stage
    title = f"{STAGE_SHORT[stage]} version {version.number}" + (f": {version.summary}" if version.summary else "")
    return [SearchText(kind="business_case", title=title,
                       body=_lines(*(getattr(version, name) for name, _ in SECTIONS), version.approving_body,
                                   version.decision_reference, version.decision_notes),
                       url=reverse("business_cases:version", args=[version.programme.slug, stage, version.number]))]


def paper_text(paper: CabinetPaper) -> list[SearchText]:
    url = reverse("business_cases:paper", args=[paper.programme.slug, paper.pk])
    front = _lines(paper.decision_maker, paper.forward_plan_reference, paper.wards, paper.recommendations)
    full = _lines(front, *(getattr(paper, name) for name in _PROSE),
                  *(v for v in (paper.own_sections or {}).values() if isinstance(v, str)))
    if paper.classification != Classification.EXEMPT:
        return [SearchText(kind="paper", title=paper.title, body=full, url=url)]
    return [SearchText(kind="paper", title=paper.title, body=full, url=url, capability=_EXEMPT),
            SearchText(kind="paper", title=paper.title, body=front, url=url, capability=f"{WITHOUT}{_EXEMPT}")]


def search_declare() -> None:
    """The business case's searchable records (BusinessCasesConfig.ready)."""
    search_kind("option", "Options", order=90)
    search_kind("business_case", "Business cases", order=100)
    search_kind("paper", "Cabinet papers", order=110)
    searchable(Option, option_text, related=("programme",))
    searchable(BusinessCaseVersion, version_text, related=("programme", "business_case"))
    searchable(CabinetPaper, paper_text, related=("programme",), capabilities=(_EXEMPT,))
