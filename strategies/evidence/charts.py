"""Server-rendered SVG chart of location quotients, for the evidence base page.

Rendered on the server so it works without JavaScript and fits the site's Content Security
Policy: no scripts, no event handlers, no external resources and no ``style`` attributes (the
CSP forbids inline styles), only presentation attributes. For WCAG 2.2 AA the chart is a single
image (``role="img"``) named and described by its ``<title>`` and ``<desc>``; the page also shows
the same figures as a data table. Specialisms are marked by a hatch pattern *and* a text marker,
never by colour alone, and the colours are GOV.UK's blue (#1d70b8, 5.2:1 on white) and black text
(#0b0c0c).
"""

from __future__ import annotations

import math
import re
from html import escape

from .analysis import Analysis, SectorResult, sort_sectors

BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
BACKGROUND = "#ffffff"

SPECIALISM_MARKER = "★ specialism"
SUPER_STRENGTH_MARKER = "★★ super strength"

_WIDTH = 760
_MARGIN = 16
_VALUE_SPACE = 190  # room right of the longest bar for "2.51 ★★ super strength"
_TOP = 44
_ROW_HEIGHT = 46
_BAR_HEIGHT = 18
_LABEL_SIZE = 14
_SMALL_SIZE = 12
_MAX_LABEL_CHARS = 92  # about what fits in the chart's width at 14px
# A white outline painted under each glyph: legible where text crosses the reference line.
_HALO = f' stroke="{BACKGROUND}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """Coordinates to two decimals: enough for the eye, short enough to keep the SVG small."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _axis_step(maximum: float) -> float:
    if maximum <= 3:
        return 0.5
    if maximum <= 8:
        return 1.0
    return float(math.ceil(maximum / 8))


def _label(sector: SectorResult) -> str:
    label = f"{sector.section} {sector.name}"
    if len(label) > _MAX_LABEL_CHARS:
        # The full name stays available in the bar's tooltip and in the data table.
        label = label[: _MAX_LABEL_CHARS - 1].rstrip() + "…"
    return label


def _marker(sector: SectorResult) -> str:
    if sector.is_super_strength:
        return SUPER_STRENGTH_MARKER
    if sector.is_specialism:
        return SPECIALISM_MARKER
    return ""


def _patterns(prefix: str) -> list[str]:
    """Diagonal stripes for specialisms, a cross-hatch for super strengths."""
    return [
        "<defs>",
        f'<pattern id="{prefix}-specialism" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)">',
        f'<rect width="8" height="8" fill="{BAR_COLOUR}"/>',
        f'<line x1="2" y1="0" x2="2" y2="8" stroke="{BACKGROUND}" stroke-width="3"/>',
        "</pattern>",
        f'<pattern id="{prefix}-super" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)">',
        f'<rect width="8" height="8" fill="{BAR_COLOUR}"/>',
        f'<line x1="2" y1="0" x2="2" y2="8" stroke="{BACKGROUND}" stroke-width="2"/>',
        f'<line x1="0" y1="2" x2="8" y2="2" stroke="{BACKGROUND}" stroke-width="2"/>',
        "</pattern>",
        "</defs>",
    ]


def _fill(sector: SectorResult, prefix: str) -> str:
    if sector.is_super_strength:
        return f"url(#{prefix}-super)"
    if sector.is_specialism:
        return f"url(#{prefix}-specialism)"
    return BAR_COLOUR


def lq_bar_chart_svg(
    analysis: Analysis,
    *,
    title: str,
    description: str,
    id_prefix: str = "lq-chart",
) -> str:
    """An accessible horizontal bar chart of each sector's LQ, largest first.

    Only sectors the area employs people in are drawn (an LQ of 0 has no bar to show). A dashed
    line marks LQ = 1, the national average. ``id_prefix`` keeps element ids unique when a page
    shows more than one chart.
    """
    if not _ID.fullmatch(id_prefix):
        raise ValueError("id_prefix must be a letter followed by letters, digits, - or _")
    sectors = [
        sector
        for sector in sort_sectors(analysis.sectors, "location_quotient", descending=True)
        if sector.area_employment > 0 and sector.location_quotient is not None
    ]
    plot_left = _MARGIN
    plot_width = _WIDTH - 2 * _MARGIN - _VALUE_SPACE
    maximum = max([1.0, *(sector.location_quotient or 0.0 for sector in sectors)])
    step = _axis_step(maximum)
    axis_max = math.ceil(maximum / step) * step

    def x(lq: float) -> float:
        return plot_left + plot_width * lq / axis_max

    rows_bottom = _TOP + _ROW_HEIGHT * max(len(sectors), 1)
    axis_y = rows_bottom + 4
    legend_top = axis_y + 50
    height = legend_top + 3 * 26 + _MARGIN

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="app-lq-chart" '
        f'font-family="arial, sans-serif" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{_text(title)}</title>',
        f'<desc id="{desc_id}">{_text(description)}</desc>',
        *_patterns(id_prefix),
        f'<rect width="{_WIDTH}" height="{height}" fill="{BACKGROUND}"/>',
    ]

    if not sectors:
        parts.append(
            f'<text x="{_MARGIN}" y="{_TOP + 20}" font-size="{_LABEL_SIZE}">'
            "No sector has any employment in the area.</text>"
        )

    # Bars first, then the reference line over them (so a long bar never hides it), then the
    # text with a white halo, so the dashed line never runs through a number or a name.
    bars: list[str] = []
    labels: list[str] = []
    for index, sector in enumerate(sectors):
        lq = sector.location_quotient or 0.0
        top = _TOP + index * _ROW_HEIGHT
        bar_top = top + 20
        bar_width = max(x(lq) - plot_left, 1.0)
        value = f"{lq:.2f}"
        marker = _marker(sector)
        tooltip = f"{sector.section} {sector.name}: LQ {value} {marker}".strip()
        bars.append(
            f'<rect x="{plot_left}" y="{bar_top}" width="{_number(bar_width)}" '
            f'height="{_BAR_HEIGHT}" fill="{_fill(sector, id_prefix)}" '
            f'stroke="{BAR_COLOUR}" stroke-width="1"><title>{_text(tooltip)}</title></rect>'
        )
        labels.append(
            f'<text x="{plot_left}" y="{top + 14}" font-size="{_LABEL_SIZE}"{_HALO}>'
            f"{_text(_label(sector))}</text>"
        )
        weight = ' font-weight="bold"' if marker else ""
        labels.append(
            f'<text x="{_number(plot_left + bar_width + 6)}" y="{bar_top + 14}" '
            f'font-size="{_LABEL_SIZE}"{weight}{_HALO}>'
            f"{_text(' '.join(filter(None, [value, marker])))}</text>"
        )
    parts.extend(bars)

    parts.append(
        f'<line x1="{plot_left}" y1="{axis_y}" x2="{_number(x(axis_max))}" y2="{axis_y}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    tick = 0.0
    while tick <= axis_max + 1e-9:
        tick_x = _number(x(tick))
        parts.append(
            f'<line x1="{tick_x}" y1="{axis_y}" x2="{tick_x}" y2="{axis_y + 5}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{tick_x}" y="{axis_y + 19}" font-size="{_SMALL_SIZE}" '
            f'text-anchor="middle">{tick:g}</text>'
        )
        tick += step
    parts.append(
        f'<text x="{plot_left}" y="{axis_y + 36}" font-size="{_SMALL_SIZE}">'
        "Location quotient (LQ)</text>"
    )
    one = _number(x(1.0))
    parts.append(
        f'<line x1="{one}" y1="{_TOP - 10}" x2="{one}" y2="{axis_y}" stroke="{TEXT_COLOUR}" '
        'stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(
        # Anchored at the start: centred, it would run off the left edge when LQs are large.
        f'<text x="{_number(x(1.0) + 4)}" y="{_TOP - 16}" font-size="{_SMALL_SIZE}">'
        "LQ = 1 (national average)</text>"
    )
    parts.extend(labels)

    legend = [
        (BAR_COLOUR, "Sector"),
        (
            f"url(#{id_prefix}-specialism)",
            f"{SPECIALISM_MARKER}: LQ of at least {analysis.specialism_threshold:g} and at least "
            f"{analysis.minimum_employment:,} employed",
        ),
        (
            f"url(#{id_prefix}-super)",
            f"{SUPER_STRENGTH_MARKER}: a specialism more productive than the sector nationally",
        ),
    ]
    for index, (fill, text) in enumerate(legend):
        top = legend_top + index * 26
        parts.append(
            f'<rect x="{_MARGIN}" y="{top}" width="28" height="{_BAR_HEIGHT}" fill="{fill}" '
            f'stroke="{BAR_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_MARGIN + 38}" y="{top + 14}" font-size="{_SMALL_SIZE}">'
            f"{_text(text)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
