"""A council's paper template: which sections a Cabinet paper has, in what order and under
what headings, which must be written before a version can be marked final, and the name
and logo on its front sheet.

The template is kept as numbered versions (`PaperTemplate`, one row each, never changed):
a paper holds the version it was started with, so a change to the template changes the
papers started after it, never those already written. A council with no template of its
own uses `DEFAULT_SECTIONS`, which is what every paper had before templates.

A section is one of:
- built in: Insource writes it from the figures (the options appraisal, say), or from the
  author's prose with figures of its own (the background); a template may rename and move
  a built-in section but not leave it out, because the paper's figures live there;
- the council's own (legal implications, Section 151 officer comments, …): the author
  writes it, under the council's heading, with the council's guidance beside the box.
Any section the author writes (built-in prose or the council's own) may be required before
the paper is marked final.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class BuiltIn:
    key: str
    heading: str
    # The paper's field with the author's text, or "" for a section Insource writes alone.
    prose: str = ""
    # Whether the author's text can be required before final (the issue and the
    # recommendations always are: the paper cannot be saved without them).
    may_require: bool = True


BUILT_IN = (
    BuiltIn("issue", "The issue", "issue", may_require=False),
    BuiltIn("recommendations", "Recommendations", "recommendations", may_require=False),
    BuiltIn("background", "Background", "background"),
    BuiltIn("statutory", "Statutory considerations", "statutory_considerations"),
    BuiltIn("options", "Options appraisal"),
    BuiltIn("resources", "Resource implications"),
    BuiltIn("risks", "Risk management"),
    BuiltIn("equalities", "Equalities", "equalities"),
    BuiltIn("climate", "Climate change", "climate_change"),
    BuiltIn("other_options", "Other options considered", "other_options"),
    BuiltIn("consultation", "Consultation", "consultation"),
    BuiltIn("contact", "Contact"),
    BuiltIn("background_papers", "Background papers", "background_papers", may_require=False),
)
BUILT_IN_BY_KEY = {b.key: b for b in BUILT_IN}
OWN_PREFIX = "own-"
MAX_SECTIONS = 40
HEADING_MAX = 120
GUIDANCE_MAX = 500
# What a council's own section is most often called: offered as examples on the page.
OWN_EXAMPLES = ("Legal implications", "Human resources implications", "Public health implications",
                "Section 151 Officer comments", "Monitoring Officer comments", "Health and safety")


@dataclass(frozen=True)
class TemplateSection:
    key: str
    heading: str
    required: bool = False
    guidance: str = ""

    @property
    def own(self) -> bool:
        return self.key.startswith(OWN_PREFIX)

    @property
    def built_in(self) -> BuiltIn | None:
        return BUILT_IN_BY_KEY.get(self.key)

    @property
    def prose(self) -> str:
        """The paper's field that holds the author's text ("" for the council's own)."""
        return self.built_in.prose if self.built_in else ""

    @property
    def written_by(self) -> str:
        if self.own:
            return "The author"
        if self.key == "contact":
            return "Insource, from the front sheet"
        if not self.prose:
            return "Insource, from the figures"
        if self.key in ("background", "statutory", "equalities", "other_options", "consultation"):
            return "The author, with Insource's figures"
        return "The author"

    @property
    def written_by_phrase(self) -> str:
        """Who writes it, within a sentence: "the author", "Insource, from the figures"."""
        words = self.written_by
        return words[0].lower() + words[1:] if words.startswith("The ") else words

    @property
    def may_require(self) -> bool:
        return self.own or bool(self.built_in and self.built_in.prose and self.built_in.may_require)

    def as_json(self) -> dict:
        return {"key": self.key, "heading": self.heading, "required": self.required, "guidance": self.guidance}


DEFAULT_SECTIONS = tuple(TemplateSection(b.key, b.heading) for b in BUILT_IN)


def sections_from_json(rows: list[dict] | None) -> tuple[TemplateSection, ...]:
    if not rows:
        return DEFAULT_SECTIONS
    return tuple(TemplateSection(key=r["key"], heading=r["heading"], required=bool(r.get("required")),
                                 guidance=r.get("guidance", "")) for r in rows)


def template_sections(template) -> tuple[TemplateSection, ...]:
    """The sections of a template version, or the default ones (`template` None)."""
    return sections_from_json(template.sections) if template is not None else DEFAULT_SECTIONS


def own_key(heading: str, taken: set[str]) -> str:
    """A new own section's key, from its heading: kept for good, however it is renamed."""
    stem = OWN_PREFIX + (re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")[:40] or "section")
    key, n = stem, 2
    while key in taken:
        key, n = f"{stem}-{n}", n + 1
    return key


def check_sections(sections: list[TemplateSection]) -> list[TemplateSection]:
    """The sections as a template may hold them, or a ValidationError naming the row (by its
    place, 1 for the first) and what is wrong with it."""
    problems = []
    seen_keys: set[str] = set()
    seen_headings: dict[str, int] = {}
    for place, s in enumerate(sections, start=1):
        where = f"Section {place}"
        if not s.own and s.key not in BUILT_IN_BY_KEY:
            problems.append(f"{where}: Insource has no built-in section “{s.key}”.")
        if s.key in seen_keys:
            problems.append(f"{where}: “{s.heading}” appears twice.")
        seen_keys.add(s.key)
        heading = " ".join(s.heading.split())
        if not heading:
            problems.append(f"{where}: enter a heading.")
        elif len(heading) > HEADING_MAX:
            problems.append(f"{where}: the heading must be {HEADING_MAX} characters or fewer.")
        elif heading.lower() in seen_headings:
            problems.append(f"{where}: the heading “{heading}” is already used by section "
                            f"{seen_headings[heading.lower()]}; give each section its own.")
        else:
            seen_headings[heading.lower()] = place
        if len(s.guidance) > GUIDANCE_MAX:
            problems.append(f"{where}: the guidance must be {GUIDANCE_MAX} characters or fewer.")
        if s.required and not s.may_require:
            problems.append(f"{where}: “{heading}” is written by Insource or always needed, so it cannot be "
                            "marked as required.")
    missing = [b.heading for b in BUILT_IN if b.key not in seen_keys]
    if missing:
        problems.append(f"The template must keep Insource's own sections; missing: {', '.join(missing)}.")
    if len(sections) > MAX_SECTIONS:
        problems.append(f"A paper can have at most {MAX_SECTIONS} sections.")
    if problems:
        raise ValidationError(problems)
    return [TemplateSection(s.key, " ".join(s.heading.split()), s.required, s.guidance.strip()) for s in sections]


def section_text(paper, section: TemplateSection) -> str:
    """What the author has written for the section ("" for one Insource writes alone)."""
    if section.own:
        return str((paper.own_sections or {}).get(section.key, ""))
    return getattr(paper, section.prose) if section.prose else ""


def unwritten_required(paper, sections: tuple[TemplateSection, ...]) -> list[str]:
    """The headings of the required sections the author has not written yet."""
    return [s.heading for s in sections if s.required and not section_text(paper, s).strip()]


def unwritten(paper, sections: tuple[TemplateSection, ...]) -> list[str]:
    """The headings of every section the author writes that is still empty (the paper then
    says "Not written yet." there)."""
    return [s.heading for s in sections if (s.own or (s.prose and s.key not in ("issue", "recommendations")))
            and not section_text(paper, s).strip()]


def template_logo(template):
    """The template's logo for a document (core.documents.Logo), or None."""
    from core.documents import Logo
    from core.images import LIMITS

    if template is None or not template.logo:
        return None
    with template.logo.open("rb") as f:
        content = f.read(LIMITS["out_bytes"] + 1)
    if len(content) > LIMITS["out_bytes"]:
        return None  # not one core.images kept
    return Logo(content=content, content_type=template.logo_type, alt=template.logo_alt or template.council_name)


def council_template(organisation):
    """The council's latest template version, or None (Insource's default sections)."""
    from business_cases.models import PaperTemplate

    return PaperTemplate.objects.filter(organisation=organisation).order_by("-number").first()


def council_front(organisation) -> tuple[str, object | None]:
    """The name and logo the council's documents carry (its latest template's), for the
    documents that are not papers: a highlight report, a business case."""
    template = council_template(organisation)
    if template is None:
        return organisation.name, None
    return template.council_name, template_logo(template)
