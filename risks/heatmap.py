"""The 5×5 risk heat map, drawn as SVG on the server so that pages and Cabinet papers
share one drawing. Presentation attributes only (the CSP forbids inline styles); every
cell writes its count as text, so colour is never the only signal."""
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from risks.models import rag_for

CELL = 52
LEFT = 70
TOP = 34
COLOURS = {"green": "#cce2d8", "amber": "#fff7bf", "red": "#f4cdc6"}  # light GOV.UK tints
TEXT = "#0b0c0c"
GRID = "#505a5f"


def heatmap_svg(*, counts: dict[tuple[int, int], int], title: str, description: str = "",
                url: Callable[[int, int], str | None] | None = None,
                green_max: int = 4, amber_max: int = 12, element_id: str = "heatmap") -> SafeString:
    """A heat map of `counts` keyed by (likelihood, impact). Impact runs along the bottom,
    likelihood up the side; `url(likelihood, impact)` gives each cell's link."""
    width = LEFT + 5 * CELL + 10
    height = TOP + 5 * CELL + 46
    total = sum(counts.values())
    desc = description or f"{total} risks by likelihood (rows, 5 at the top) and impact (columns, 1 at the left)."
    # A drawing without links is one image. With links (on the page) each cell is a control,
    # and an image's children are hidden from assistive technology, so the drawing is a
    # labelled group instead (axe: nested-interactive).
    role = "group" if url else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="app-chart" role="{role}" '
        f'width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{element_id}-title" aria-describedby="{element_id}-desc" '
        f'font-family="Arial, sans-serif" font-size="14">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>',
        f'<text x="{LEFT}" y="20" fill="{TEXT}" font-weight="bold">{escape(title)}</text>',
    ]
    for likelihood in range(5, 0, -1):
        y = TOP + (5 - likelihood) * CELL
        out.append(f'<text x="{LEFT - 8}" y="{y + CELL / 2 + 5}" text-anchor="end" fill="{TEXT}">{likelihood}</text>')
        for impact in range(1, 6):
            x = LEFT + (impact - 1) * CELL
            n = counts.get((likelihood, impact), 0)
            rag = rag_for(likelihood * impact, green_max=green_max, amber_max=amber_max)
            label = (f"Likelihood {likelihood}, impact {impact} (score {likelihood * impact}, {rag}): "
                     f"{n} risk{'s' if n != 1 else ''}")
            weight = ' font-weight="bold"' if n else ""
            cell = (f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{COLOURS[rag]}" '
                    f'stroke="{GRID}" stroke-width="1"/>'
                    f'<text x="{x + CELL / 2}" y="{y + CELL / 2 + 6}" text-anchor="middle" fill="{TEXT}" '
                    f'font-size="18"{weight}>{n}</text>')
            href = url(likelihood, impact) if url else None
            if href and n:
                out.append(f'<a href="{escape(href)}" aria-label="{escape(label)}">'
                           f'<title>{escape(label)}</title>{cell}</a>')
            else:
                out.append(f'<g><title>{escape(label)}</title>{cell}</g>')
    base = TOP + 5 * CELL
    for impact in range(1, 6):
        x = LEFT + (impact - 1) * CELL + CELL / 2
        out.append(f'<text x="{x}" y="{base + 18}" text-anchor="middle" fill="{TEXT}">{impact}</text>')
    out.append(f'<text x="{LEFT + 5 * CELL / 2}" y="{base + 38}" text-anchor="middle" fill="{TEXT}">Impact</text>')
    out.append(f'<text x="14" y="{TOP + 5 * CELL / 2}" text-anchor="middle" fill="{TEXT}" '
               f'transform="rotate(-90 14 {TOP + 5 * CELL / 2})">Likelihood</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every value written above is escaped or a number
