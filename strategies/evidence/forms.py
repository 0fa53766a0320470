from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.utils import timezone

from lepportal.core.forms import GDSFormMixin

from ..models import EvidenceBlock, EvidenceDataset, Priority, Section


class DatasetUploadForm(GDSFormMixin, forms.Form):
    submit_label = "Upload and check"
    year = forms.IntegerField(
        min_value=1990,
        help_text="The year the figures describe, such as 2017.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    nation = forms.ChoiceField(
        label="Compared with",
        choices=EvidenceDataset.Nation.choices,
        widget=forms.RadioSelect,
        initial=EvidenceDataset.Nation.ENGLAND,
        help_text="The national figures in the file are for this nation.",
    )
    source_note = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Where the figures come from, such as “ONS BRES 2017; ONS sub-regional "
        "productivity 2017”. It is shown with the evidence wherever it appears.",
    )
    file = forms.FileField(
        allow_empty_file=True,  # the parser explains an empty file in the same way as others
        label="CSV file",
        help_text="In the format below. Up to 1 MB. Uploading a year again replaces its figures.",
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError("The year cannot be in the future.")
        return year


class EvidencePlaceForm(GDSFormMixin, forms.Form):
    submit_label = "Place in the section"
    kind = forms.ChoiceField(
        label="What to place",
        choices=EvidenceBlock.Kind.choices,
        widget=forms.RadioSelect,
        initial=EvidenceBlock.Kind.CHART,
        help_text="The chart always comes with its table, for people who cannot see it.",
    )

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {str(section.pk): section for section in sections}
        self.fields["section"] = forms.ChoiceField(
            label="Section",
            choices=[("", "Choose a section")]
            + [(str(s.pk), f"{s.strategy.title}: {s.title}") for s in sections],
            help_text="The evidence is added at the end of the section's text, as a new "
            "revision. Move its line to place it elsewhere.",
        )

    def clean_section(self) -> Section:
        section = self.sections.get(self.cleaned_data["section"])
        if section is None:
            raise forms.ValidationError("Choose the section to place the evidence in.")
        return section


class KpiForm(GDSFormMixin, forms.Form):
    submit_label = "Save indicator"
    name = forms.CharField(max_length=200, help_text="Such as “GVA per hour worked”.")
    unit = forms.CharField(max_length=50, help_text="Such as “£”, “%” or “jobs”.")
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(),
        required=False,
        empty_label="Not linked",
        help_text="The priority this indicator measures.",
    )
    baseline_value = forms.DecimalField(max_digits=16, decimal_places=3, help_text="A number.")
    baseline_date = DateInputField(label="Baseline date", help_text="For example, 31 3 2019")
    target_value = forms.DecimalField(max_digits=16, decimal_places=3, help_text="A number.")
    target_date = DateInputField(label="Target date", help_text="For example, 31 3 2030")

    def __init__(self, *args: Any, priorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities


class KpiReadingForm(GDSFormMixin, forms.Form):
    submit_label = "Add reading"
    date = DateInputField(label="Date of the reading", help_text="For example, 31 3 2021")
    value = forms.DecimalField(max_digits=16, decimal_places=3, help_text="A number.")
    note = forms.CharField(
        required=False, max_length=300, help_text="Optional: the source of the figure."
    )
