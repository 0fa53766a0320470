from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString

from accounts.models import Organisation

from .constants import Foundation, GrandChallenge, PlaceKind
from .evidence.blocks import block_ids, expand_blocks
from .markdown import render_markdown
from .models import (
    EvidenceBlock,
    Priority,
    Section,
    SectionRevision,
    Strategy,
    StrategyVersion,
    VersionSection,
)


@dataclass(frozen=True)
class RenderedSection:
    anchor: str
    title: str
    html: SafeString
    kind: str


def strategy_get(*, organisation_slug: str, slug: str) -> Strategy | None:
    return (
        Strategy.objects.select_related("organisation", "published_version")
        .filter(organisation__slug=organisation_slug, slug=slug)
        .first()
    )


def live_sections(strategy: Strategy) -> QuerySet[Section]:
    return (
        strategy.sections.filter(removed_at__isnull=True)
        .select_related("latest_revision", "latest_revision__author")
        .order_by("position", "pk")
    )


def section_revisions(section: Section) -> QuerySet[SectionRevision]:
    return section.revisions.select_related("author").order_by("-number")


def strategy_versions(strategy: Strategy) -> QuerySet[StrategyVersion]:
    return strategy.versions.select_related("created_by").order_by("-number")


def version_sections(version: StrategyVersion) -> QuerySet[VersionSection]:
    return version.sections.order_by("position")


def render_sections(sections: Any, *, organisation_id: int) -> list[RenderedSection]:
    """Sections (live or from a version) with their Markdown rendered and sanitised, and the
    organisation's evidence blocks expanded (fetched in one query for the whole document)."""
    sections = list(sections)
    wanted = block_ids(s.body for s in sections)
    blocks: dict[int, EvidenceBlock] = {}
    if wanted:
        blocks = {
            block.pk: block
            for block in EvidenceBlock.objects.filter(
                organisation_id=organisation_id, pk__in=wanted
            )
        }
    return [
        RenderedSection(
            anchor=s.anchor,
            title=s.title,
            html=expand_blocks(render_markdown(s.body), blocks),
            kind=s.kind,
        )
        for s in sections
    ]


@dataclass(frozen=True)
class AlignmentRow:
    priority: str
    marks: list[bool]


@dataclass(frozen=True)
class AlignmentTable:
    caption: str
    columns: list[str]
    rows: list[AlignmentRow]
    gaps: list[str]


def alignment(priorities: list[Priority] | list[dict[str, Any]]) -> list[AlignmentTable]:
    """Priorities against foundations, Grand Challenges and kinds of place, naming the gaps."""

    def tags(priority: Any, field: str) -> list[str]:
        return priority[field] if isinstance(priority, dict) else getattr(priority, field)

    def title(priority: Any) -> str:
        return priority["title"] if isinstance(priority, dict) else priority.title

    tables = []
    for caption, choices, field in (
        ("Priorities and the foundations of productivity", Foundation, "foundations"),
        ("Priorities and the Grand Challenges", GrandChallenge, "grand_challenges"),
        ("Priorities and the kinds of place", PlaceKind, "place_kinds"),
    ):
        rows = [
            AlignmentRow(
                priority=title(p), marks=[value in tags(p, field) for value in choices.values]
            )
            for p in priorities
        ]
        gaps = [
            label
            for index, label in enumerate(choices.labels)
            if not any(row.marks[index] for row in rows)
        ]
        tables.append(
            AlignmentTable(caption=caption, columns=list(choices.labels), rows=rows, gaps=gaps)
        )
    return tables


@dataclass(frozen=True)
class TrackerRow:
    organisation: Organisation
    strategy: Strategy | None

    @property
    def stage(self) -> str:
        return self.strategy.get_status_display() if self.strategy else "Not started"

    @property
    def stage_value(self) -> str:
        return self.strategy.status if self.strategy else "not-started"


def tracker_rows(*, wave: int | None = None, stage: str | None = None) -> list[TrackerRow]:
    """Every organisation with its current strategy (the newest that is not archived, else the
    newest), in two queries whatever the number of organisations."""
    organisations = Organisation.objects.order_by("name").prefetch_related(
        Prefetch(
            "strategies",
            queryset=Strategy.objects.select_related("published_version").order_by("-created_at"),
        )
    )
    if wave:
        organisations = organisations.filter(wave=wave)
    rows = []
    for organisation in organisations:
        strategies = list(organisation.strategies.all())
        current = next((s for s in strategies if s.status != Strategy.Status.ARCHIVED), None)
        row = TrackerRow(organisation=organisation, strategy=current or (strategies or [None])[0])
        if stage and row.stage_value != stage:
            continue
        rows.append(row)
    return rows
