"""Pages of the compile engine: the report (with the buttons that compile it), the progress of
a compilation and its JSON status, the theme review, the “You said, we did” table, the
downloads, publishing, and the public outcome page.

Reading drafts of the report needs ``consultations.view_responses`` (the owning
organisation's lead, editors and viewers, and site administrators); starting, reviewing and
publishing need ``consultations.manage_consultation`` (its lead and editors). Everyone else
gets a 404 through ``ensure_permission``. The outcome page and its downloads are public once
the outcome is published, and a 404 for everyone before."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import ensure_permission

from ..models import Compilation, Consultation, Question
from . import compile as engine
from . import render as report_render
from .forms import CompileForm, OutcomeRowsForm, PublishForm, ThemeEditForm

VIEW = "consultations.view_responses"
MANAGE = "consultations.manage_consultation"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _consultation(request: HttpRequest, slug: str, perm: str) -> Consultation:
    consultation = get_object_or_404(
        Consultation.objects.select_related("organisation", "strategy__organisation", "version"),
        slug=slug,
    )
    ensure_permission(request, perm, consultation)
    return consultation


def _compilation(consultation: Consultation, pk: int) -> Compilation:
    return get_object_or_404(
        Compilation.objects.select_related("version", "created_by"),
        pk=pk,
        consultation=consultation,
    )


def _closed(consultation: Consultation) -> bool:
    return consultation.state in {Consultation.State.CLOSED, Consultation.State.OUTCOME}


def _compare_url(consultation: Consultation, compilation: Compilation) -> str:
    if compilation.version is None:
        return ""
    strategy = consultation.strategy
    url = reverse(
        "strategies:version_compare",
        kwargs={"org": strategy.organisation.slug, "slug": strategy.slug},
    )
    return f"{url}?from={consultation.version.number}&to={compilation.version.number}"


def _hub(
    request: HttpRequest, consultation: Consultation, *, error: str = "", status: int = 200
) -> HttpResponse:
    compilation = engine.latest_report(consultation)
    can_manage = request.user.has_perm(MANAGE, consultation)
    report = None
    if compilation is not None:
        report = report_render.report_context(
            compilation.result, rows=engine.outcome_rows(consultation, compilation)
        )
    return render(
        request,
        "consultations/report/report.html",
        {
            "consultation": consultation,
            "compilation": compilation,
            "latest": consultation.compilations.defer("result")
            .order_by("-created_at", "-pk")
            .first(),
            "report": report,
            "compare_url": _compare_url(consultation, compilation) if compilation else "",
            "can_manage": can_manage,
            "closed": _closed(consultation),
            "published": consultation.outcome_published_at is not None,
            "error": error,
        },
        status=status,
    )


@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest report, what is happening now, and (for editors) the compile button."""
    return _hub(request, _consultation(request, slug, VIEW))


@require_POST
def report_start(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, MANAGE)
    form = CompileForm(request.POST)
    final = form.is_valid() and form.cleaned_data["final"]
    asked_at = timezone.now()
    try:
        compilation = engine.compilation_start(
            consultation=consultation, user=request.user, final=final
        )
    except ApplicationError as error:
        return _hub(request, consultation, error=error.message, status=error.status)
    reused = (
        compilation.status == Compilation.Status.SUCCEEDED
        and compilation.finished_at is not None
        and compilation.finished_at < asked_at
    )
    if reused:
        messages.info(
            request,
            "Nothing has changed since this report was compiled, so it is shown as it was.",
        )
        return redirect("consultations:report", slug=consultation.slug)
    return redirect("consultations:report_compilation", slug=consultation.slug, pk=compilation.pk)


@require_GET
def report_compilation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A compilation's progress (the page refreshes itself with JavaScript, or by a link)."""
    consultation = _consultation(request, slug, VIEW)
    compilation = _compilation(consultation, pk)
    return render(
        request,
        "consultations/report/progress.html",
        {
            "consultation": consultation,
            "compilation": compilation,
            "can_manage": request.user.has_perm(MANAGE, consultation),
        },
    )


@require_GET
def report_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    consultation = _consultation(request, slug, VIEW)
    compilation = _compilation(consultation, pk)
    response = JsonResponse(
        {
            "status": compilation.status,
            "status_label": compilation.get_status_display(),
            "progress": compilation.progress,
            "stage": compilation.stage,
            "error": compilation.error,
            "finished": not compilation.is_active,
            "report_url": reverse("consultations:report", kwargs={"slug": consultation.slug}),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _file_response(consultation: Consultation, compilation: Compilation, fmt: str) -> FileResponse:
    if fmt not in CONTENT_TYPES or compilation.status != Compilation.Status.SUCCEEDED:
        raise Http404
    stored = getattr(compilation, fmt)
    if not stored:
        raise Http404
    kind = "final" if compilation.is_final else "draft"
    stamp = timezone.localtime(compilation.finished_at or compilation.created_at)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"{consultation.slug[:60]}-report-{kind}-{stamp:%Y-%m-%d}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
    return response


@require_GET
def report_download(request: HttpRequest, slug: str, pk: int, fmt: str) -> FileResponse:
    consultation = _consultation(request, slug, VIEW)
    response = _file_response(consultation, _compilation(consultation, pk), fmt)
    response["Cache-Control"] = "no-store"
    return response


def _pending(edit: Any, theme: dict[str, Any]) -> tuple[str, str]:
    """What a stored edit will do to a theme shown in the report, when it has not yet been
    applied by a compilation: (sentence, the name it will have)."""
    if edit is None:
        return "", ""
    if edit.merged_into:
        return "It will be merged into another theme", ""
    if edit.hidden:
        return "It will be hidden from the report", ""
    if edit.label and edit.label != theme["label"]:
        return f"It will be renamed “{edit.label}”", edit.label
    return "", ""


@require_http_methods(["GET", "POST"])
def report_themes(request: HttpRequest, slug: str, question_pk: int) -> HttpResponse:
    """Review the themes of one free-text question: rename, merge, hide or show again."""
    consultation = _consultation(request, slug, MANAGE)
    question = get_object_or_404(
        Question, pk=question_pk, consultation=consultation, kind=Question.Kind.FREE_TEXT
    )
    compilation = engine.latest_report(consultation)
    entry = engine.free_text_entry(compilation, question.pk) if compilation else None
    if compilation is None or entry is None:
        messages.info(request, "Compile the report first: then you can review its themes.")
        return redirect("consultations:report", slug=consultation.slug)
    error, status = "", 200
    if request.method == "POST":
        form = ThemeEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edit = engine.theme_edit_save(
                    consultation=consultation,
                    question=question,
                    theme_key=data["theme"],
                    action=data["action"],
                    label=data["label"],
                    merge_into=data["merge_into"],
                    user=request.user,
                )
            except ApplicationError as failure:
                error, status = failure.message, failure.status
            else:
                messages.success(request, _edit_message(data["action"], edit))
                return redirect(request.path)
        else:
            error, status = form.first_error(), 400
    edits = {edit.theme_key: edit for edit in question.theme_edits.all()}
    report_question = next(
        q
        for q in report_render.report_context(compilation.result)["questions"]
        if q["question_id"] == question.pk
    )
    themes = []
    for theme in report_question["themes"]:
        pending, pending_label = _pending(edits.get(theme["key"]), theme)
        themes.append({**theme, "pending": pending, "pending_label": pending_label})
    set_aside = []
    for theme in entry.get("hidden_themes", []):
        set_aside.append({"key": theme["key"], "label": theme["label"], "state": "hidden"})
    for theme in entry.get("merged_themes", []):
        set_aside.append(
            {
                "key": theme["key"],
                "label": theme["label"],
                "state": f"merged into “{theme.get('into_label', 'another theme')}”",
            }
        )
    return render(
        request,
        "consultations/report/themes.html",
        {
            "consultation": consultation,
            "question": question,
            "number": report_question["number"],
            "compilation": compilation,
            "entry": entry,
            "themes": themes,
            "set_aside": set_aside,
            "closed": _closed(consultation),
            "error": error,
        },
        status=status,
    )


def _edit_message(action: str, edit: Any) -> str:
    then = "Compile again to use the reviewed themes."
    if action == engine.ThemeAction.RENAME:
        return f"The theme will be called “{edit.label}”. {then}"
    if action == engine.ThemeAction.MERGE:
        return f"“{edit.label}” will be merged into another theme. {then}"
    if action == engine.ThemeAction.HIDE:
        return f"“{edit.label}” will be hidden from the report. {then}"
    return f"“{edit.label}” will be shown again. {then}"


@require_http_methods(["GET", "POST"])
def report_you_said(request: HttpRequest, slug: str) -> HttpResponse:
    """Complete the “You said, we did” table of the latest report."""
    consultation = _consultation(request, slug, MANAGE)
    compilation = engine.latest_report(consultation)
    if compilation is None:
        messages.info(request, "Compile the report first: then you can complete the table.")
        return redirect("consultations:report", slug=consultation.slug)
    rows = engine.outcome_rows(consultation, compilation)
    error, status = "", 200
    if request.method == "POST":
        form = OutcomeRowsForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                changed = engine.outcome_rows_save(
                    consultation=consultation,
                    compilation=compilation,
                    texts=form.texts(),
                    user=request.user,
                )
            except KeyError:
                error, status = "The table has changed since you opened it: check it again.", 409
            except ApplicationError as failure:
                error, status = failure.message, failure.status
            else:
                messages.success(
                    request,
                    f"Saved the “You said, we did” table ({changed} "
                    f"row{'s' if changed != 1 else ''} changed). Compile again to put it in the "
                    "downloads.",
                )
                return redirect(reverse("consultations:report", args=[slug]) + "#you-said-we-did")
        else:
            status = 400
    else:
        form = OutcomeRowsForm(rows=rows)
    return render(
        request,
        "consultations/report/you_said.html",
        {"consultation": consultation, "form": form, "error": error},
        status=status,
    )


@require_POST
def report_publish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, MANAGE)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _hub(request, consultation, error="Choose the report to publish.", status=400)
    compilation = _compilation(consultation, form.cleaned_data["compilation"])
    try:
        engine.outcome_publish(
            consultation=consultation, compilation=compilation, user=request.user
        )
    except ApplicationError as error:
        return _hub(request, consultation, error=error.message, status=error.status)
    messages.success(request, "The outcome is published.")
    return redirect("consultations:outcome", slug=consultation.slug)


def _published(slug: str) -> tuple[Consultation, Compilation]:
    consultation = get_object_or_404(Consultation.objects.select_related("organisation"), slug=slug)
    compilation = engine.published_report(consultation)
    if compilation is None:
        raise Http404
    return consultation, compilation


@require_GET
def outcome(request: HttpRequest, slug: str) -> HttpResponse:
    """The public “We asked, you said, we did” page, once the outcome is published."""
    consultation, compilation = _published(slug)
    # The table as it was compiled, so the page says what the published downloads say; staff
    # changes made since appear once they compile again and publish that report.
    rows = compilation.result.get("you_said_we_did", [])
    return render(
        request,
        "consultations/report/outcome.html",
        {
            "consultation": consultation,
            "compilation": compilation,
            "report": report_render.report_context(compilation.result, rows=rows, public=True),
            # The related manager reads each question's consultation_id: load it with the text.
            "questions": consultation.questions.order_by("position", "pk").only(
                "consultation", "text"
            ),
        },
    )


@require_GET
def outcome_download(request: HttpRequest, slug: str, fmt: str) -> FileResponse:
    consultation, compilation = _published(slug)
    return _file_response(consultation, compilation, fmt)
