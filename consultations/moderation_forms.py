"""Forms for section comments and the moderation pages. They only parse input: the rules
(open consultation, one report per person, from-states, reasons) live in ``moderation.py``."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from lepportal.core.forms import GDSFormMixin

from .models import Consultation
from .moderation import (
    BULK_ACTIONS,
    COMMENT_MAX_CHARACTERS,
    NOTE_MAX_CHARACTERS,
    QUEUE_STATES,
    REASON_MAX_CHARACTERS,
    REASON_REQUIRED,
    ModerationAction,
)

COMMENT_HINT = (
    "Plain text: links and formatting are shown as you type them. Do not include personal "
    "details such as phone numbers or addresses."
)


def _no_maxlength(field: forms.Field) -> None:
    """Let the GOV.UK character count warn while typing and the server explain an overlong
    text, instead of the browser silently cutting it short."""
    field.widget.attrs.pop("maxlength", None)


class CommentForm(GDSFormMixin, forms.Form):
    submit_label = "Post comment"
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        help_text=COMMENT_HINT,
        error_messages={
            "required": "Enter your comment",
            "max_length": "Your comment must be 5,000 characters or fewer (it has %(show_value)s)",
        },
    )

    def __init__(self, *args: Any, submit_label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if submit_label:
            self.submit_label = submit_label
        _no_maxlength(self.fields["body"])
        self.helper.layout = Layout(
            Field.textarea(
                "body", label_size=Size.SMALL, rows=6, max_characters=COMMENT_MAX_CHARACTERS
            )
        )


class ReportForm(GDSFormMixin, forms.Form):
    submit_label = "Report comment"
    reason = forms.CharField(
        label="Why should a moderator look at this comment?",
        max_length=REASON_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: it is abusive, it is advertising, or it shares someone's "
        "personal details.",
        error_messages={
            "required": "Say why you are reporting this comment",
            "max_length": "Your reason must be 500 characters or fewer (it has %(show_value)s)",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_maxlength(self.fields["reason"])
        self.helper.layout = Layout(
            Field.textarea(
                "reason", label_size=Size.SMALL, rows=4, max_characters=REASON_MAX_CHARACTERS
            )
        )


DECISION_LABELS = {
    ModerationAction.APPROVE: ("Approve and publish", "Reason (optional)"),
    ModerationAction.REJECT: ("Reject", "Reason for rejecting"),
    ModerationAction.HIDE: ("Hide", "Reason for hiding"),
    ModerationAction.RESTORE: ("Restore and publish", "Reason (optional)"),
    ModerationAction.KEEP: ("Keep published and close the reports", "Note for the log (optional)"),
}


class DecisionForm(GDSFormMixin, forms.Form):
    """One moderation action on one comment. Prefixed with the action, so that a page can
    hold one form for each action it offers."""

    reason = forms.CharField(
        max_length=REASON_MAX_CHARACTERS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "The reason must be 500 characters or fewer (it has %(show_value)s)"
        },
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=action, **kwargs)
        self.action = ModerationAction(action)
        button, label = DECISION_LABELS[self.action]
        self.submit_label = button
        field = self.fields["reason"]
        field.label = label
        if self.action in REASON_REQUIRED:
            field.required = True
            field.error_messages["required"] = (
                f"Give a reason to {self.action.label.lower()} the comment"
            )
            field.help_text = "The author is sent this reason by e-mail."
        elif self.action == ModerationAction.KEEP:
            field.help_text = "Recorded in the moderation log; nobody is e-mailed."
        else:
            field.help_text = "Recorded in the moderation log and sent to the author."


class NoteForm(GDSFormMixin, forms.Form):
    submit_label = "Add note"
    body = forms.CharField(
        label="Private note",
        max_length=NOTE_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only moderators see notes. The author and the public never do.",
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 2,000 characters or fewer (it has %(show_value)s)",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="note", **kwargs)


class CommentIdsField(forms.Field):
    """The ticked comment checkboxes: a list of ids."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one comment",
        "invalid": "Select comments from the list",
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class BulkModerationForm(forms.Form):
    """The queue's bulk form; its fields are laid out by hand around the queue's table."""

    comments = CommentIdsField()
    action = forms.ChoiceField(
        label="What to do with the selected comments",
        choices=[(a.value, a.label) for a in BULK_ACTIONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, reject or hide"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=REASON_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "The reason must be 500 characters or fewer (it has %(show_value)s)"
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in REASON_REQUIRED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason to reject or hide: the authors are told it")
        return data


class QueueFilterForm(forms.Form):
    """The queue's filters (a GET form, laid out by hand as a filter bar)."""

    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.none(), required=False, empty_label="All consultations"
    )
    state = forms.ChoiceField(label="Show", choices=QUEUE_STATES, required=False)
    reported = forms.BooleanField(label="Reported only", required=False)

    def __init__(self, *args: Any, consultations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = consultations


class LogFilterForm(forms.Form):
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.none(), required=False, empty_label="All consultations"
    )

    def __init__(self, *args: Any, consultations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = consultations
