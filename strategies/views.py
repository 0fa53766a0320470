from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import cache
from importlib import import_module
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.cache import cache as django_cache
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import ensure_permission
from lepportal.core.spreadsheets import csv_writer

from . import forms, selectors, services
from .diff import diff_stats, render_diff, word_diff
from .evidence.views import kpi_rows
from .export_services import TaskQueueUnavailable, version_export_request
from .markdown import render_markdown
from .models import (
    Kpi,
    KpiReading,
    Priority,
    Section,
    SectionDraft,
    SectionRevision,
    Strategy,
    StrategyVersion,
    VersionExport,
)

Status = Strategy.Status
logger = logging.getLogger(__name__)


def _strategy(request: HttpRequest, org: str, slug: str, perm: str) -> Strategy:
    strategy = selectors.strategy_get(organisation_slug=org, slug=slug)
    if strategy is None:
        raise Http404
    ensure_permission(request, perm, strategy)
    return strategy


def _section(strategy: Strategy, pk: int) -> Section:
    return get_object_or_404(
        Section.objects.select_related("latest_revision", "latest_revision__author"),
        pk=pk,
        strategy=strategy,
        removed_at__isnull=True,
    )


def _context(request: HttpRequest, strategy: Strategy, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "strategy": strategy,
        "organisation": strategy.organisation,
        "can_edit": user.has_perm("strategies.edit_strategy", strategy),
        "is_lead": user.has_perm("strategies.lead_strategy", strategy),
        **extra,
    }


def _export_urls(strategy: Strategy, version: StrategyVersion) -> list[tuple[str, str]]:
    kwargs = {"org": strategy.organisation.slug, "slug": strategy.slug, "number": version.number}
    return [
        (
            f"Download version {version.number} as {label}",
            reverse("strategies:version_export", kwargs={**kwargs, "fmt": fmt}),
        )
        for fmt, label in (("pdf", "PDF (tagged for accessibility)"), ("docx", "Word (DOCX)"))
    ]


# Public pages -----------------------------------------------------------------------------


@require_GET
def organisation_strategies(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=org)
    strategies = organisation.strategies.select_related("published_version").order_by("-created_at")
    user = request.user
    visible = [
        (s, user.has_perm("strategies.view_draft", s))
        for s in strategies
        if user.has_perm("strategies.view_published", s)
    ]
    return render(
        request,
        "strategies/organisation_strategies.html",
        {
            "organisation": organisation,
            "strategies": visible,
            "can_create": request.user.has_perm("strategies.create_strategy", organisation),
        },
    )


# What the cached parts of the public page are made from: a change to any of these (a
# deployment) must not serve HTML rendered by the previous code from a shared cache.
PUBLIC_PAGE_TEMPLATES = (
    "strategies/includes/document.html",
    "strategies/includes/priorities_table.html",
    "strategies/includes/public_indicators.html",
    "strategies/evidence/block.html",
    "strategies/evidence/sector_table.html",
    "strategies/evidence/kpi_table.html",
)
PUBLIC_PAGE_MODULES = (
    "strategies.selectors",
    "strategies.markdown",
    "strategies.constants",
    "strategies.kpis",
    "strategies.templatetags.strategy_tags",
    "strategies.evidence.analysis",
    "strategies.evidence.blocks",
    "strategies.evidence.charts",
    "strategies.evidence.views",
)
PUBLIC_PAGE_PACKAGES = ("Django", "markdown-it-py", "nh3")
PUBLIC_PAGE_CACHE_SECONDS = 60 * 60 * 24
# Everything an indicator row can show: every column of the indicator, its priority's title
# and every column of its readings. The cached table is keyed by these values themselves.
INDICATOR_COLUMNS = (
    *(f.attname for f in Kpi._meta.concrete_fields),
    "priority__title",
    *(f"readings__{f.attname}" for f in KpiReading._meta.concrete_fields),
)


@cache
def rendering_key() -> str:
    """A digest of the templates, code and libraries that render the public page's parts."""
    digest = hashlib.sha256()
    for name in PUBLIC_PAGE_TEMPLATES:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for module in PUBLIC_PAGE_MODULES:
        digest.update(Path(import_module(module).__file__ or "").read_bytes())
    for package in PUBLIC_PAGE_PACKAGES:
        digest.update(package_version(package).encode())
    return digest.hexdigest()[:16]


def _cached_html(key: str, render_html: Callable[[], str]) -> SafeString:
    """HTML from the cache, or rendered and kept. A cache outage must not take the public
    page with it: without a working cache the HTML is rendered on every request."""
    key = f"{key}:{rendering_key()}"
    try:
        html = django_cache.get(key)
    except Exception:
        logger.warning("Cache unavailable: rendering %s", key, exc_info=True)
        html = None
    if html is None:
        html = render_html()
        try:
            django_cache.set(key, html, PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unavailable: %s not kept", key, exc_info=True)
    return mark_safe(html)  # noqa: S308 - rendered by templates with autoescape on


def published_document_html(strategy: Strategy, version: StrategyVersion) -> SafeString:
    """The contents list, sections and priorities of a published version, as HTML.

    A version never changes once made (its sections and the evidence blocks they place are
    append-only), so its HTML is rendered once per version and kept in the cache. Nothing per
    request or per visitor is in it (no CSP nonce, no CSRF token, nothing about the user) and
    nothing live (status, indicators): the page adds those around it on every request."""
    # The moment the version was made, beside its id: a database recreated or restored from a
    # backup can give another version the same id, never the same id and moment.
    made = version.created_at.timestamp()
    return _cached_html(
        f"strategies:published-document:{version.pk}:{made}",
        lambda: render_to_string(
            "strategies/includes/document.html",
            {
                "sections": selectors.render_sections(
                    selectors.version_sections(version),
                    organisation_id=strategy.organisation_id,
                ),
                "priorities": version.priorities,
            },
        ),
    )


def published_indicators_html(strategy: Strategy) -> SafeString:
    """The "Measuring progress" section (empty without indicators). Indicators and readings
    change at any time, so the cached HTML is keyed by a digest of everything the table can
    show, read in one query: a change to any of it is a new key, seen on the next request."""
    values = list(
        Kpi.objects.filter(strategy=strategy)
        .order_by("position", "pk", "readings__date", "readings__pk")
        .values_list(*INDICATOR_COLUMNS)
    )
    if not values:
        return mark_safe("")
    digest = hashlib.sha256(
        repr((strategy.organisation.slug, strategy.slug, values)).encode()
    ).hexdigest()
    return _cached_html(
        f"strategies:published-indicators:{strategy.pk}:{digest}",
        lambda: render_to_string(
            "strategies/includes/public_indicators.html",
            {
                "organisation": strategy.organisation,
                "strategy": strategy,
                "kpi_rows": kpi_rows(strategy),
            },
        ),
    )


@require_GET
def strategy_public(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = selectors.strategy_get(organisation_slug=org, slug=slug)
    if strategy is None:
        raise Http404
    can_read_draft = request.user.has_perm("strategies.view_draft", strategy)
    if strategy.published_version is None:
        if can_read_draft:
            return redirect(strategy.get_draft_url())
        raise Http404
    version = strategy.published_version
    return render(
        request,
        "strategies/public.html",
        {
            "strategy": strategy,
            "organisation": strategy.organisation,
            "version": version,
            "document": published_document_html(strategy, version),
            "indicators": published_indicators_html(strategy),
            "export_urls": _export_urls(strategy, version),
            "can_read_draft": can_read_draft,
        },
    )


@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    wave = request.GET.get("wave", "")
    stage = request.GET.get("stage", "")
    wave_value = int(wave) if wave in {"1", "2", "3"} else None
    stages = [("not-started", "Not started"), *Status.choices]
    stage_value = stage if stage in dict(stages) else None
    rows = selectors.tracker_rows(wave=wave_value, stage=stage_value)
    sort = request.GET.get("sort", "name")
    keys = {
        "name": lambda r: r.organisation.name,
        "wave": lambda r: (r.organisation.wave or 9, r.organisation.name),
        "stage": lambda r: (r.stage, r.organisation.name),
        "updated": lambda r: r.strategy.updated_at.timestamp() if r.strategy else 0,
    }
    rows.sort(key=keys.get(sort, keys["name"]), reverse=sort == "updated")
    return render(
        request,
        "strategies/tracker.html",
        {
            "rows": rows,
            "wave": wave_value,
            "stage": stage_value,
            "stages": stages,
            "sort": sort if sort in keys else "name",
            "waves_choices": [(1, "Wave 1"), (2, "Wave 2"), (3, "Wave 3")],
            "columns": [
                ("name", "Partnership"),
                ("wave", "Wave"),
                ("stage", "Stage"),
                ("updated", "Last updated"),
                ("", "Published"),
            ],
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def tracker_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = selectors.tracker_rows()
    writer = csv_writer(_Echo())  # no cell may run as a formula
    base = request.build_absolute_uri("/")[:-1]

    def lines() -> Any:
        yield writer.writerow(
            [
                "organisation",
                "ons_code",
                "wave",
                "strategy",
                "stage",
                "last_updated",
                "published_on",
                "published_url",
            ]
        )
        for row in rows:
            strategy = row.strategy
            yield writer.writerow(
                [
                    row.organisation.name,
                    row.organisation.ons_code or "",
                    row.organisation.wave or "",
                    strategy.title if strategy else "",
                    row.stage,
                    strategy.updated_at.date().isoformat() if strategy else "",
                    strategy.published_at.date().isoformat()
                    if strategy and strategy.published_at
                    else "",
                    base + strategy.get_absolute_url()
                    if strategy and strategy.published_version_id
                    else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lis-progress.csv"'
    return response


# Drafting -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def strategy_create(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=org)
    ensure_permission(request, "strategies.create_strategy", organisation)
    form = forms.StrategyCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(
                organisation=organisation, title=form.cleaned_data["title"], author=request.user
            )
        except ApplicationError as error:
            form.add_error("title", error.message)
        else:
            messages.success(request, "The strategy has been created with the standard sections.")
            return redirect(strategy.get_draft_url())
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": f"Start a strategy for {organisation.name}",
            "back_url": reverse("strategies:organisation", kwargs={"org": org}),
        },
    )


@require_GET
def strategy_draft(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    sections = list(selectors.live_sections(strategy))
    return render(
        request,
        "strategies/draft.html",
        _context(
            request,
            strategy,
            sections=sections,
            transitions=services.transitions_available(strategy, request.user),
            events=strategy.events.select_related("actor", "version")[:50],
            versions=selectors.strategy_versions(strategy)[:5],
            add_form=forms.SectionAddForm(),
        ),
    )


@require_GET
def strategy_preview(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """The current draft as the public would see it once published."""
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    return render(
        request,
        "strategies/draft_document.html",
        _context(
            request,
            strategy,
            sections=selectors.render_sections(
                selectors.live_sections(strategy), organisation_id=strategy.organisation_id
            ),
            priorities=list(strategy.priorities.all()),
        ),
    )


@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    form = forms.SectionAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.section_add(
                strategy=strategy, title=form.cleaned_data["title"], author=request.user
            )
        except ApplicationError as error:
            form.add_error("title", error.message)
        else:
            messages.success(request, f"“{section.title}” has been added at the end.")
            return redirect("strategies:section_edit", org=org, slug=slug, pk=section.pk)
    return render(
        request,
        "accounts/form_page.html",
        {"form": form, "title": "Add a section", "back_url": strategy.get_draft_url()},
    )


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    latest = section.latest_revision
    autosaved = SectionDraft.objects.filter(section=section, user=request.user).first()
    preview = None
    if request.method == "POST":
        form = forms.SectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = render_markdown(data["body"])
            else:
                base = _revision_or_none(section, data["base_revision"])
                try:
                    revision = services.section_revise(
                        section=section,
                        title=data["title"],
                        body=data["body"],
                        author=request.user,
                        base_revision=base,
                    )
                except services.EditConflict as conflict:
                    return _conflict_response(request, strategy, section, data, conflict.latest)
                except ApplicationError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request, f"“{revision.title}” saved as revision {revision.number}."
                    )
                    return redirect(strategy.get_draft_url() + f"#section-{section.pk}")
    elif autosaved is not None:
        form = forms.SectionForm(
            initial={
                "title": autosaved.title,
                "body": autosaved.body,
                "base_revision": autosaved.base_revision_id,
            }
        )
    else:
        form = forms.SectionForm(
            initial={
                "title": section.title,
                "body": section.body,
                "base_revision": latest.pk if latest else None,
            }
        )
    return render(
        request,
        "strategies/section_edit.html",
        _context(
            request,
            strategy,
            section=section,
            form=form,
            preview=preview,
            autosaved=autosaved if request.method == "GET" else None,
        ),
    )


def _revision_or_none(section: Section, pk: int | None) -> SectionRevision | None:
    if pk is None:
        return None
    revision = SectionRevision.objects.filter(pk=pk, section=section).first()
    if revision is None:
        # An id from another section is as stale as an old one: treat it as a conflict.
        return SectionRevision(pk=-1)
    return revision


def _conflict_response(
    request: HttpRequest,
    strategy: Strategy,
    section: Section,
    data: dict[str, Any],
    latest: SectionRevision | None,
) -> HttpResponse:
    theirs = latest.body if latest else ""
    merge_form = forms.SectionForm(
        initial={
            "title": data["title"],
            "body": data["body"],
            "base_revision": latest.pk if latest else None,
        }
    )
    return render(
        request,
        "strategies/section_conflict.html",
        _context(
            request,
            strategy,
            section=section,
            form=merge_form,
            latest=latest,
            your_text=data["body"],
            their_text=theirs,
            diff=render_diff(word_diff(theirs, data["body"])),
        ),
        status=409,
    )


@require_POST
def section_autosave(request: HttpRequest, org: str, slug: str, pk: int) -> JsonResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    form = forms.SectionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()}, status=400)
    base = _revision_or_none(section, form.cleaned_data["base_revision"])
    draft = services.section_autosave(
        section=section,
        user=request.user,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        base_revision=base if base and base.pk != -1 else None,
    )
    local = timezone.localtime(draft.updated_at)
    return JsonResponse({"saved": True, "at": local.strftime("%H:%M:%S")})


@require_POST
def section_discard_draft(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    services.section_discard_draft(section=section, user=request.user)
    messages.success(request, "Your unsaved changes have been discarded.")
    return redirect("strategies:section_edit", org=org, slug=slug, pk=pk)


@require_POST
def markdown_preview(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    _strategy(request, org, slug, "strategies.edit_strategy")
    body = request.POST.get("body", "")
    if len(body) > 200_000:
        return HttpResponse("The text is too long to preview.", status=400)
    return HttpResponse(render_markdown(body))


@require_POST
def section_move(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse("Say whether to move the section up or down.", status=400)
    try:
        services.section_move(section=section, offset=offset)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(strategy.get_draft_url() + f"#section-{section.pk}")


@require_http_methods(["GET", "POST"])
def section_remove(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    if request.method == "POST":
        try:
            services.section_remove(section=section)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"“{section.title}” has been removed. Earlier versions still include it."
            )
        return redirect(strategy.get_draft_url())
    return render(
        request, "strategies/section_remove.html", _context(request, strategy, section=section)
    )


@require_GET
def section_history(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    section = _section(strategy, pk)
    return render(
        request,
        "strategies/section_history.html",
        _context(
            request, strategy, section=section, revisions=selectors.section_revisions(section)
        ),
    )


@require_GET
def section_compare(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    section = _section(strategy, pk)
    revisions = {r.number: r for r in section.revisions.select_related("author")}
    try:
        old = revisions[int(request.GET.get("from", ""))]
        new = revisions[int(request.GET.get("to", ""))]
    except (KeyError, ValueError):
        messages.error(request, "Choose two revisions of this section to compare.")
        return redirect("strategies:section_history", org=org, slug=slug, pk=pk)
    chunks = word_diff(old.body, new.body)
    return render(
        request,
        "strategies/section_compare.html",
        _context(
            request,
            strategy,
            section=section,
            old=old,
            new=new,
            diff=render_diff(chunks),
            stats=diff_stats(chunks),
            title_changed=old.title != new.title,
        ),
    )


@require_POST
def section_restore(
    request: HttpRequest, org: str, slug: str, pk: int, number: int
) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    section = _section(strategy, pk)
    revision = get_object_or_404(SectionRevision, section=section, number=number)
    try:
        restored = services.section_restore(section=section, revision=revision, author=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Revision {number} has been restored as revision {restored.number}."
        )
    return redirect("strategies:section_history", org=org, slug=slug, pk=pk)


# Versions -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def versions(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    form = forms.VersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ensure_permission(request, "strategies.edit_strategy", strategy)
        if form.is_valid():
            try:
                version = services.version_create(
                    strategy=strategy, label=form.cleaned_data["label"], author=request.user
                )
            except ApplicationError as error:
                form.add_error("label", error.message)
            else:
                messages.success(request, f"Saved as version {version.number}: {version.label}.")
                return redirect("strategies:versions", org=org, slug=slug)
    all_versions = list(selectors.strategy_versions(strategy))
    return render(
        request,
        "strategies/versions.html",
        _context(request, strategy, versions=all_versions, form=form),
    )


def _version(strategy: Strategy, number: int) -> StrategyVersion:
    return get_object_or_404(
        StrategyVersion.objects.select_related("created_by"), strategy=strategy, number=number
    )


@require_GET
def version_detail(request: HttpRequest, org: str, slug: str, number: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    version = _version(strategy, number)
    return render(
        request,
        "strategies/draft_document.html",
        _context(
            request,
            strategy,
            version=version,
            sections=selectors.render_sections(
                selectors.version_sections(version), organisation_id=strategy.organisation_id
            ),
            priorities=version.priorities,
            export_urls=_export_urls(strategy, version),
        ),
    )


@require_GET
def version_compare(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    all_versions = {v.number: v for v in strategy.versions.all()}
    try:
        old = all_versions[int(request.GET.get("from", ""))]
        new = all_versions[int(request.GET.get("to", ""))]
    except (KeyError, ValueError):
        messages.error(request, "Choose two versions to compare.")
        return redirect("strategies:versions", org=org, slug=slug)
    old_sections = {s.anchor: s for s in selectors.version_sections(old)}
    new_sections = list(selectors.version_sections(new))
    rows = []
    for section in new_sections:
        before = old_sections.pop(section.anchor, None)
        chunks = word_diff(before.body if before else "", section.body)
        rows.append(
            {
                "title": section.title,
                "status": "added" if before is None else "kept",
                "old_title": before.title if before else "",
                "diff": render_diff(chunks),
                "stats": diff_stats(chunks),
            }
        )
    for before in old_sections.values():
        chunks = word_diff(before.body, "")
        rows.append(
            {
                "title": before.title,
                "status": "removed",
                "old_title": before.title,
                "diff": render_diff(chunks),
                "stats": diff_stats(chunks),
            }
        )
    return render(
        request,
        "strategies/version_compare.html",
        _context(request, strategy, old=old, new=new, rows=rows),
    )


# Workflow -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, org: str, slug: str, target: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.change_status")
    step = next(
        (t for t in services.transitions_available(strategy, request.user) if t.target == target),
        None,
    )
    if step is None:
        messages.error(
            request,
            f"You cannot make that change while the strategy is “{strategy.get_status_display()}”.",
        )
        return redirect(strategy.get_draft_url())
    publishing = target == Status.PUBLISHED
    version_list = list(selectors.strategy_versions(strategy)) if publishing else None
    form = forms.TransitionForm(
        request.POST if request.method == "POST" else None, versions=version_list
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = None
            if publishing:
                choice = form.cleaned_data["version"]
                version = (
                    services.version_create(
                        strategy=strategy, label="Published version", author=request.user
                    )
                    if choice == "new"
                    else _version(strategy, int(choice))
                )
            services.strategy_transition(
                strategy=strategy,
                target=target,
                actor=request.user,
                note=form.cleaned_data["note"],
                version=version,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"The strategy is now “{strategy.get_status_display()}”.")
            return redirect(strategy.get_draft_url())
    return render(
        request,
        "strategies/transition.html",
        _context(request, strategy, form=form, step=step),
    )


# Priorities and alignment ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def priorities(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    form = forms.PriorityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ensure_permission(request, "strategies.edit_strategy", strategy)
        if form.is_valid():
            try:
                services.priority_save(strategy=strategy, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The priority has been added.")
                return redirect("strategies:priorities", org=org, slug=slug)
    return render(
        request,
        "strategies/priorities.html",
        _context(request, strategy, priorities=list(strategy.priorities.all()), form=form),
    )


@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.edit_strategy")
    priority = get_object_or_404(Priority, pk=pk, strategy=strategy)
    if request.method == "POST" and "delete" in request.POST:
        services.priority_delete(priority=priority)
        messages.success(request, f"“{priority.title}” has been deleted.")
        return redirect("strategies:priorities", org=org, slug=slug)
    form = forms.PriorityForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title": priority.title,
            "description": priority.description,
            "foundations": priority.foundations,
            "grand_challenges": priority.grand_challenges,
            "place_kinds": priority.place_kinds,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_save(strategy=strategy, priority=priority, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The priority has been saved.")
            return redirect("strategies:priorities", org=org, slug=slug)
    return render(
        request,
        "strategies/priority_edit.html",
        _context(request, strategy, priority=priority, form=form),
    )


@require_GET
def alignment(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    strategy = _strategy(request, org, slug, "strategies.view_draft")
    priority_list = list(strategy.priorities.all())
    return render(
        request,
        "strategies/alignment.html",
        _context(
            request, strategy, tables=selectors.alignment(priority_list), priorities=priority_list
        ),
    )


# Exports -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def version_export(
    request: HttpRequest, org: str, slug: str, number: int, fmt: str
) -> HttpResponse:
    """Download a version as PDF or DOCX. The published version is public; other versions are
    for the organisation's staff. Files are made once by a worker and then served as they are."""
    strategy = selectors.strategy_get(organisation_slug=org, slug=slug)
    if strategy is None or fmt not in VersionExport.Format.values:
        raise Http404
    version = get_object_or_404(StrategyVersion, strategy=strategy, number=number)
    if version.pk != strategy.published_version_id:
        ensure_permission(request, "strategies.view_draft", strategy)
    try:
        export = version_export_request(version=version, fmt=fmt)
    except TaskQueueUnavailable as error:
        # The broker is down: say so and when to retry, rather than a 500 or a page that
        # waits for a file nobody is making.
        unavailable = render(request, "503.html", {"unavailable_reason": error.message}, status=503)
        unavailable["Retry-After"] = "60"
        return unavailable
    if export.state == VersionExport.State.READY:
        name = f"{strategy.organisation.slug}-{strategy.slug}-v{version.number}.{fmt}"
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
    return render(
        request,
        "strategies/export_status.html",
        {
            "strategy": strategy,
            "organisation": strategy.organisation,
            "version": version,
            "export": export,
        },
    )
