"""Staff pages on a consultation's responses: the list with counts, filters and search; one
response; the CSV and XLSX exports; and importing responses collected elsewhere.

Reading needs ``consultations.view_responses`` (the owning organisation's lead, editors and
viewers, and site administrators); importing needs ``consultations.manage_consultation``.
Everyone else is refused through ``ensure_permission`` with ``hide=True``: a 404, so that
nobody learns what is there, and anonymous visitors are offered a way to sign in."""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from lepportal.core.permissions import ensure_permission

from . import exports, imports, selectors
from .models import Consultation, Response
from .staff_forms import ColumnMappingForm, ImportUploadForm, ResponseFilterForm

VIEW_RESPONSES = "consultations.view_responses"
MANAGE = "consultations.manage_consultation"
PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _consultation(request: HttpRequest, slug: str, perm: str) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("organisation"), slug=slug)
    ensure_permission(request, perm, consultation)
    return consultation


def _staff_context(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    return {
        "consultation": consultation,
        "can_import": request.user.has_perm(MANAGE, consultation),
    }


@require_GET
def response_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, VIEW_RESPONSES)
    questions = selectors.questions_with_options(consultation)
    form = ResponseFilterForm(request.GET, questions=questions)
    filters = form.filters()
    responses = selectors.with_free_text_answers(
        selectors.responses_for_staff(consultation, filters)
    )
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = filters != selectors.ResponseFilters()
    return render(
        request,
        "consultations/staff/responses.html",
        {
            **_staff_context(request, consultation),
            "form": form,
            "filtered": filtered,
            "page": page,
            "counts": selectors.response_counts(consultation),
        },
    )


@require_GET
def response_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(request, slug, VIEW_RESPONSES)
    response = selectors.response_for_staff(consultation, pk)
    if response is None:
        raise Http404
    questions = selectors.questions_with_options(consultation)
    return render(
        request,
        "consultations/staff/response_detail.html",
        {
            **_staff_context(request, consultation),
            "response": response,
            "withdrawn": response.status == Response.Status.WITHDRAWN,
            "answers": selectors.answers_by_question(response, questions),
        },
    )


@require_GET
def export_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    consultation = _consultation(request, slug, VIEW_RESPONSES)
    response = StreamingHttpResponse(
        exports.csv_chunks(exports.export_rows(consultation)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, exports.export_filename(consultation, "csv"))
        or "attachment"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_xlsx(request: HttpRequest, slug: str) -> FileResponse:
    consultation = _consultation(request, slug, VIEW_RESPONSES)
    # Written to a temporary file rather than memory; FileResponse closes (so deletes) it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    exports.write_xlsx(exports.export_rows(consultation), handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=exports.export_filename(consultation, "xlsx"),
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response


# Import --------------------------------------------------------------------------------------
#
# The uploaded file is kept between the steps in a file under MEDIA_ROOT named by a random
# token that only the session knows, with the file's SHA-256: the browser sends nothing but
# its session cookie, so it cannot point us at another file or change the bytes we check.

UPLOAD_DIR = "consultation-imports"
UPLOAD_MAX_AGE = 24 * 60 * 60
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def _session_key(consultation: Consultation) -> str:
    return f"consultation-import-{consultation.pk}"


def _upload_path(state: dict[str, Any]) -> Path | None:
    token = str(state.get("token", ""))
    return _upload_dir() / f"{token}.csv" if _TOKEN.fullmatch(token) else None


def _discard_upload(request: HttpRequest, consultation: Consultation) -> None:
    state = request.session.pop(_session_key(consultation), None)
    path = _upload_path(state) if isinstance(state, dict) else None
    if path is not None:
        path.unlink(missing_ok=True)


def _discard_stale_uploads() -> None:
    """Uploads abandoned half-way are deleted after a day."""
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in _upload_dir().glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _keep_upload(
    request: HttpRequest, consultation: Consultation, data: bytes, source_name: str, name: str
) -> None:
    _discard_upload(request, consultation)
    _upload_dir().mkdir(parents=True, exist_ok=True)
    _discard_stale_uploads()
    token = secrets.token_hex(16)
    (_upload_dir() / f"{token}.csv").write_bytes(data)
    request.session[_session_key(consultation)] = {
        "token": token,
        "digest": imports.file_digest(data),
        "source_name": source_name,
        "file_name": name[:200],
        "targets": None,
    }


def _kept_upload(
    request: HttpRequest, consultation: Consultation
) -> tuple[dict[str, Any], imports.ParsedFile] | None:
    """The upload kept for this consultation in this session, read back and checked."""
    state = request.session.get(_session_key(consultation))
    path = _upload_path(state) if isinstance(state, dict) else None
    if path is None or state is None:
        return None
    try:
        data = path.read_bytes()
        if imports.file_digest(data) != state.get("digest"):
            return None
        return state, imports.parse_csv(data)
    except (OSError, imports.ImportRejected):
        return None


def _start_again(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    messages.info(request, "Upload the file to import first. Nothing has been imported.")
    return redirect("consultations:responses_import", slug=consultation.slug)


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _keep_upload(
            request,
            consultation,
            form.cleaned_data["file"],
            form.cleaned_data["source_name"].strip(),
            form.file_name,
        )
        return redirect("consultations:responses_import_columns", slug=consultation.slug)
    return render(
        request,
        "consultations/staff/import_upload.html",
        {**_staff_context(request, consultation), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def import_columns(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, MANAGE)
    kept = _kept_upload(request, consultation)
    if kept is None:
        return _start_again(request, consultation)
    state, parsed = kept
    questions = selectors.questions_with_options(consultation)
    form = ColumnMappingForm(
        request.POST or None,
        parsed=parsed,
        questions=questions,
        initial_targets=state.get("targets") or imports.guess_targets(parsed.headers, questions),
    )
    if request.method == "POST" and form.is_valid():
        state["targets"] = form.targets()
        request.session[_session_key(consultation)] = state
        return redirect("consultations:responses_import_check", slug=consultation.slug)
    return render(
        request,
        "consultations/staff/import_columns.html",
        {
            **_staff_context(request, consultation),
            "form": form,
            "state": state,
            "row_count": len(parsed.rows),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def import_check(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(request, slug, MANAGE)
    kept = _kept_upload(request, consultation)
    if kept is None:
        return _start_again(request, consultation)
    state, parsed = kept
    if not state.get("targets"):
        return redirect("consultations:responses_import_columns", slug=consultation.slug)
    questions = selectors.questions_with_options(consultation)
    context: dict[str, Any] = {**_staff_context(request, consultation), "state": state}
    try:
        rows = imports.validate_rows(parsed, state["targets"], questions)
        if request.method == "POST":
            result = imports.responses_import(
                consultation=consultation,
                rows=rows,
                source_detail=state["source_name"],
                digest=parsed.digest,
            )
    except imports.ImportRejected as rejected:
        context.update(problems=rejected.problems, problem_total=rejected.total)
        return render(
            request,
            "consultations/staff/import_check.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        _discard_upload(request, consultation)
        if result.created:
            messages.success(
                request,
                f"{result.created} response{'s' if result.created != 1 else ''} imported from "
                f"“{state['source_name']}”."
                + (
                    f" {result.already_imported} had been imported before."
                    if result.already_imported
                    else ""
                ),
            )
        else:
            messages.info(
                request,
                "Nothing new was imported: every response in this file had been imported before.",
            )
        return redirect(
            reverse("consultations:responses", kwargs={"slug": consultation.slug})
            + f"?source={Response.Source.IMPORT}"
        )
    context.update(
        rows=rows,
        preview=_preview(rows[:5], questions),
        targets=[
            (parsed.column_name(i), _sentence(imports.target_label(t, questions)))
            for i, t in enumerate(state["targets"])
            if t != imports.IGNORE
        ],
    )
    return render(request, "consultations/staff/import_check.html", context)


def _preview(rows: list[imports.RowToImport], questions: list[Any]) -> list[dict[str, Any]]:
    """The first rows as they will be saved, in words, so staff can see the columns line up."""
    labels = {str(o.pk): o.label for q in questions for o in q.options.all()}
    preview = []
    for row in rows:
        answers = []
        for index, question in enumerate(questions, start=1):
            raw = row.raw_answers.get(question.pk)
            if raw is None:
                continue
            if question.is_choice:
                parts = [labels.get(str(v), "") for v in raw if v != "other"]
                if question.pk in row.other_answers:
                    parts.append(f"Other: {row.other_answers[question.pk]}")
                text = "; ".join(parts)
            else:
                text = str(raw)
            answers.append((f"Q{index}", text))
        profile = [
            (imports.PROFILE_TARGETS[name], _display(name, value))
            for name, value in row.profile.items()
        ]
        preview.append({"row": row, "profile": profile, "answers": answers})
    return preview


def _display(name: str, value: str) -> str:
    choices = getattr(Response._meta.get_field(name), "choices", None)
    return str(dict(choices).get(value, value)) if choices else value


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
