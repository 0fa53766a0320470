"""Forms of the staff pages on responses: the list's filters and the import steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.html import format_html

from lepportal.core.forms import GDSFormMixin
from lepportal.core.reference import sic_sections

from . import imports
from .constants import Consent, OrganisationType, RespondentType, SizeBand
from .models import Question, Response
from .selectors import ResponseFilters


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *((str(value), str(text)) for value, text in choices)]


class ResponseFilterForm(forms.Form):
    """The list's filters, read from the query string. A value that is not a choice (an old
    or edited link) is ignored rather than refused."""

    q = forms.CharField(
        label="Search answers and organisation names", required=False, max_length=200
    )
    respondent_type = forms.ChoiceField(
        label="Respondent type", required=False, choices=_any("Any type", RespondentType.choices)
    )
    organisation_type = forms.ChoiceField(
        label="Organisation type",
        required=False,
        choices=_any("Any organisation type", OrganisationType.choices),
    )
    size_band = forms.ChoiceField(
        label="Size band", required=False, choices=_any("Any size", SizeBand.choices)
    )
    sector = forms.ChoiceField(
        label="Sector",
        required=False,
        choices=_any("Any sector", ((v, f"{v}: {name}") for v, name in sic_sections())),
    )
    consent = forms.ChoiceField(
        label="Consent to publish", required=False, choices=_any("Any consent", Consent.choices)
    )
    source = forms.ChoiceField(
        label="Source", required=False, choices=_any("Any source", Response.Source.choices)
    )
    answer = forms.ChoiceField(label="Answer", required=False)
    include_withdrawn = forms.BooleanField(label="Include withdrawn responses", required=False)

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: list[tuple[str, Any]] = [("", "Any answer")]
        for index, question in enumerate(questions, start=1):
            if question.is_choice:
                groups.append(
                    (
                        f"Q{index}. {question.text}",
                        [(str(option.pk), option.label) for option in question.options.all()],
                    )
                )
        cast(forms.ChoiceField, self.fields["answer"]).choices = groups
        for bound in self.fields.values():
            if isinstance(bound.widget, forms.Select):
                bound.widget.attrs["class"] = "govuk-select"
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["class"] = "govuk-input"
        self.fields["include_withdrawn"].widget.attrs["class"] = "govuk-checkboxes__input"

    def filters(self) -> ResponseFilters:
        """The valid filters; invalid ones are dropped."""
        self.is_valid()
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        answer = data.get("answer") or ""
        return ResponseFilters(
            respondent_type=data.get("respondent_type", ""),
            organisation_type=data.get("organisation_type", ""),
            size_band=data.get("size_band", ""),
            sector=data.get("sector", ""),
            consent=data.get("consent", ""),
            source=data.get("source", ""),
            option_id=int(answer) if answer else None,
            search=data.get("q", ""),
            include_withdrawn=bool(data.get("include_withdrawn")),
        )


class ImportUploadForm(GDSFormMixin, forms.Form):
    submit_label = "Upload and continue"
    source_name = forms.CharField(
        label="Where the responses come from",
        max_length=200,
        error_messages={"required": "Enter where the responses come from"},
        help_text="Shown with every imported response, such as “Paper forms at the Crewe "
        "business fair” or “Online survey by the Chamber of Commerce”.",
    )
    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,  # an empty file is explained like any other problem with it
        error_messages={"required": "Choose a CSV file to upload"},
        help_text="A CSV export of another survey tool or a spreadsheet, in UTF-8, up to 5 MB. "
        "The first row must name the columns; each other row is one response.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError("The file must be 5 MB or smaller.")
        self.file_name = str(upload.name or "upload.csv")
        data: bytes = upload.read()
        try:
            imports.parse_csv(data)
        except imports.ImportRejected as rejected:
            raise forms.ValidationError([str(p) for p in rejected.problems]) from rejected
        return data


class ColumnMappingForm(forms.Form):
    """One choice per column of the uploaded file: what it holds. Rendered by hand (see
    ``import_columns.html``) because its labels come from the file and must stay escaped."""

    def __init__(
        self,
        *args: Any,
        parsed: imports.ParsedFile,
        questions: Sequence[Question],
        initial_targets: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parsed = parsed
        self.questions = list(questions)
        choices: list[tuple[str, Any]] = [
            (imports.IGNORE, "Ignore this column"),
            ("About the respondent", list(imports.PROFILE_TARGETS.items())),
            (
                "Questions",
                [
                    (imports.question_target(q), f"Q{index}. {q.text}")
                    for index, q in enumerate(self.questions, start=1)
                ],
            ),
        ]
        for index in range(len(parsed.headers)):
            samples = "; ".join(sample[:60] for sample in parsed.samples(index))
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=format_html("Column {}: {}", index + 1, parsed.column_name(index)),
                choices=choices,
                initial=initial_targets[index] if index < len(initial_targets) else "",
                help_text=format_html("For example: {}", samples)
                if samples
                else "Blank in every row.",
                widget=forms.Select(
                    attrs={"class": "govuk-select", "aria-describedby": f"id_column_{index}-hint"}
                ),
            )

    def full_clean(self) -> None:
        super().full_clean()
        # Mark the selects in error as GOV.UK Frontend does, naming their messages.
        for name, errors in self.errors.items():
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = "govuk-select govuk-select--error"
                attrs["aria-describedby"] = " ".join(
                    [f"id_{name}-hint"]
                    + [f"id_{name}-error-{n}" for n in range(1, len(errors) + 1)]
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for problem in imports.check_mapping(self.targets(), self.parsed, self.questions):
                if problem.column_index is not None:
                    self.add_error(f"column_{problem.column_index}", problem.message)
                else:
                    self.add_error(None, problem.message)
        return cleaned

    def targets(self) -> list[str]:
        return [
            self.cleaned_data.get(f"column_{i}", imports.IGNORE)
            for i in range(len(self.parsed.headers))
        ]
