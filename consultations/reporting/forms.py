"""Forms of the report pages. Each is small and rendered by hand with GOV.UK markup, so that
several can sit on one page (one per theme) with ids that never clash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from .compile import OUTCOME_TEXT_MAX, THEME_LABEL_MAX, ThemeAction


class CompileForm(forms.Form):
    final = forms.BooleanField(required=False)


class ThemeEditForm(forms.Form):
    theme = forms.CharField(max_length=100)
    action = forms.ChoiceField(choices=[(action, action) for action in ThemeAction.ALL])
    label = forms.CharField(required=False, max_length=THEME_LABEL_MAX * 2, strip=True)
    merge_into = forms.CharField(required=False, max_length=100)

    def first_error(self) -> str:
        if "label" in self.errors:
            return f"The theme's name must be {THEME_LABEL_MAX} characters or fewer."
        return "Choose a theme and what to do with it."


class PublishForm(forms.Form):
    compilation = forms.IntegerField(min_value=1)


@dataclass
class OutcomeRowFields:
    key: str
    topic: str
    context: str
    key_field: forms.BoundField
    you_said: forms.BoundField
    we_did: forms.BoundField


class OutcomeRowsForm(forms.Form):
    """The “You said, we did” table: for row ``i`` a hidden ``key_i`` (so a table that changed
    since the page was opened is noticed, not written to the wrong row), ``you_said_i`` and
    ``we_did_i``."""

    def __init__(self, *args: Any, rows: Sequence[dict[str, Any]], **kwargs: Any) -> None:
        initial: dict[str, str] = {}
        for index, row in enumerate(rows):
            initial |= {
                f"key_{index}": row["key"],
                f"you_said_{index}": row["you_said"],
                f"we_did_{index}": row["we_did"],
            }
        kwargs["initial"] = initial
        kwargs["auto_id"] = "you-said-%s"
        super().__init__(*args, **kwargs)
        self.source_rows = list(rows)
        for index, row in enumerate(rows):
            self.fields[f"key_{index}"] = forms.CharField(widget=forms.HiddenInput, max_length=200)
            self.fields[f"you_said_{index}"] = forms.CharField(
                max_length=OUTCOME_TEXT_MAX,
                error_messages={
                    "required": f"Say what people said about “{row['topic']}”",
                    "max_length": f"Keep what people said about “{row['topic']}” to "
                    f"{OUTCOME_TEXT_MAX:,} characters or fewer",
                },
            )
            self.fields[f"we_did_{index}"] = forms.CharField(
                required=False,
                max_length=OUTCOME_TEXT_MAX,
                error_messages={
                    "max_length": f"Keep what you did about “{row['topic']}” to "
                    f"{OUTCOME_TEXT_MAX:,} characters or fewer"
                },
            )

    @property
    def rows(self) -> list[OutcomeRowFields]:
        return [
            OutcomeRowFields(
                key=row["key"],
                topic=row["topic"],
                context=row.get("context", ""),
                key_field=self[f"key_{index}"],
                you_said=self[f"you_said_{index}"],
                we_did=self[f"we_did_{index}"],
            )
            for index, row in enumerate(self.source_rows)
        ]

    def error_items(self) -> list[dict[str, str]]:
        items = []
        for name, errors in self.errors.items():
            anchor = self[name].id_for_label if name in self.fields else ""
            items += [{"id": anchor, "message": str(message)} for message in errors]
        return items

    def texts(self) -> dict[str, tuple[str, str]]:
        """{row key: (you said, we did)} from valid data; a changed table raises KeyError."""
        texts = {}
        for index, row in enumerate(self.source_rows):
            if self.cleaned_data[f"key_{index}"] != row["key"]:
                raise KeyError(row["key"])
            texts[row["key"]] = (
                self.cleaned_data[f"you_said_{index}"],
                self.cleaned_data[f"we_did_{index}"],
            )
        return texts
