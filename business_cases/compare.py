"""Comparing two versions of a business case: each Five Case Model section word by word
(difflib), and the structured parts (objectives, CSFs, criteria, options, ranking and
appraisal) item by item from the versions' snapshots."""
import difflib
import re
from dataclasses import dataclass

from business_cases.models import SECTIONS

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Segment:
    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class SectionDiff:
    heading: str
    old: list[Segment]   # what the older version said, deletions marked
    new: list[Segment]   # what the newer version says, insertions marked
    changed: bool
    added_words: int
    removed_words: int


def _words(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def section_diff(heading: str, old_text: str, new_text: str) -> SectionDiff:
    """Word-level difference of one section, as two sides for a side-by-side view."""
    a, b = _words(old_text), _words(new_text)
    old, new = [], []
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            old.append(Segment("equal", "".join(a[i1:i2])))
            new.append(Segment("equal", "".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            old.append(Segment("delete", "".join(a[i1:i2])))
            removed += sum(1 for w in a[i1:i2] if w.strip())
        if op in ("insert", "replace"):
            new.append(Segment("insert", "".join(b[j1:j2])))
            added += sum(1 for w in b[j1:j2] if w.strip())
    return SectionDiff(heading, old, new, bool(added or removed), added, removed)


def text_diffs(old_version, new_version) -> list[SectionDiff]:
    return [section_diff(heading, getattr(old_version, name), getattr(new_version, name))
            for name, heading in SECTIONS]


PARTS = [("objectives", "Strategic objectives"), ("csfs", "Critical success factors"),
         ("criteria", "Matrix criteria"), ("options", "Options"), ("appraisal", "Economic appraisal")]
FIELD_LABELS = {"title": "title", "outcome": "outcome", "computed": "outcome the matrix gives", "rank": "rank",
                "total": "weighted total", "pv_costs": "PV of costs (£)", "pv_benefits": "PV of benefits (£)",
                "npsv": "NPSV (£)", "bcr": "BCR"}


def structured_changes(old: dict, new: dict) -> list[tuple[str, list[str]]]:
    """What changed in the structured parts, as (part heading, sentences)."""
    out = []
    for key, heading in PARTS:
        a, b = old.get(key, {}) or {}, new.get(key, {}) or {}
        lines = []
        for item in b.keys() - a.keys():
            lines.append(f"Added {item}: {_describe(b[item])}")
        for item in a.keys() - b.keys():
            lines.append(f"Removed {item}: {_describe(a[item])}")
        for item in sorted(a.keys() & b.keys()):
            if a[item] == b[item]:
                continue
            if isinstance(a[item], dict) and isinstance(b[item], dict):
                for f in a[item].keys() | b[item].keys():
                    if a[item].get(f) != b[item].get(f):
                        lines.append(f"{item}: {FIELD_LABELS.get(f, f)} changed from "
                                     f"{_value(a[item].get(f))} to {_value(b[item].get(f))}")
            else:
                lines.append(f"{item} changed from “{a[item]}” to “{b[item]}”")
        if lines:
            out.append((heading, sorted(lines)))
    return out


def _value(v) -> str:
    return "none" if v in (None, "") else f"“{v}”"


def _describe(v) -> str:
    if isinstance(v, dict):
        return v.get("title") or ", ".join(f"{FIELD_LABELS.get(k, k)} {val}" for k, val in v.items())
    return str(v)
