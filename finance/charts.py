"""Charts as SVG drawn on the server: presentation attributes only (the CSP forbids inline
styles), a title for screen readers, and always shown next to a table of the same figures.
They render the same in a page and in a WeasyPrint PDF."""
import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK palette colours that keep 3:1 contrast against white; series are told apart by
# their legend text and by the data table, never by colour alone.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
FONT = 'font-family="Arial, Helvetica, sans-serif" font-size="12" fill="#0b0c0c"'


def _scale(values: list[float]) -> tuple[float, float]:
    """The axis range: from zero (or below, for negatives) to a round number, in four
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


def _short(value: float, unit: str = "£") -> str:
    a = abs(value)
    sign = "-" if value < 0 else ""
    if unit != "£":
        return f"{sign}{a:,.0f}" if a >= 100 else f"{sign}{a:,.1f}".rstrip("0").rstrip(".")
    if a >= 1_000_000:
        return f"{sign}£{a / 1_000_000:.1f}m"
    if a >= 1_000:
        return f"{sign}£{a / 1_000:.0f}k"
    return f"{sign}£{a:,.0f}"


def _frame(element_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="app-chart" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{escape(element_id)}-title">'
        f'<title id="{escape(element_id)}-title">{escape(title)}</title>' + "".join(body) + "</svg>")


def _axes(lo, hi, left, top, plot_w, plot_h, unit) -> list[str]:
    out = []
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        y = top + plot_h - (v - lo) / (hi - lo) * plot_h
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#b1b4b6" '
                   'stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{escape(_short(v, unit))}</text>')
    return out


def _legend(series, left, y) -> list[str]:
    out, x = [], left
    for k, (name, _values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def bar_chart(*, categories: list[str], series: list[tuple[str, list]], title: str, element_id: str,
              width: int = 640, height: int = 280, unit: str = "£") -> SafeString:
    """Grouped bars: one group per category, one bar per series."""
    values = [float(v or 0) for _, vs in series for v in vs]
    lo, hi = _scale(values)
    left, top, right, bottom = 70, 30, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body = _axes(lo, hi, left, top, plot_w, plot_h, unit) + _legend(series, left, 16)
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    zero_y = top + plot_h - (0 - lo) / (hi - lo) * plot_h
    for c, label in enumerate(categories):
        gx = left + c * group_w + group_w * 0.1
        for s, (name, vs) in enumerate(series):
            v = float(vs[c] or 0)
            y = top + plot_h - (v - lo) / (hi - lo) * plot_h
            body.append(f'<rect x="{gx + s * bar_w:.1f}" y="{min(y, zero_y):.1f}" width="{bar_w - 2:.1f}" '
                        f'height="{abs(zero_y - y):.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                        f'<title>{escape(name)}, {escape(label)}: {escape(_short(v, unit))}</title></rect>')
        body.append(f'<text x="{left + c * group_w + group_w / 2:.1f}" y="{height - bottom + 18}" '
                    f'text-anchor="middle" {FONT}>{escape(label)}</text>')
    body.append(f'<line x1="{left}" y1="{zero_y:.1f}" x2="{left + plot_w}" y2="{zero_y:.1f}" stroke="#0b0c0c" '
                'stroke-width="1"/>')
    return _frame(element_id, title, width, height, body)


def line_chart(*, categories: list[str], series: list[tuple[str, list]], title: str, element_id: str,
               width: int = 640, height: int = 260, unit: str = "£",
               guides: list[tuple[str, Decimal | float]] = ()) -> SafeString:
    """Lines with a marker at each point; `guides` are labelled horizontal lines (a target,
    say)."""
    values = [float(v) for _, vs in series for v in vs if v is not None] + [float(v) for _, v in guides]
    lo, hi = _scale(values)
    left, top, right, bottom = 70, 30, 150, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body = _axes(lo, hi, left, top, plot_w, plot_h, unit) + _legend(series, left, 16)
    n = max(1, len(categories) - 1)

    def xy(i, v):
        return left + (plot_w * i / n if len(categories) > 1 else plot_w / 2), \
            top + plot_h - (float(v) - lo) / (hi - lo) * plot_h

    placed: list[float] = []
    for label, v in sorted(guides, key=lambda g: -float(g[1])):
        _, y = xy(0, v)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#505a5f" '
                    'stroke-width="1.5" stroke-dasharray="6 4"/>')
        # Labels of lines close together are moved apart so each can be read.
        ty = y + 4
        while any(abs(ty - p) < 13 for p in placed):
            ty += 13
        placed.append(ty)
        body.append(f'<text x="{left + plot_w + 4}" y="{ty:.1f}" {FONT}>{escape(label)}</text>')
    for s, (name, vs) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            body.append('<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>'.format(
                colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
        for (x, y), (i, v) in zip(points, [(i, v) for i, v in enumerate(vs) if v is not None], strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(name)}, '
                        f'{escape(categories[i])}: {escape(_short(float(v), unit))}</title></circle>')
    step = max(1, len(categories) // 8)
    for i, label in enumerate(categories):
        if i % step == 0 or i == len(categories) - 1:
            x, _ = xy(i, lo)
            body.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" {FONT}>'
                        f'{escape(label)}</text>')
    return _frame(element_id, title, width, height, body)
