"""Which file column holds which column of the spec: a suggestion from the headings, the
remembered mapping first."""
import re

from core.uploads.spec import UploadSpec


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def suggest_mapping(spec: UploadSpec, headers: list[str],
                    remembered: dict | None = None) -> dict[str, str | None]:
    """For each column of the spec, the file header that probably holds it: the remembered
    mapping first (when that header is in this file), then a match on label, name or alias
    that ignores case, spaces and punctuation."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for col in spec.columns:
        header = (remembered or {}).get(col.name)
        if header in headers and header not in used:
            mapping[col.name] = header
            used.add(header)
    for col in spec.columns:
        if col.name in mapping:
            continue
        mapping[col.name] = None
        for candidate in (col.label, col.name, *col.aliases):
            header = by_norm.get(_norm(candidate))
            if header and header not in used:
                mapping[col.name] = header
                used.add(header)
                break
    return mapping
