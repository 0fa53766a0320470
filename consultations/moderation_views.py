"""Pages for section comments (the consultation's view of the strategy) and for moderators
(the queue, one comment, the audit log). Thin: parse, check permission, call a service in
``moderation.py``, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import SignInRequired, ensure_permission
from strategies.models import VersionSection
from strategies.selectors import render_sections

from . import moderation
from .models import Comment, Consultation
from .moderation import TRANSITIONS, ModerationAction, SectionComments
from .moderation_forms import (
    BulkModerationForm,
    CommentForm,
    DecisionForm,
    LogFilterForm,
    NoteForm,
    QueueFilterForm,
    ReportForm,
)
from .services import refuse_unless_open

PAGE_SIZE = 25
# Refusals that replace the form with their message rather than mark a field.
REFUSAL_CODES = frozenset(
    {"closed", "not_open", "nested_reply", "wrong_state", "already_reported", "forbidden"}
)
State = Comment.State


def _consultation(request: HttpRequest, slug: str) -> Consultation:
    consultation = get_object_or_404(
        Consultation.objects.select_related("organisation", "strategy", "version"), slug=slug
    )
    # Upcoming consultations are seen only by their organisation's staff.
    if consultation.state == Consultation.State.UPCOMING and not request.user.has_perm(
        "consultations.view_responses", consultation
    ):
        raise Http404
    return consultation


def _not_open_message(consultation: Consultation) -> str | None:
    """The reason no one may write now ("This consultation closed on …"), or None."""
    try:
        refuse_unless_open(consultation)
    except ApplicationError as error:
        return error.message
    return None


def strategy_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations:strategy", kwargs={"slug": consultation.slug})
    return f"{url}#{anchor}" if anchor else url


# The consultation's view of the strategy ---------------------------------------------------


@require_GET
def consultation_strategy(request: HttpRequest, slug: str) -> HttpResponse:
    """The version consulted on, section by section, with the comments the visitor may see."""
    consultation = _consultation(request, slug)
    version = consultation.version
    sections = list(version.sections.order_by("position", "pk"))
    rendered = render_sections(sections, organisation_id=consultation.organisation_id)
    comments = moderation.visible_comments(consultation=consultation, viewer=request.user)
    blocks = [
        SectionComments(section=section, html=html.html, comments=comments.get(section.pk, []))
        for section, html in zip(sections, rendered, strict=True)
    ]
    not_open = _not_open_message(consultation)
    return render(
        request,
        "consultations/comments/strategy.html",
        {
            "consultation": consultation,
            "version": version,
            "sections": blocks,
            "not_open_message": not_open,
            "can_write": not_open is None
            and request.user.has_perm("consultations.comment", consultation),
            "reported_ids": moderation.reported_by(consultation=consultation, user=request.user),
            "can_moderate": request.user.has_perm("consultations.moderate", consultation),
            "page_title": f"Comment on {version.strategy_title}",
        },
    )


@dataclass
class FormPage:
    """A page with one comment form (comment, reply, change, report) or, when the action is
    refused, the reason instead of the form."""

    consultation: Consultation
    title: str
    form: Any
    section: VersionSection | None = None
    comment: Comment | None = None
    back_anchor: str = ""
    intro: str = ""

    def render(
        self, request: HttpRequest, *, status: int = 200, refusal: str | None = None
    ) -> HttpResponse:
        return render(
            request,
            "consultations/comments/form.html",
            {
                "consultation": self.consultation,
                "title": self.title,
                "form": self.form,
                "comment": self.comment,
                "section": self.section,
                "refusal": refusal,
                "intro": self.intro,
                "back_url": strategy_url(self.consultation, self.back_anchor),
            },
            status=status,
        )

    def refused(self, request: HttpRequest, error: ApplicationError) -> HttpResponse:
        """Show a service's refusal: a closed consultation, a reply to a reply or a comment
        no longer waiting replace the form with the message; other rules are shown as an
        error on the form."""
        if error.code in REFUSAL_CODES:
            return self.render(request, status=error.status, refusal=error.message)
        self.form.add_error(next(iter(self.form.fields)), error.message)
        return self.render(request, status=error.status)


def _posted_message(comment: Comment) -> str:
    if comment.state == State.APPROVED:
        return "Your comment has been published."
    if comment.held_reason:
        return "Thank you. Your comment will appear once a moderator has checked it."
    return "Thank you. Your comment will appear once a moderator has approved it."


def _intro(consultation: Consultation) -> str:
    if consultation.moderation == Consultation.Moderation.PRE:
        return "A moderator reads every comment before it appears."
    return "Comments appear straight away. A moderator may hide any that break the rules."


@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    consultation = _consultation(request, slug)
    section = get_object_or_404(VersionSection, pk=section_pk, version_id=consultation.version_id)
    ensure_permission(request, "consultations.comment", consultation, hide=False)
    return _comment_write(
        request,
        consultation,
        section=section,
        parent=None,
        title=f"Comment on “{section.title}”",
        back_anchor=section.anchor,
    )


@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(request, slug)
    parent = get_object_or_404(
        Comment.objects.select_related("section", "author"),
        pk=pk,
        consultation=consultation,
        state=State.APPROVED,
    )
    ensure_permission(request, "consultations.comment", consultation, hide=False)
    return _comment_write(
        request,
        consultation,
        section=parent.section,
        parent=parent,
        title="Reply to a comment",
        back_anchor=f"comment-{parent.pk}",
    )


def _comment_write(
    request: HttpRequest,
    consultation: Consultation,
    *,
    section: VersionSection,
    parent: Comment | None,
    title: str,
    back_anchor: str,
) -> HttpResponse:
    submit = "Post reply" if parent is not None else "Post comment"
    form = CommentForm(request.POST or None, submit_label=submit)
    page = FormPage(
        consultation=consultation,
        title=title,
        form=form,
        section=section,
        comment=parent,
        back_anchor=back_anchor,
        intro=_intro(consultation),
    )
    refusal = _not_open_message(consultation)
    if refusal is None and parent is not None and parent.parent_id is not None:
        refusal = "You can reply to a comment, but not to a reply."
    if request.method == "GET":
        return page.render(request, refusal=refusal)
    if not form.is_valid():
        return page.render(request, status=400, refusal=refusal)
    try:
        comment = moderation.comment_post(
            consultation=consultation,
            section=section,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
        )
    except ApplicationError as error:
        return page.refused(request, error)
    messages.success(request, _posted_message(comment))
    return redirect(strategy_url(consultation, f"comment-{comment.pk}"))


def _own_comment(request: HttpRequest, consultation: Consultation, pk: int) -> Comment:
    ensure_permission(request, "consultations.comment", consultation, hide=False)
    return get_object_or_404(
        Comment.objects.select_related("section"),
        pk=pk,
        consultation=consultation,
        author_id=request.user.pk,
    )


def _own_refusal(consultation: Consultation, comment: Comment, verb: str) -> str | None:
    refusal = _not_open_message(consultation)
    if refusal is None and comment.state != State.PENDING:
        refusal = f"You can only {verb} a comment while it is waiting for moderation."
    return refusal


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(request, slug)
    comment = _own_comment(request, consultation, pk)
    form = CommentForm(
        request.POST or None, initial={"body": comment.body}, submit_label="Save changes"
    )
    page = FormPage(
        consultation=consultation,
        title="Change your comment",
        form=form,
        section=comment.section,
        back_anchor=f"comment-{comment.pk}",
    )
    refusal = _own_refusal(consultation, comment, "change")
    if request.method == "GET":
        return page.render(request, refusal=refusal)
    if not form.is_valid():
        return page.render(request, status=400, refusal=refusal)
    try:
        moderation.comment_edit(
            comment=comment, author=request.user, body=form.cleaned_data["body"]
        )
    except ApplicationError as error:
        return page.refused(request, error)
    messages.success(request, "Your comment has been changed.")
    return redirect(strategy_url(consultation, f"comment-{comment.pk}"))


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(request, slug)
    comment = _own_comment(request, consultation, pk)
    refusal = _own_refusal(consultation, comment, "delete")
    status = 200
    if request.method == "POST":
        try:
            moderation.comment_delete(comment=comment, author=request.user)
        except ApplicationError as error:
            refusal, status = error.message, error.status
        else:
            messages.success(request, "Your comment has been deleted.")
            return redirect(strategy_url(consultation, comment.section.anchor))
    return render(
        request,
        "consultations/comments/delete.html",
        {
            "consultation": consultation,
            "comment": comment,
            "refusal": refusal,
            "back_url": strategy_url(consultation, f"comment-{comment.pk}"),
            "page_title": "Delete your comment",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(request, slug)
    comment = get_object_or_404(
        Comment.objects.select_related("section", "author"),
        pk=pk,
        consultation=consultation,
        state=State.APPROVED,
    )
    ensure_permission(request, "consultations.report_comment", consultation, hide=False)
    form = ReportForm(request.POST or None)
    page = FormPage(
        consultation=consultation,
        title="Report a comment",
        form=form,
        section=comment.section,
        comment=comment,
        back_anchor=f"comment-{comment.pk}",
        intro="A moderator will read the comment and decide whether it breaks the rules. "
        "The comment's author is not told who reported it.",
    )
    refusal = _not_open_message(consultation)
    if refusal is None and comment.author_id == request.user.pk:
        refusal = "You cannot report your own comment."
    elif refusal is None and comment.reports.filter(reporter_id=request.user.pk).exists():
        refusal = "You have already reported this comment. A moderator will look at it."
    if request.method == "GET":
        return page.render(request, refusal=refusal)
    if not form.is_valid():
        return page.render(request, status=400, refusal=refusal)
    try:
        moderation.comment_report(
            comment=comment, reporter=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        if refusal is not None:
            return page.render(request, status=error.status, refusal=error.message)
        return page.refused(request, error)
    messages.success(request, "Thank you. A moderator will look at the comment.")
    return redirect(strategy_url(consultation, f"comment-{comment.pk}"))


# Moderators -----------------------------------------------------------------------------------


def _ensure_moderator(request: HttpRequest) -> None:
    """Anonymous visitors sign in; people who moderate nothing get a 404."""
    if not request.user.is_authenticated:
        raise SignInRequired
    if not moderation.is_any_moderator(request.user):
        raise Http404


def _ensure_site_admin(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise SignInRequired
    if not getattr(request.user, "is_site_admin", False):
        raise Http404


def _page(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _filters(form: Any) -> dict[str, Any]:
    """The valid filters of a GET form; an invalid one is ignored (and shown as an error)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def _plural(count: int, word: str = "comment") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@require_http_methods(["GET", "POST"])
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Pending, held and reported comments, oldest first, with bulk decisions."""
    _ensure_moderator(request)
    consultations = moderation.moderatable_consultations(request.user)
    filter_form = QueueFilterForm(request.GET or None, consultations=consultations)
    filters = _filters(filter_form)
    chosen = filters.get("consultation")
    bulk_form = BulkModerationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if bulk_form.is_valid():
            data = bulk_form.cleaned_data
            try:
                result = moderation.comments_bulk_moderate(
                    comment_ids=data["comments"],
                    moderator=request.user,
                    action=data["action"],
                    reason=data["reason"],
                )
            except ApplicationError as error:
                bulk_form.add_error(None, error.message)
                status = error.status
            else:
                _report_bulk(request, result)
                return redirect(request.get_full_path())
        else:
            status = 400
    queue = moderation.moderation_queue(
        user=request.user,
        consultation_id=chosen.pk if chosen else None,
        state=filters.get("state") or "",
        reported_only=bool(filters.get("reported")),
    )
    # Keep the boxes that were ticked when the bulk form comes back with an error.
    selected = set(getattr(bulk_form, "cleaned_data", {}).get("comments") or [])
    return render(
        request,
        "consultations/moderation/queue.html",
        {
            "page": _page(request, queue),
            "consultations": list(consultations),
            "states": moderation.QUEUE_STATES,
            "chosen_consultation_id": chosen.pk if chosen else None,
            "chosen_state": filters.get("state") or "",
            "reported_only": bool(filters.get("reported")),
            "bulk_form": bulk_form,
            "selected": selected,
            "is_site_admin": getattr(request.user, "is_site_admin", False),
            "page_title": "Moderation queue",
        },
        status=status,
    )


def _report_bulk(request: HttpRequest, result: moderation.BulkResult) -> None:
    done = {"approve": "approved", "reject": "rejected", "hide": "hidden"}[result.action]
    messages.success(request, f"{_plural(result.changed_count)} {done}.")
    if result.skipped:
        numbers = ", ".join(str(pk) for pk in result.skipped)
        messages.warning(
            request,
            f"{_plural(len(result.skipped))} skipped because they could not be {done} in their "
            f"current state: {numbers}.",
        )
    if result.not_found:
        messages.warning(
            request, f"{_plural(len(result.not_found))} could not be found in your queue."
        )


def _available_actions(comment: Comment) -> list[ModerationAction]:
    actions = [a for a in ModerationAction if comment.state in TRANSITIONS[a][0]]
    if not comment.open_report_count:  # type: ignore[attr-defined]
        actions = [a for a in actions if a != ModerationAction.KEEP]
    return actions


@require_http_methods(["GET", "POST"])
def moderation_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment with its section, reports, log and private notes, and a form per action."""
    _ensure_moderator(request)
    comment = moderation.moderation_comment(user=request.user, pk=pk)
    if comment is None:
        raise Http404
    actions = _available_actions(comment)
    decision_forms = {a.value: DecisionForm(action=a) for a in actions}
    note_form = NoteForm()
    status = 200
    refusal = None
    if request.method == "POST":
        if request.POST.get("form") == "note":
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                try:
                    moderation.moderator_note_add(
                        comment=comment, author=request.user, body=note_form.cleaned_data["body"]
                    )
                except ApplicationError as error:
                    note_form.add_error("body", error.message)
                    status = error.status
                else:
                    messages.success(request, "Your note has been added.")
                    return redirect("consultations:moderation_comment", pk=comment.pk)
            else:
                status = 400
        else:
            action = request.POST.get("action", "")
            if action not in decision_forms:
                refusal = "This comment is no longer in a state where that can be done."
                status = 409
            else:
                form = DecisionForm(request.POST, action=action)
                decision_forms[action] = form
                if form.is_valid():
                    try:
                        moderation.comment_moderate(
                            comment=comment,
                            moderator=request.user,
                            action=action,
                            reason=form.cleaned_data["reason"],
                        )
                    except ApplicationError as error:
                        form.add_error("reason", error.message)
                        status = error.status
                    else:
                        messages.success(request, _decided_message(comment.pk, action))
                        return redirect("consultations:moderation_queue")
                else:
                    status = 400
    return render(
        request,
        "consultations/moderation/comment.html",
        {
            "comment": comment,
            "decision_forms": list(decision_forms.values()),
            "note_form": note_form,
            "error_form": next(
                (f for f in [*decision_forms.values(), note_form] if f.is_bound and f.errors),
                None,
            ),
            "refusal": refusal,
            "public_url": strategy_url(comment.consultation, f"comment-{comment.pk}"),
            "section_html": render_sections(
                [comment.section], organisation_id=comment.consultation.organisation_id
            )[0].html,
            "page_title": f"Comment {comment.pk}",
            "is_site_admin": getattr(request.user, "is_site_admin", False),
        },
        status=status,
    )


def _decided_message(pk: int, action: str) -> str:
    done = {
        "approve": "approved and published",
        "reject": "rejected",
        "hide": "hidden",
        "restore": "restored and published",
        "keep": "kept published and its reports closed",
    }[action]
    return f"Comment {pk} {done}."


@require_GET
def moderation_log(request: HttpRequest) -> HttpResponse:
    """Every moderation decision, newest first: for site administrators."""
    _ensure_site_admin(request)
    consultations = moderation.moderatable_consultations(request.user)
    filter_form = LogFilterForm(request.GET or None, consultations=consultations)
    chosen = _filters(filter_form).get("consultation")
    entries = moderation.moderation_log(consultation_id=chosen.pk if chosen else None)
    return render(
        request,
        "consultations/moderation/log.html",
        {
            "page": _page(request, entries),
            "consultations": list(consultations),
            "chosen_consultation_id": chosen.pk if chosen else None,
            "page_title": "Moderation log",
            "is_site_admin": True,
        },
    )
