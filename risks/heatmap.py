"""The 5×5 risk heat map, drawn as SVG on the server (core.charts) so that pages and Cabinet
papers share one drawing. Every cell writes its count as text, so colour is never the only
signal."""
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString

from core.charts import DARK_GREY, TEXT, svg, tag
from risks.models import rag_for

CELL = 52
LEFT = 70
TOP = 34
COLOURS = {"green": "#cce2d8", "amber": "#fff7bf", "red": "#f4cdc6"}  # light GOV.UK tints


def heatmap_svg(*, counts: dict[tuple[int, int], int], title: str, description: str = "",
                url: Callable[[int, int], str | None] | None = None,
                green_max: int = 4, amber_max: int = 12, element_id: str = "heatmap") -> SafeString:
    """A heat map of `counts` keyed by (likelihood, impact). Impact runs along the bottom,
    likelihood up the side; `url(likelihood, impact)` gives each cell's link."""
    width = LEFT + 5 * CELL + 10
    height = TOP + 5 * CELL + 46
    total = sum(counts.values())
    desc = description or f"{total} risks by likelihood (rows, 5 at the top) and impact (columns, 1 at the left)."
    out = [tag("text", escape(title), x=LEFT, y=20, fill=TEXT, font_weight="bold")]
    for likelihood in range(5, 0, -1):
        y = TOP + (5 - likelihood) * CELL
        out.append(tag("text", str(likelihood), x=LEFT - 8, y=y + CELL / 2 + 5, text_anchor="end", fill=TEXT))
        for impact in range(1, 6):
            x = LEFT + (impact - 1) * CELL
            n = counts.get((likelihood, impact), 0)
            rag = rag_for(likelihood * impact, green_max=green_max, amber_max=amber_max)
            label = escape(f"Likelihood {likelihood}, impact {impact} (score {likelihood * impact}, {rag}): "
                           f"{n} risk{'s' if n != 1 else ''}")
            cell = (tag("rect", x=x, y=y, width=CELL, height=CELL, fill=COLOURS[rag], stroke=DARK_GREY,
                        stroke_width=1)
                    + tag("text", str(n), x=x + CELL / 2, y=y + CELL / 2 + 6, text_anchor="middle", fill=TEXT,
                          font_size=18, font_weight="bold" if n else None))
            href = url(likelihood, impact) if url else None
            if href and n:
                out.append(f'<a href="{escape(href)}" aria-label="{label}"><title>{label}</title>{cell}</a>')
            else:
                out.append(f"<g><title>{label}</title>{cell}</g>")
    base = TOP + 5 * CELL
    for impact in range(1, 6):
        x = LEFT + (impact - 1) * CELL + CELL / 2
        out.append(tag("text", str(impact), x=x, y=base + 18, text_anchor="middle", fill=TEXT))
    out.append(tag("text", "Impact", x=LEFT + 5 * CELL / 2, y=base + 38, text_anchor="middle", fill=TEXT))
    out.append(tag("text", "Likelihood", x=14, y=TOP + 5 * CELL / 2, text_anchor="middle", fill=TEXT,
                   transform=f"rotate(-90 14 {TOP + 5 * CELL / 2})"))
    # A drawing without links is one image. With links (on the page) each cell is a control,
    # and an image's children are hidden from assistive technology, so the drawing is a
    # labelled group instead (axe: nested-interactive).
    return svg(out, title=title, title_id=f"{element_id}-title", desc=desc, desc_id=f"{element_id}-desc",
               id=element_id, class_="app-chart", role="group" if url else "img", width=width, height=height,
               viewBox=f"0 0 {width} {height}", aria_labelledby=f"{element_id}-title",
               aria_describedby=f"{element_id}-desc", font_family="Arial, sans-serif", font_size=14)
