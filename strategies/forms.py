from __future__ import annotations

from typing import Any

from django import forms

from lepportal.core.forms import GDSFormMixin

from .constants import Foundation, GrandChallenge, PlaceKind
from .models import StrategyVersion

MARKDOWN_HELP = (
    "Write in Markdown: a blank line between paragraphs, ## for a heading, - for a bullet, "
    "**bold**, [link text](https://example.org). See the formatting guide below."
)


class StrategyCreateForm(GDSFormMixin, forms.Form):
    submit_label = "Create strategy"
    title = forms.CharField(
        max_length=200,
        initial="Local Industrial Strategy",
        help_text="The strategy starts with the standard sections: foreword, executive summary, "
        "our place and economy, the five foundations, the four Grand Challenges, priorities, "
        "delivery and evaluation, and consultation summary.",
    )


class SectionForm(GDSFormMixin, forms.Form):
    submit_label = "Save section"
    title = forms.CharField(max_length=200, help_text="The heading of this section.")
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "true"}),
        help_text=MARKDOWN_HELP,
    )
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SectionAddForm(GDSFormMixin, forms.Form):
    submit_label = "Add section"
    title = forms.CharField(
        label="Section title", max_length=200, help_text="It is added at the end; move it after."
    )


class VersionForm(GDSFormMixin, forms.Form):
    submit_label = "Save version"
    label = forms.CharField(
        label="Name of the version",
        max_length=200,
        help_text="For example “Draft for consultation” or “Revised after consultation”.",
    )


class TransitionForm(GDSFormMixin, forms.Form):
    submit_label = "Confirm"
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the strategy's timeline.",
    )

    def __init__(self, *args: Any, versions: list[StrategyVersion] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if versions is not None:
            self.fields["version"] = forms.ChoiceField(
                label="Version to publish",
                choices=[("new", "Save the current text as a new version and publish it")]
                + [(str(v.number), f"Version {v.number}: {v.label}") for v in versions],
                initial="new",
                widget=forms.RadioSelect,
                help_text="The public sees this version until the next publication.",
            )


class PriorityForm(GDSFormMixin, forms.Form):
    submit_label = "Save priority"
    title = forms.CharField(max_length=200, help_text="A clearly defined priority.")
    description = forms.CharField(
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it will do and why.",
    )
    foundations = forms.MultipleChoiceField(
        choices=Foundation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all the foundations of productivity it serves.",
    )
    grand_challenges = forms.MultipleChoiceField(
        label="Grand Challenges",
        choices=GrandChallenge.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    place_kinds = forms.MultipleChoiceField(
        label="Kinds of place",
        choices=PlaceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where it will raise productivity.",
    )
