"""Writes for the evidence base and key performance indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from lepportal.core.exceptions import ApplicationError

from ..models import (
    EvidenceBlock,
    EvidenceDataset,
    Kpi,
    KpiReading,
    Priority,
    Section,
    SectorFigure,
    Strategy,
)
from ..services import section_revise
from .blocks import figures_to_json
from .parsing import DatasetError, ParsedDataset, SectorFigures, parse_dataset


class DatasetRejected(ApplicationError):
    """The upload broke the format; ``problems`` names each line and column."""

    def __init__(self, error: DatasetError) -> None:
        super().__init__("The file was not saved because of the problems listed.")
        self.problems = error.errors


def dataset_parse(*, data: bytes) -> ParsedDataset:
    try:
        return parse_dataset(data, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    except DatasetError as error:
        raise DatasetRejected(error) from error


@transaction.atomic
def dataset_upload(
    *,
    organisation: Organisation,
    year: int,
    nation: str,
    source_note: str,
    data: bytes,
    file_name: str,
    author: Any,
) -> EvidenceDataset:
    """Validate and store a dataset. A year already uploaded is replaced as a whole, in one
    transaction: readers see either the old figures or the new, never a mixture. A rejected
    file changes nothing."""
    parsed = dataset_parse(data=data)
    dataset, _ = EvidenceDataset.objects.select_for_update().get_or_create(
        organisation=organisation,
        year=year,
        defaults={"source_note": source_note, "uploaded_at": timezone.now(), "nation": nation},
    )
    dataset.nation = nation
    dataset.source_note = source_note.strip()
    dataset.productivity_basis = parsed.productivity_basis or ""
    dataset.uploaded_by = author
    dataset.uploaded_at = timezone.now()
    dataset.file_name = file_name[:255]
    dataset.full_clean()
    dataset.save()
    dataset.figures.all().delete()
    SectorFigure.objects.bulk_create(
        SectorFigure(
            dataset=dataset,
            section=row.section,
            area_employment=row.area_employment,
            national_employment=row.national_employment,
            area_gva=row.area_gva,
            national_gva=row.national_gva,
            area_hours_or_jobs=row.area_hours_or_jobs,
            national_hours_or_jobs=row.national_hours_or_jobs,
        )
        for row in parsed.rows
    )
    return dataset


def dataset_rows(dataset: EvidenceDataset) -> list[SectorFigures]:
    return [
        SectorFigures(
            section=figure.section,
            area_employment=figure.area_employment,
            national_employment=figure.national_employment,
            area_gva=figure.area_gva,
            national_gva=figure.national_gva,
            area_hours_or_jobs=figure.area_hours_or_jobs,
            national_hours_or_jobs=figure.national_hours_or_jobs,
        )
        for figure in dataset.figures.all()
    ]


@transaction.atomic
def evidence_place(
    *, dataset: EvidenceDataset, kind: str, section: Section, author: Any
) -> EvidenceBlock:
    """Freeze the dataset's figures as a block and add it to the end of a section, as a new
    revision of that section (so it is versioned with the section's text)."""
    if section.strategy.organisation_id != dataset.organisation_id:
        raise ApplicationError("Evidence can only be placed in your own organisation's strategy.")
    if kind not in EvidenceBlock.Kind.values:
        raise ApplicationError("Choose what to place: the table, the chart or the strengths.")
    block = EvidenceBlock.objects.create(
        organisation_id=dataset.organisation_id,
        dataset=dataset,
        kind=kind,
        year=dataset.year,
        nation=dataset.nation,
        source_note=dataset.source_note,
        productivity_basis=dataset.productivity_basis,
        specialism_threshold=Decimal(str(settings.EVIDENCE_SPECIALISM_THRESHOLD)),
        minimum_employment=settings.EVIDENCE_MINIMUM_EMPLOYMENT,
        figures=figures_to_json(dataset_rows(dataset)),
        created_by=author,
    )
    section.refresh_from_db()
    body = section.body.rstrip()
    section_revise(
        section=section,
        title=section.title,
        body=f"{body}\n\n{block.shortcode}\n" if body else f"{block.shortcode}\n",
        author=author,
        base_revision=section.latest_revision,
        note=f"Placed evidence: {block.get_kind_display().lower()} ({dataset.year})",
    )
    return block


def kpi_save(
    *,
    strategy: Strategy,
    name: str,
    unit: str,
    baseline_value: Decimal,
    baseline_date: date,
    target_value: Decimal,
    target_date: date,
    priority: Priority | None,
    kpi: Kpi | None = None,
) -> Kpi:
    if target_date <= baseline_date:
        raise ApplicationError("The target date must be after the baseline date.")
    if priority is not None and priority.strategy_id != strategy.pk:
        raise ApplicationError("That priority belongs to another strategy.")
    if kpi is None:
        kpi = Kpi(strategy=strategy, position=strategy.kpis.count() + 1)
    kpi.name, kpi.unit, kpi.priority = name.strip(), unit.strip(), priority
    kpi.baseline_value, kpi.baseline_date = baseline_value, baseline_date
    kpi.target_value, kpi.target_date = target_value, target_date
    kpi.full_clean()
    kpi.save()
    return kpi


def kpi_reading_add(*, kpi: Kpi, on: date, value: Decimal, note: str, author: Any) -> KpiReading:
    if on < kpi.baseline_date:
        raise ApplicationError("A reading cannot be dated before the baseline.")
    if on > timezone.localdate():
        raise ApplicationError("A reading cannot be dated in the future.")
    reading = KpiReading(kpi=kpi, date=on, value=value, note=note.strip(), recorded_by=author)
    reading.full_clean()
    reading.save()
    return reading


def kpi_reading_delete(*, reading: KpiReading) -> None:
    reading.delete()
