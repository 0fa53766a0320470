"""Public consultation pages, the response form, and staff set-up (details and questions)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import ensure_permission
from strategies.markdown import render_markdown
from strategies.models import Strategy

from . import abuse, forms, services
from .models import Consultation, Question, Response
from .selectors_public import (
    QuestionPage,
    answers_by_question,
    live_response_of,
    public_consultations,
    question_pages,
)

logger = logging.getLogger(__name__)
RESUME_SALT = "consultations.resume"
SESSION_DRAFTS = "consultation-responses"
SESSION_DONE = "consultation-submitted"


def _consultation(slug: str) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("organisation", "strategy", "version"), slug=slug
    )


def _visible(request: HttpRequest, consultation: Consultation) -> None:
    """Upcoming consultations are seen only by their organisation's staff."""
    if consultation.state == Consultation.State.UPCOMING and not request.user.has_perm(
        "consultations.view_responses", consultation
    ):
        raise Http404


# Public pages ---------------------------------------------------------------------------------


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    lep = request.GET.get("lep", "")
    state = request.GET.get("state", "")
    states = [
        (Consultation.State.OPEN, "Open"),
        (Consultation.State.CLOSED, "Closed"),
        (Consultation.State.OUTCOME, "Outcome published"),
    ]
    page = Paginator(
        public_consultations(
            organisation_slug=lep or None, state=state if state in dict(states) else None
        ),
        20,
    ).get_page(request.GET.get("page"))
    creatable = []
    if request.user.is_authenticated:
        creatable = [
            o
            for o in Organisation.objects.filter(memberships__user=request.user)
            if request.user.has_perm("consultations.create_consultation", o)
        ]
    return render(
        request,
        "consultations/list.html",
        {
            "page": page,
            "lep": lep,
            "state": state,
            "states": states,
            "organisations": Organisation.objects.filter(consultations__isnull=False).distinct(),
            "creatable": creatable,
        },
    )


@require_GET
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    _visible(request, consultation)
    mine = None
    if request.user.is_authenticated:
        mine = live_response_of(request.user, consultation)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "body": render_markdown(consultation.body),
            "how_to_respond": render_markdown(consultation.how_to_respond),
            "privacy_notice": render_markdown(consultation.privacy_notice),
            "can_manage": request.user.has_perm("consultations.manage_consultation", consultation),
            "can_read_responses": request.user.has_perm(
                "consultations.view_responses", consultation
            ),
            "mine": mine,
            "question_count": consultation.questions.count(),
        },
    )


# Staff: setting up -------------------------------------------------------------------------------


def _version_choices(strategy: Strategy) -> list[Any]:
    return list(strategy.versions.order_by("-number"))


@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest, org: str, strategy_slug: str) -> HttpResponse:
    strategy = get_object_or_404(
        Strategy.objects.select_related("organisation"), organisation__slug=org, slug=strategy_slug
    )
    ensure_permission(request, "consultations.create_consultation", strategy.organisation)
    versions = _version_choices(strategy)
    if not versions:
        messages.error(request, "Save a named version of the strategy before consulting on it.")
        return redirect("strategies:versions", org=org, slug=strategy.slug)
    form = forms.ConsultationForm(
        request.POST if request.method == "POST" else None,
        versions=versions,
        initial={
            "title": f"Consultation on the draft {strategy.title}",
            "privacy_notice": forms.DEFAULT_PRIVACY_NOTICE.format(
                organisation=strategy.organisation.name
            ),
            "how_to_respond": "Respond online using the form on this page. You can save your "
            "answers and come back to them before the consultation closes.",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(
                strategy=strategy,
                version=data["version"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                how_to_respond=data["how_to_respond"],
                privacy_notice=data["privacy_notice"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                allow_anonymous=data["allow_anonymous"],
                moderation=data["moderation"],
                author=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The consultation has been created. Now add its questions.")
            return redirect("consultations:questions", slug=consultation.slug)
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": f"Open {strategy.title} to consultation",
            "back_url": strategy.get_draft_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    opens = timezone.localtime(consultation.opens_at)
    closes = timezone.localtime(consultation.closes_at)
    form = forms.ConsultationForm(
        request.POST if request.method == "POST" else None,
        versions=_version_choices(consultation.strategy),
        initial={
            "title": consultation.title,
            "summary": consultation.summary,
            "body": consultation.body,
            "how_to_respond": consultation.how_to_respond,
            "privacy_notice": consultation.privacy_notice,
            "version": str(consultation.version_id),
            "opens_on": opens.date(),
            "opens_at_time": opens.strftime("%H:%M"),
            "closes_on": closes.date(),
            "closes_at_time": closes.strftime("%H:%M"),
            "allow_anonymous": consultation.allow_anonymous,
            "moderation": consultation.moderation,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "summary",
                "body",
                "how_to_respond",
                "privacy_notice",
                "opens_at",
                "closes_at",
                "allow_anonymous",
                "moderation",
            )
        }
        if data["version"].pk != consultation.version_id:
            if services.questions_frozen(consultation):
                form.add_error("version", "The version cannot change once responses have arrived.")
            fields["version"] = data["version"]
        if not form.errors:
            try:
                services.consultation_update(consultation=consultation, **fields)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The consultation has been saved.")
                return redirect(consultation.get_absolute_url())
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": f"Change “{consultation.title}”",
            "back_url": consultation.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    sections = list(consultation.version.sections.order_by("position"))
    form = forms.QuestionForm(
        request.POST if request.method == "POST" else None,
        sections=sections,
        initial={"max_length": 2000},
    )
    frozen = services.questions_frozen(consultation)
    if request.method == "POST" and form.is_valid():
        try:
            _save_question(consultation, form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The question has been added.")
            return redirect("consultations:questions", slug=slug)
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "frozen": frozen,
            "questions": consultation.questions.select_related("section").prefetch_related(
                "options"
            ),
        },
    )


def _save_question(
    consultation: Consultation, data: dict[str, Any], question: Question | None = None
) -> Question:
    return services.question_save(
        consultation=consultation,
        kind=data["kind"],
        text=data["text"],
        hint=data["hint"],
        required=data["required"],
        max_length=data["max_length"] or 2000,
        allow_other=data["allow_other"],
        options=data["options"].splitlines(),
        section_id=int(data["section"]) if data["section"] else None,
        question=question,
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    sections = list(consultation.version.sections.order_by("position"))
    form = forms.QuestionForm(
        request.POST if request.method == "POST" else None,
        sections=sections,
        initial={
            "kind": question.kind,
            "text": question.text,
            "hint": question.hint,
            "options": "\n".join(o.label for o in question.options.all())
            if question.kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}
            else "",
            "allow_other": question.allow_other,
            "max_length": question.max_length,
            "required": question.required,
            "section": str(question.section_id or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_question(consultation, form.cleaned_data, question)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The question has been saved.")
            return redirect("consultations:questions", slug=slug)
    return render(
        request,
        "consultations/question_edit.html",
        {
            "consultation": consultation,
            "question": question,
            "form": form,
            "frozen": services.questions_frozen(consultation),
        },
    )


@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask before deleting a question (a GET); delete it when confirmed (a POST)."""
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    if request.method == "POST":
        try:
            services.question_delete(question=question)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The question has been deleted.")
        return redirect("consultations:questions", slug=slug)
    return render(
        request,
        "consultations/question_delete.html",
        {
            "consultation": consultation,
            "question": question,
            "frozen": services.questions_frozen(consultation),
        },
    )


@require_POST
def question_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse("Say whether to move the question up or down.", status=400)
    try:
        services.question_move(question=question, offset=offset)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("consultations:questions", slug=slug)


@require_GET
def questions_preview(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    ensure_permission(request, "consultations.manage_consultation", consultation)
    pages = [
        {
            "page": page,
            "form": forms.AnswersForm(questions=page.questions),
            "section_html": render_markdown(page.section.body) if page.section else None,
        }
        for page in question_pages(consultation)
    ]
    return render(
        request,
        "consultations/questions_preview.html",
        {"consultation": consultation, "pages": pages},
    )


# The response form -------------------------------------------------------------------------------


def _session_drafts(request: HttpRequest) -> dict[str, int]:
    return request.session.get(SESSION_DRAFTS, {})


def _current_response(request: HttpRequest, consultation: Consultation) -> Response | None:
    if request.user.is_authenticated:
        return live_response_of(request.user, consultation)
    response_id = _session_drafts(request).get(str(consultation.pk))
    if response_id is None:
        return None
    return consultation.responses.filter(pk=response_id, status=Response.Status.DRAFT).first()


def _remember(request: HttpRequest, consultation: Consultation, response: Response) -> None:
    drafts = _session_drafts(request)
    drafts[str(consultation.pk)] = response.pk
    request.session[SESSION_DRAFTS] = drafts


def _closed_page(
    request: HttpRequest, consultation: Consultation, error: ApplicationError
) -> HttpResponse:
    return render(
        request,
        "consultations/not_open.html",
        {"consultation": consultation, "message": error.message},
        status=409,
    )


def _gate(request: HttpRequest, consultation: Consultation) -> HttpResponse | None:
    """Refuse everything when the consultation is not open; send anonymous visitors to sign in
    when it does not accept anonymous responses."""
    _visible(request, consultation)
    try:
        services.refuse_unless_open(consultation)
    except ApplicationError as error:
        return _closed_page(request, consultation, error)
    if not consultation.allow_anonymous and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _progress(consultation: Consultation, step: str, pages: list[QuestionPage]) -> dict[str, Any]:
    return {"step": step, "total_pages": len(pages) + 2}


@require_GET
def respond_start(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    refused = _gate(request, consultation)
    return refused or redirect("consultations:respond_profile", slug=slug)


@require_http_methods(["GET", "POST"])
def respond_profile(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    refused = _gate(request, consultation)
    if refused:
        return refused
    response = _current_response(request, consultation)
    initial = (
        {name: getattr(response, name) for name in services.PROFILE_FIELDS} if response else {}
    )
    if request.user.is_authenticated and not initial.get("email"):
        initial["email"] = request.user.email
    form = forms.ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    anonymous = not request.user.is_authenticated
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            form.add_error(None, "Your answers could not be saved. Please try again.")
        elif anonymous and response is None and abuse.too_fast(request.POST.get("started")):
            form.add_error(
                None, "That was quicker than we expected. Check your answers, then continue."
            )
        elif anonymous and response is None and abuse.rate_limited(request, "responses"):
            form.add_error(
                None,
                "Too many responses have been started from your network in the last hour. "
                "Try again later.",
            )
        else:
            try:
                if response is None:
                    response = services.response_start(
                        consultation=consultation, respondent=request.user
                    )
                    if anonymous:
                        _remember(request, consultation, response)
                services.response_save_profile(response=response, profile=form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                pages = question_pages(consultation)
                if pages:
                    return redirect("consultations:respond_questions", slug=slug, page=1)
                return redirect("consultations:respond_check", slug=slug)
    already = None
    if response is None and not request.user.is_authenticated:
        already = consultation.responses.filter(
            reference__in=request.session.get(SESSION_DONE, []), status=Response.Status.SUBMITTED
        ).first()
    return render(
        request,
        "consultations/respond_profile.html",
        {
            "consultation": consultation,
            "form": form,
            "started": abuse.started_token(),
            "already": already,
            "response": response,
        },
    )


@require_http_methods(["GET", "POST"])
def respond_questions(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    consultation = _consultation(slug)
    refused = _gate(request, consultation)
    if refused:
        return refused
    response = _current_response(request, consultation)
    if response is None or not response.responding_as:
        messages.error(request, "Tell us about yourself first.")
        return redirect("consultations:respond_profile", slug=slug)
    pages = question_pages(consultation)
    if not 1 <= page <= len(pages):
        raise Http404
    current = pages[page - 1]
    saved = answers_by_question(response)
    initial: dict[str, Any] = {}
    for question in current.questions:
        entry = saved.get(question.pk)
        if not entry:
            continue
        name = f"q{question.pk}"
        if question.kind == Question.Kind.FREE_TEXT:
            initial[name] = entry["text"]
        elif question.kind == Question.Kind.MULTIPLE:
            initial[name] = [str(i) for i in entry["option_ids"]] + (
                ["other"] if entry["text"] else []
            )
            initial[f"{name}_other"] = entry["text"]
        else:
            initial[name] = str(entry["option_ids"][0]) if entry["option_ids"] else ""
    form = forms.AnswersForm(
        request.POST if request.method == "POST" else None,
        questions=current.questions,
        initial=initial,
    )
    save_for_later = "save_for_later" in request.POST
    if request.method == "POST":
        form.is_valid()
        answers = getattr(form, "clean_answers", {})
        valid_answers = {qid: a for qid, a in answers.items()}
        if save_for_later or not form.errors:
            try:
                services.response_save_answers(
                    response=response,
                    answers=valid_answers,
                    questions=[q for q in current.questions if q.pk in valid_answers],
                )
            except ApplicationError as error:
                return _closed_page(request, consultation, error)
            if save_for_later:
                return redirect("consultations:respond_save", slug=slug)
            if page < len(pages):
                return redirect("consultations:respond_questions", slug=slug, page=page + 1)
            return redirect("consultations:respond_check", slug=slug)
    return render(
        request,
        "consultations/respond_questions.html",
        {
            "consultation": consultation,
            "form": form,
            "page": current,
            "pages": pages,
            "section_html": render_markdown(current.section.body) if current.section else None,
            "previous_url": reverse(
                "consultations:respond_questions", kwargs={"slug": slug, "page": page - 1}
            )
            if page > 1
            else reverse("consultations:respond_profile", kwargs={"slug": slug}),
        },
    )


@require_http_methods(["GET", "POST"])
def respond_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Save and return: e-mail a signed link that brings the respondent back to their answers."""
    consultation = _consultation(slug)
    refused = _gate(request, consultation)
    if refused:
        return refused
    response = _current_response(request, consultation)
    if response is None:
        return redirect("consultations:respond_profile", slug=slug)
    form = forms.SaveAndReturnForm(
        request.POST if request.method == "POST" else None, initial={"email": response.email}
    )
    if request.method == "POST" and form.is_valid():
        token = signing.dumps(
            {"r": response.pk, "k": str(response.submission_key)}, salt=RESUME_SALT
        )
        link = request.build_absolute_uri(
            reverse("consultations:respond_resume", kwargs={"slug": slug, "token": token})
        )
        closes = timezone.localtime(consultation.closes_at)
        send_mail(
            subject=f"Come back to your response: {consultation.title}",
            message=render_to_string(
                "consultations/email/resume.txt",
                {"consultation": consultation, "link": link, "closes": closes},
            ),
            from_email=None,
            recipient_list=[form.cleaned_data["email"]],
        )
        return render(
            request,
            "consultations/respond_saved.html",
            {"consultation": consultation, "email": form.cleaned_data["email"], "closes": closes},
        )
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": "Save your answers and come back later",
            "intro": "Your answers so far are saved. We will e-mail you a link to come back to "
            "them. Anyone with the link can see and change your answers, so keep it private.",
            "back_url": reverse("consultations:respond_profile", kwargs={"slug": slug}),
        },
    )


@require_GET
def respond_resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    consultation = _consultation(slug)
    try:
        services.refuse_unless_open(consultation)
    except ApplicationError as error:
        return _closed_page(request, consultation, error)
    try:
        data = signing.loads(token, salt=RESUME_SALT)
        response = consultation.responses.get(
            pk=int(data["r"]), submission_key=data["k"], status=Response.Status.DRAFT
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Response.DoesNotExist):
        return render(
            request,
            "consultations/resume_invalid.html",
            {"consultation": consultation},
            status=400,
        )
    if response.respondent_id and response.respondent_id != getattr(request.user, "pk", None):
        return redirect_to_login(request.get_full_path())
    if not response.respondent_id:
        _remember(request, consultation, response)
    messages.success(request, "Welcome back. Your answers so far are below.")
    return redirect("consultations:respond_profile", slug=slug)


@require_http_methods(["GET", "POST"])
def respond_check(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, slug)
    consultation = _consultation(slug)
    _visible(request, consultation)
    refused = _gate(request, consultation)
    if refused:
        return refused
    response = _current_response(request, consultation)
    if response is None:
        return redirect("consultations:respond_profile", slug=slug)
    return render(
        request, "consultations/respond_check.html", _check_context(consultation, response)
    )


def _check_context(
    consultation: Consultation, response: Response, error: str = "", *, missing: bool = True
) -> dict[str, Any]:
    """The answers page by page; ``missing`` adds the required questions still unanswered
    (one query), which only the check-your-answers page shows."""
    response.consultation = consultation
    return {
        **services.response_receipt_context(response),
        "error": error,
        "missing": services.missing_required(response) if missing else [],
    }


def _submit(request: HttpRequest, slug: str) -> HttpResponse:
    """The final POST of check-your-answers. The submission names its response by key: the
    response and its consultation are read in one query (not the current draft, nor the
    consultation's strategy and version, which only a page shown on an error needs)."""
    form = forms.CheckAnswersForm(request.POST)
    if not form.is_valid() or form.cleaned_data.get("website"):
        _visible(request, get_object_or_404(Consultation, slug=slug))
        return HttpResponse("The form could not be read. Go back and try again.", status=400)
    response = (
        Response.objects.select_related("consultation")
        .filter(consultation__slug=slug, submission_key=form.cleaned_data["submission_key"])
        .first()
    )
    if response is None:
        get_object_or_404(Consultation, slug=slug)  # an unknown consultation, or key
        raise Http404
    consultation = response.consultation
    _visible(request, consultation)
    if not _owns(request, consultation, response):
        raise Http404
    if response.status == Response.Status.SUBMITTED:
        # A double submit or a resubmit: the one response, the same confirmation.
        return redirect(
            "consultations:respond_done", slug=consultation.slug, reference=response.reference
        )
    try:
        response, created = services.response_submit(response=response)
    except ApplicationError as error:
        if error.code in {"closed", "not_open"}:
            return _closed_page(request, consultation, error)
        return render(
            request,
            "consultations/respond_check.html",
            _check_context(consultation, response, error.message),
            status=400,
        )
    done = request.session.get(SESSION_DONE, [])
    request.session[SESSION_DONE] = [*done, response.reference][-20:]
    drafts = _session_drafts(request)
    drafts.pop(str(consultation.pk), None)
    request.session[SESSION_DRAFTS] = drafts
    if created and response.email:
        services.response_receipt_queue(
            response=response, link=request.build_absolute_uri(consultation.get_absolute_url())
        )
    return redirect(
        "consultations:respond_done", slug=consultation.slug, reference=response.reference
    )


def _owns(request: HttpRequest, consultation: Consultation, response: Response) -> bool:
    if request.user.is_authenticated and response.respondent_id == request.user.pk:
        return True
    if response.respondent_id is None:
        return _session_drafts(request).get(str(consultation.pk)) == response.pk or (
            response.reference in request.session.get(SESSION_DONE, [])
        )
    return False


@require_GET
def respond_done(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    consultation = _consultation(slug)
    response = get_object_or_404(consultation.responses, reference=reference)
    if not _owns(request, consultation, response):
        raise Http404
    return render(
        request,
        "consultations/respond_done.html",
        {"consultation": consultation, "response": response},
    )


def _own_response(request: HttpRequest, consultation: Consultation) -> Response:
    """The signed-in respondent's submitted (or withdrawn) response; 404 without one."""
    response = (
        consultation.responses.filter(
            respondent=request.user,
            status__in=[Response.Status.SUBMITTED, Response.Status.WITHDRAWN],
        )
        .order_by("-pk")
        .first()
    )
    if response is None:
        raise Http404
    return response


@require_GET
def my_response(request: HttpRequest, slug: str) -> HttpResponse:
    """A registered respondent's own response: see it, change it or withdraw it while open."""
    consultation = _consultation(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    response = _own_response(request, consultation)
    context = _check_context(consultation, response)
    context["can_change"] = consultation.is_open and response.status == Response.Status.SUBMITTED
    return render(request, "consultations/my_response.html", context)


@require_http_methods(["GET", "POST"])
def my_response_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask before withdrawing one's response (a GET); withdraw it when confirmed (a POST)."""
    consultation = _consultation(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    response = _own_response(request, consultation)
    try:
        services.refuse_unless_open(consultation)
    except ApplicationError as error:
        return _closed_page(request, consultation, error)
    if response.status != Response.Status.SUBMITTED:
        return redirect("consultations:my_response", slug=slug)
    if request.method == "POST":
        try:
            services.response_withdraw(response=response)
        except ApplicationError as error:
            return _closed_page(request, consultation, error)
        messages.success(request, f"Your response {response.reference} has been withdrawn.")
        return redirect("consultations:my_response", slug=slug)
    return render(
        request,
        "consultations/my_response_withdraw.html",
        {"consultation": consultation, "response": response},
    )
