"""Evidence blocks inside section text.

An editor places a block with a line of its own holding ``[[evidence:ID]]``. The block is an
immutable snapshot (``EvidenceBlock``), so versions and the published page keep showing what
was placed even after a new upload. Blocks render only inside their own organisation's
strategies: an id typed from another organisation shows nothing of it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .analysis import Analysis, analyse, sort_sectors
from .charts import lq_bar_chart_svg
from .parsing import SectorFigures

SHORTCODE = re.compile(r"\[\[evidence:(\d{1,12})\]\]")
RENDERED_SHORTCODE = re.compile(r'<p class="govuk-body">\[\[evidence:(\d{1,12})\]\]</p>')


def block_ids(bodies: Iterable[str]) -> set[int]:
    return {int(match) for body in bodies for match in SHORTCODE.findall(body or "")}


def figures_to_json(rows: Iterable[SectorFigures]) -> list[dict[str, str | None]]:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "section": row.section,
            "area_employment": text(row.area_employment),
            "national_employment": text(row.national_employment),
            "area_gva": text(row.area_gva),
            "national_gva": text(row.national_gva),
            "area_hours_or_jobs": text(row.area_hours_or_jobs),
            "national_hours_or_jobs": text(row.national_hours_or_jobs),
        }
        for row in rows
    ]


def figures_from_json(data: list[dict[str, str | None]]) -> list[SectorFigures]:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return [
        SectorFigures(
            section=str(row["section"]),
            area_employment=Decimal(str(row["area_employment"])),
            national_employment=Decimal(str(row["national_employment"])),
            area_gva=number(row.get("area_gva")),
            national_gva=number(row.get("national_gva")),
            area_hours_or_jobs=number(row.get("area_hours_or_jobs")),
            national_hours_or_jobs=number(row.get("national_hours_or_jobs")),
        )
        for row in data
    ]


def block_analysis(block: object) -> Analysis:
    return analyse(
        figures_from_json(block.figures),  # type: ignore[attr-defined]
        productivity_basis=block.productivity_basis or None,  # type: ignore[attr-defined]
        specialism_threshold=float(block.specialism_threshold),  # type: ignore[attr-defined]
        minimum_employment=int(block.minimum_employment),  # type: ignore[attr-defined]
    )


def render_block(block: object) -> SafeString:
    analysis = block_analysis(block)
    chart = ""
    if block.kind == "chart":  # type: ignore[attr-defined]
        chart = lq_bar_chart_svg(
            analysis,
            title=f"Location quotients by sector, {block.year}",  # type: ignore[attr-defined]
            description="Bars show each sector's location quotient; the line marks 1, the "
            "national average. Specialisms and super strengths are named in the labels. The "
            "same figures are in the table that follows.",
            id_prefix=f"evidence-{block.pk}",  # type: ignore[attr-defined]
        )
    html = render_to_string(
        "strategies/evidence/block.html",
        {
            "block": block,
            "analysis": analysis,
            "chart": mark_safe(chart),  # noqa: S308
            "sectors": sort_sectors(analysis.sectors),
        },
    )
    return mark_safe(html)  # noqa: S308 - rendered by a template with autoescape on


def expand_blocks(html: str, blocks: dict[int, object]) -> SafeString:
    """Replace each placed shortcode in sanitised section HTML with its block."""

    def replace(match: re.Match[str]) -> str:
        block = blocks.get(int(match.group(1)))
        if block is None:
            return '<p class="govuk-body portal-muted">[Evidence not available]</p>'
        return str(render_block(block))

    return mark_safe(RENDERED_SHORTCODE.sub(replace, html))  # noqa: S308 - see render_block
