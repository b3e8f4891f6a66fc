"""Server-rendered SVG trend charts: no JavaScript, no inline style (CSP), readable in print.

Each series is told apart by line pattern and marker shape as well as colour, the SVG has a
``<title>`` and a ``<desc>`` (named by ``aria-labelledby``), and every page that shows a chart
also shows the same numbers in a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from performance.models import KPI, Figure, format_number, format_value


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: list[Decimal | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray
    marker: str = "circle"  # circle | square | diamond | none
    width: int = 2


SERIES_STYLE = {
    # key: (legend name, colour, dash, marker, width)
    "actual": ("Actual", "#1d70b8", "", "circle", 3),
    "target": ("Target", "#0b0c0c", "8 4", "none", 2),
    "statistical_neighbour": ("Statistical neighbour average", "#912b88", "2 4", "square", 2),
    "england": ("England average", "#00703c", "10 4 2 4", "diamond", 2),
    "region": ("Regional average", "#b35a00", "4 2", "square", 2),
}


def nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _points(values, x_of, y_of) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points; a missing value breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x_of(i), y_of(float(value))))
    return [run for run in runs if run]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" '
            'stroke="#ffffff" stroke-width="1"/>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
    if kind == "circle":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" '
            'stroke="#ffffff" stroke-width="1"/>'
        )
    return ""


def render_svg(
    *,
    labels: list[str],
    series: list[Series],
    title: str,
    description: str,
    unit: str,
    id_prefix: str,
    width: int = 640,
    height: int = 320,
) -> SafeString:
    left, right, top, bottom = 64, 16, 16, 56
    legend_rows = math.ceil(len(series) / 2)
    total_height = height + legend_rows * 22 + 8
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for s in series for v in s.values if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if lo >= 0 and (lo < (hi - lo) or unit == "percent"):
        lo = 0.0
    if hi == lo:
        hi = lo + 1
    step = nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if unit == "percent" and hi > 100 >= max(values or [0]):
        hi = 100.0

    n = max(len(labels), 1)

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" role="img" '
        f'width="{width}" height="{total_height}" viewBox="0 0 {width} {total_height}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        'font-family="Arial, Helvetica, sans-serif" font-size="12">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#ffffff"/>',
    ]
    # Grid and y axis labels.
    tick = lo
    while tick <= hi + step / 1000:
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">'
            f"{escape(format_value(Decimal(str(round(tick, 6))), unit))}</text>"
        )
        tick += step
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#0b0c0c" stroke-width="1"/>'
    )
    # X axis labels (thinned when there are many periods).
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(labels):
        if i % every and i != n - 1:
            continue
        out.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    # Series: lines then markers.
    for s in series:
        for run in _points(s.values, x_of, y_of):
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            if len(run) == 1:  # one point: a short stroke shows the line pattern
                x, y = run[0]
                out.append(
                    f'<line class="series-{s.key}" x1="{x - 12:.1f}" y1="{y:.1f}" '
                    f'x2="{x + 12:.1f}" y2="{y:.1f}" stroke="{s.colour}" '
                    f'stroke-width="{s.width}"{dash}/>'
                )
            else:
                out.append(
                    f'<polyline class="series-{s.key}" points="{pts}" fill="none" '
                    f'stroke="{s.colour}" stroke-width="{s.width}"{dash}/>'
                )
            for x, y in run:
                out.append(_marker(s.marker, x, y, s.colour))
    # Legend: a sample of each line (pattern and marker) with its name.
    for i, s in enumerate(series):
        col, row = i % 2, i // 2
        lx = left + col * (plot_w / 2)
        ly = height + row * 22
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 32:.1f}" y2="{ly:.1f}" '
            f'stroke="{s.colour}" stroke-width="{s.width}"{dash}/>'
        )
        out.append(_marker(s.marker, lx + 16, ly, s.colour))
        out.append(
            f'<text x="{lx + 40:.1f}" y="{ly + 4:.1f}" fill="#0b0c0c">{escape(s.name)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def kpi_series(figures: list[Figure]) -> list[Series]:
    """The series present in ``figures`` (ordered by period): actual and target always,
    comparators only where at least one period has a value."""
    result = []
    for key, (name, colour, dash, marker, width) in SERIES_STYLE.items():
        if key == "target":
            values = [f.effective_target for f in figures]
        else:
            values = [getattr(f, key) for f in figures]
        if key not in {"actual", "target"} and all(v is None for v in values):
            continue
        result.append(Series(key, name, values, colour, dash, marker, width))
    return result


def describe(kpi: KPI, figures: list[Figure], series: list[Series], status_text: str) -> str:
    if not figures:
        return f"No figures yet for {kpi.reference}."
    parts = []
    for s in series:
        shown = [
            f"{f.period.label} {kpi.format(v)}"
            for f, v in zip(figures, s.values, strict=True)
            if v is not None
        ]
        if shown:
            parts.append(f"{s.name}: " + ", ".join(shown) + ".")
    latest = figures[-1]
    polarity = "higher" if kpi.polarity == "increase" else "lower"
    summary = (
        f"Good performance is {polarity}. Latest period {latest.period.label}: "
        f"{kpi.format(latest.actual) or 'no figure'}"
        f"{', target ' + latest.target_text if latest.target_text else ''}; {status_text}."
    )
    return summary + " " + " ".join(parts)


def kpi_chart(
    kpi: KPI, figures: list[Figure], *, status_text: str, id_prefix: str | None = None
) -> SafeString:
    figures = sorted(figures, key=lambda f: f.period.start_date)
    series = kpi_series(figures)
    return render_svg(
        labels=[f.period.label for f in figures],
        series=series,
        title=f"{kpi.reference} {kpi.title}: trend",
        description=describe(kpi, figures, series, status_text),
        unit=kpi.unit,
        id_prefix=id_prefix or f"chart-{kpi.slug}",
    )


__all__ = ["kpi_chart", "render_svg", "Series", "format_number"]
