"""Charts drawn as SVG on the server: the one set of drawing primitives every chart in the
app uses (the finance charts, the risk heat map, the milestone timeline, the workforce team
chart), and the two general charts, grouped bars and lines.

Every drawing
- uses presentation attributes only, never a style attribute, because the page's
  Content-Security-Policy forbids inline styles; it renders the same in a page and in a
  WeasyPrint PDF;
- is an image with a text alternative: `role="img"` and `aria-labelledby` naming its
  <title> (and its <desc> when it has one), made by `svg`; a drawing whose parts are links
  is a labelled group instead;
- stands beside a table of the same figures, and carries its values as text, so colour is
  never the only signal. Series are told apart by their legend text and by the table.
"""
from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.formats import money_short, number

SVG_NS = "http://www.w3.org/2000/svg"
# GOV.UK palette colours that keep 3:1 contrast against white.
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
DARK_GREY = "#505a5f"
WHITE = "#ffffff"
SERIES = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
FONT = 'font-family="Arial, Helvetica, sans-serif" font-size="12" fill="#0b0c0c"'


def attrs(**values) -> str:
    """Attributes in the order given, each value escaped: an underscore in a name is a hyphen
    (`text_anchor`), a trailing one is dropped (`class_`), and None leaves it out. A drawing
    writes thousands of attributes (the tracker's timeline), so a name is worked out once
    and a number, which has nothing to escape, is written as it is."""
    out = []
    for name, value in values.items():
        if value is None:
            continue
        attr = _ATTR_NAMES.get(name) or _ATTR_NAMES.setdefault(name, name.rstrip("_").replace("_", "-"))
        out.append(f' {attr}="{value}"' if type(value) in _NUMBERS else f' {attr}="{html.escape(str(value))}"')
    return "".join(out)


_ATTR_NAMES: dict[str, str] = {}
_NUMBERS = (int, float)


def tag(name: str, content: str | None = None, /, **values) -> str:
    """One element; `content` is markup already (escape text before passing it), and an
    element without content closes itself."""
    if content is None:
        return f"<{name}{attrs(**values)}/>"
    return f"<{name}{attrs(**values)}>{content}</{name}>"


def svg(body: Iterable[str], *, title: str, title_id: str, desc: str | None = None,
        desc_id: str | None = None, **root) -> SafeString:
    """The drawing: an <svg> root with `root`'s attributes (role, aria-labelledby, viewBox,
    size…), its <title> and <desc> first, then `body`."""
    head = f'<svg xmlns="{SVG_NS}"{attrs(**root)}><title id="{escape(title_id)}">{escape(title)}</title>'
    if desc is not None:
        head += f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>'
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every value above is escaped


# --- Scales --------------------------------------------------------------------------------

def nice_range(values: list[float]) -> tuple[float, float]:
    """A value axis's range: from zero (or below, for negatives) to a round number, in four
    round steps (1, 2, 2.5 or 5 times a power of ten), so the gridlines read plainly."""
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    if hi == lo:
        hi = lo + 1
    raw = (hi - lo) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    lo = math.floor(lo / step) * step
    while lo + 4 * step < hi:
        step = next(m * power for m in (1, 2, 2.5, 5, 10, 20) if m * power > step)
        lo = math.floor(min(0.0, *values) / step) * step
    return lo, lo + 4 * step


def linear(lo: float, hi: float, start: float, end: float) -> Callable[[float], float]:
    """The position of a value between `lo` and `hi` on a line from `start` to `end` (which
    may run backwards, as a value axis runs up the page)."""
    def at(value: float) -> float:
        return start + (value - lo) / (hi - lo) * (end - start)
    return at


def bar_length(value: float, largest: float, length: float) -> int:
    """A bar's length in whole units, the largest value filling `length`."""
    return round(length * value / largest)


def value_label(value: float, unit: str = "£") -> str:
    """A value as an axis or a point writes it: money short (£1.2m), other figures to a place
    when they are small."""
    if unit == "£":
        return money_short(value)
    return number(value, places=0 if abs(value) >= 100 else 1)


# --- Parts of a chart ----------------------------------------------------------------------

def value_axis(lo: float, hi: float, left: float, top: float, plot_w: float, plot_h: float,
               unit: str) -> list[str]:
    """Five gridlines across the plot from `lo` to `hi`, each labelled at the left."""
    out, y_of = [], linear(lo, hi, top + plot_h, top)
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        y = y_of(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
                   'stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
                   f'{escape(value_label(v, unit))}</text>')
    return out


def legend(names: Iterable[str], left: float, y: float) -> list[str]:
    """A swatch and the name of each series, in a row."""
    out, x = [], left
    for k, name in enumerate(names):
        colour = SERIES[k % len(SERIES)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def _chart(element_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    return svg(body, title=title, title_id=f"{element_id}-title", id=element_id, class_="app-chart",
               viewBox=f"0 0 {width} {height}", width="100%", role="img", aria_labelledby=f"{element_id}-title")


# --- The two general charts ----------------------------------------------------------------

def bar_chart(*, categories: list[str], series: list[tuple[str, list]], title: str, element_id: str,
              width: int = 640, height: int = 280, unit: str = "£") -> SafeString:
    """Grouped bars: one group per category, one bar per series."""
    values = [float(v or 0) for _, vs in series for v in vs]
    lo, hi = nice_range(values)
    left, top, right, bottom = 70, 30, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body = value_axis(lo, hi, left, top, plot_w, plot_h, unit) + legend([n for n, _ in series], left, 16)
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    y_of = linear(lo, hi, top + plot_h, top)
    zero_y = y_of(0)
    for c, label in enumerate(categories):
        gx = left + c * group_w + group_w * 0.1
        for s, (name, vs) in enumerate(series):
            v = float(vs[c] or 0)
            y = y_of(v)
            body.append(f'<rect x="{gx + s * bar_w:.1f}" y="{min(y, zero_y):.1f}" width="{bar_w - 2:.1f}" '
                        f'height="{abs(zero_y - y):.1f}" fill="{SERIES[s % len(SERIES)]}">'
                        f'<title>{escape(name)}, {escape(label)}: {escape(value_label(v, unit))}</title></rect>')
        body.append(f'<text x="{left + c * group_w + group_w / 2:.1f}" y="{height - bottom + 18}" '
                    f'text-anchor="middle" {FONT}>{escape(label)}</text>')
    body.append(f'<line x1="{left}" y1="{zero_y:.1f}" x2="{left + plot_w}" y2="{zero_y:.1f}" stroke="{TEXT}" '
                'stroke-width="1"/>')
    return _chart(element_id, title, width, height, body)


def line_chart(*, categories: list[str], series: list[tuple[str, list]], title: str, element_id: str,
               width: int = 640, height: int = 260, unit: str = "£",
               guides: list[tuple[str, Decimal | float]] = ()) -> SafeString:
    """Lines with a marker at each point; `guides` are labelled horizontal lines (a target,
    say)."""
    values = [float(v) for _, vs in series for v in vs if v is not None] + [float(v) for _, v in guides]
    lo, hi = nice_range(values)
    left, top, right, bottom = 70, 30, 150, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body = value_axis(lo, hi, left, top, plot_w, plot_h, unit) + legend([n for n, _ in series], left, 16)
    n = max(1, len(categories) - 1)
    y_of = linear(lo, hi, top + plot_h, top)

    def xy(i, v):
        return left + (plot_w * i / n if len(categories) > 1 else plot_w / 2), y_of(float(v))

    placed: list[float] = []
    for label, v in sorted(guides, key=lambda g: -float(g[1])):
        _, y = xy(0, v)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{DARK_GREY}" '
                    'stroke-width="1.5" stroke-dasharray="6 4"/>')
        # Labels of lines close together are moved apart so each can be read.
        ty = y + 4
        while any(abs(ty - p) < 13 for p in placed):
            ty += 13
        placed.append(ty)
        body.append(f'<text x="{left + plot_w + 4}" y="{ty:.1f}" {FONT}>{escape(label)}</text>')
    for s, (name, vs) in enumerate(series):
        colour = SERIES[s % len(SERIES)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            body.append('<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>'.format(
                colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
        for (x, y), (i, v) in zip(points, [(i, v) for i, v in enumerate(vs) if v is not None], strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(name)}, '
                        f'{escape(categories[i])}: {escape(value_label(float(v), unit))}</title></circle>')
    step = max(1, len(categories) // 8)
    for i, label in enumerate(categories):
        if i % step == 0 or i == len(categories) - 1:
            x, _ = xy(i, lo)
            body.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" {FONT}>'
                        f'{escape(label)}</text>')
    return _chart(element_id, title, width, height, body)
