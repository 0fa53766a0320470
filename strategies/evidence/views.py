from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import ensure_permission
from lepportal.core.spreadsheets import csv_writer

from .. import selectors
from ..kpis import KpiStatus, Reading, kpi_status
from ..models import EvidenceDataset, Kpi, KpiReading, Section, Strategy
from . import forms, services
from .analysis import analyse, sort_sectors
from .charts import lq_bar_chart_svg
from .parsing import CSV_FORMAT_HELP

DATA_DIR = Path(__file__).resolve().parent / "data"
SORTABLE = {
    "sector": "section",
    "jobs": "area_employment",
    "share": "area_share",
    "lq": "location_quotient",
    "productivity": "productivity",
}


def _organisation(request: HttpRequest, org: str, perm: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=org)
    ensure_permission(request, perm, organisation)
    return organisation


@require_GET
def csv_file(request: HttpRequest, name: str) -> FileResponse:
    if name not in {"template", "example"}:
        raise Http404
    return FileResponse(
        (DATA_DIR / f"{name}.csv").open("rb"),
        as_attachment=True,
        filename=f"evidence-{name}.csv",
        content_type="text/csv",
    )


@require_http_methods(["GET", "POST"])
def datasets(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org, "strategies.view_evidence")
    can_upload = request.user.has_perm("strategies.upload_evidence", organisation)
    form = forms.DatasetUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems = None
    if request.method == "POST":
        ensure_permission(request, "strategies.upload_evidence", organisation)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.EVIDENCE_MAX_UPLOAD_BYTES:
                form.add_error("file", "The file is larger than 1 MB. Nothing was saved.")
            else:
                try:
                    dataset = services.dataset_upload(
                        organisation=organisation,
                        year=form.cleaned_data["year"],
                        nation=form.cleaned_data["nation"],
                        source_note=form.cleaned_data["source_note"],
                        data=upload.read(),
                        file_name=upload.name,
                        author=request.user,
                    )
                except services.DatasetRejected as rejected:
                    problems = rejected.problems
                    form.add_error("file", rejected.message)
                else:
                    messages.success(
                        request, f"The {dataset.year} figures have been saved and analysed."
                    )
                    return redirect("strategies:evidence_dataset", org=org, year=dataset.year)
    return render(
        request,
        "strategies/evidence/datasets.html",
        {
            "organisation": organisation,
            "form": form,
            "problems": problems,
            "can_upload": can_upload,
            "format_help": CSV_FORMAT_HELP,
            "datasets": organisation.evidence_datasets.select_related("uploaded_by"),
        },
    )


def _placeable_sections(organisation: Organisation) -> list[Section]:
    return list(
        Section.objects.filter(
            strategy__organisation=organisation,
            removed_at__isnull=True,
        )
        .exclude(strategy__status=Strategy.Status.ARCHIVED)
        .select_related("strategy", "latest_revision")
        .order_by("strategy__title", "position")
    )


@require_http_methods(["GET", "POST"])
def dataset_detail(request: HttpRequest, org: str, year: int) -> HttpResponse:
    organisation = _organisation(request, org, "strategies.view_evidence")
    dataset = get_object_or_404(EvidenceDataset, organisation=organisation, year=year)
    can_place = request.user.has_perm("strategies.upload_evidence", organisation)
    place_form = forms.EvidencePlaceForm(
        request.POST if request.method == "POST" else None,
        sections=_placeable_sections(organisation) if can_place else [],
    )
    if request.method == "POST":
        ensure_permission(request, "strategies.upload_evidence", organisation)
        if place_form.is_valid():
            section = place_form.cleaned_data["section"]
            try:
                services.evidence_place(
                    dataset=dataset,
                    kind=place_form.cleaned_data["kind"],
                    section=section,
                    author=request.user,
                )
            except ApplicationError as error:
                place_form.add_error(None, error.message)
            else:
                messages.success(request, f"The evidence has been placed in “{section.title}”.")
                return redirect(
                    "strategies:section_edit", org=org, slug=section.strategy.slug, pk=section.pk
                )
    analysis = analyse(
        services.dataset_rows(dataset),
        productivity_basis=dataset.productivity_basis or None,
        specialism_threshold=settings.EVIDENCE_SPECIALISM_THRESHOLD,
        minimum_employment=settings.EVIDENCE_MINIMUM_EMPLOYMENT,
    )
    sort = request.GET.get("sort", "lq")
    order = request.GET.get("order", "desc" if sort != "sector" else "asc")
    sectors = sort_sectors(
        analysis.sectors, SORTABLE.get(sort, "location_quotient"), descending=order == "desc"
    )
    chart = lq_bar_chart_svg(
        analysis,
        title=f"Location quotients by sector in {organisation.name}, {dataset.year}",
        description="Bars show each sector's location quotient against the national average "
        "of 1, marked by a line. Specialisms and super strengths are named in the labels. The "
        "same figures are in the table below.",
    )
    return render(
        request,
        "strategies/evidence/dataset.html",
        {
            "organisation": organisation,
            "dataset": dataset,
            "analysis": analysis,
            "sectors": sectors,
            "chart": chart,
            "sort": sort,
            "order": order,
            "place_form": place_form if can_place else None,
            "threshold": settings.EVIDENCE_SPECIALISM_THRESHOLD,
            "minimum": settings.EVIDENCE_MINIMUM_EMPLOYMENT,
        },
    )


# Key performance indicators --------------------------------------------------------------


def _strategy(request: HttpRequest, org: str, slug: str, perm: str) -> Strategy:
    strategy = selectors.strategy_get(organisation_slug=org, slug=slug)
    if strategy is None:
        raise Http404
    ensure_permission(request, perm, strategy)
    return strategy


def kpi_rows(strategy: Strategy) -> list[dict[str, Any]]:
    """Each indicator with its readings and derived status (two queries)."""
    rows = []
    for kpi in strategy.kpis.select_related("priority").prefetch_related("readings"):
        readings = list(kpi.readings.all())
        status = kpi_status(
            baseline_value=kpi.baseline_value,
            baseline_date=kpi.baseline_date,
            target_value=kpi.target_value,
            target_date=kpi.target_date,
            readings=[Reading(date=r.date, value=r.value) for r in readings],
        )
        rows.append(
            {
                "kpi": kpi,
                "readings": readings,
                "latest": readings[-1] if readings else None,
                "status": status.value,
                "status_key": status.name.lower().replace("_", "-"),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def kpis(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    form = forms.KpiForm(
        request.POST if request.method == "POST" else None, priorities=strategy.priorities.all()
    )
    if request.method == "POST":
        ensure_permission(request, "strategies.edit_strategy", strategy)
        if form.is_valid():
            try:
                services.kpi_save(strategy=strategy, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The indicator has been added.")
                return redirect("strategies:kpis", org=org, slug=slug)
    return render(
        request,
        "strategies/evidence/kpis.html",
        {
            "strategy": strategy,
            "organisation": strategy.organisation,
            "rows": kpi_rows(strategy),
            "form": form,
            "can_edit": request.user.has_perm("strategies.edit_strategy", strategy),
        },
    )


@require_http_methods(["GET", "POST"])
def kpi_detail(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    kpi = get_object_or_404(Kpi.objects.select_related("priority"), pk=pk, strategy=strategy)
    form = forms.KpiReadingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ensure_permission(request, "strategies.edit_strategy", strategy)
        if "delete" in request.POST:
            reading = get_object_or_404(KpiReading, pk=request.POST.get("delete"), kpi=kpi)
            services.kpi_reading_delete(reading=reading)
            messages.success(request, "The reading has been deleted.")
            return redirect("strategies:kpi", org=org, slug=slug, pk=pk)
        if form.is_valid():
            try:
                services.kpi_reading_add(
                    kpi=kpi,
                    on=form.cleaned_data["date"],
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                    author=request.user,
                )
            except ApplicationError as error:
                form.add_error("date", error.message)
            else:
                messages.success(request, "The reading has been added.")
                return redirect("strategies:kpi", org=org, slug=slug, pk=pk)
    row = next(r for r in kpi_rows(strategy) if r["kpi"].pk == kpi.pk)
    return render(
        request,
        "strategies/evidence/kpi.html",
        {
            "strategy": strategy,
            "organisation": strategy.organisation,
            "row": row,
            "kpi": kpi,
            "form": form,
            "can_edit": request.user.has_perm("strategies.edit_strategy", strategy),
        },
    )


@require_GET
def kpis_csv(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_published")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{strategy.slug}-kpis.csv"'
    writer = csv_writer(response)  # names, units and notes: no cell may run as a formula
    writer.writerow(
        [
            "indicator",
            "unit",
            "priority",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "status",
            "reading_date",
            "reading_value",
            "reading_note",
        ]
    )
    for row in kpi_rows(strategy):
        kpi = row["kpi"]
        base = [
            kpi.name,
            kpi.unit,
            kpi.priority.title if kpi.priority else "",
            kpi.baseline_value,
            kpi.baseline_date.isoformat(),
            kpi.target_value,
            kpi.target_date.isoformat(),
            row["status"],
        ]
        for reading in row["readings"] or [None]:
            writer.writerow(
                base
                + (
                    [reading.date.isoformat(), reading.value, reading.note]
                    if reading
                    else ["", "", ""]
                )
            )
    return response


__all__ = ["KpiStatus"]
