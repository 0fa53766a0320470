from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.html import escape

from lepportal.core.forms import GDSFormMixin
from lepportal.core.reference import sic_sections

from .answers import OTHER, clean_answer
from .constants import Consent, OrganisationType, RespondingAs, SizeBand
from .models import Consultation, Question
from .services import SUMMARY_MAX_WORDS, word_count

LONDON = ZoneInfo("Europe/London")

DEFAULT_PRIVACY_NOTICE = (
    "{organisation} runs this consultation. We use what you tell us to develop our Local "
    "Industrial Strategy; our lawful basis is public task (UK GDPR Article 6(1)(e)).\n\n"
    "We publish summaries of responses. We publish an organisation's name only where it agrees; "
    "we never publish the names of individuals. Responses, including personal data, may be "
    "disclosed under the Freedom of Information Act 2000 and the Environmental Information "
    "Regulations 2004.\n\n"
    "We delete names, e-mail addresses and postcodes a year after the consultation closes and "
    "keep the anonymous answers. You can see, change or withdraw your response while the "
    "consultation is open, and download what we hold about you."
)


def london_datetime(day: Any, clock: str, label: str) -> datetime:
    try:
        hours, minutes = (int(part) for part in clock.strip().split(":"))
        moment = time(hours, minutes)
    except (ValueError, TypeError) as error:
        raise forms.ValidationError(
            f"Enter the {label} time as hours and minutes, such as 09:00 or 23:59."
        ) from error
    return datetime.combine(day, moment, tzinfo=LONDON)


def every_field(names: Iterable[str], *, leave_out: Collection[str] = (), **special: Any) -> Layout:
    """A crispy layout of the fields ``names`` in order: a field named in ``special`` is laid
    out as given there (a crispy ``Field`` with its options), one in ``leave_out`` not at all."""
    return Layout(*[special.get(name, name) for name in names if name not in leave_out])


def honeypot_field() -> forms.CharField:
    """A field people leave empty and bots fill in; a form with one filled in is refused."""
    return forms.CharField(
        required=False, label="Leave this field empty", help_text="Leave this empty."
    )


class RespondentFormMixin(GDSFormMixin):
    """What the forms respondents fill in share: each field's input purpose, so that browsers
    can fill it in (WCAG 1.3.5), and a honeypot, left out of the layout because the template
    renders it apart, out of sight and out of the accessibility tree."""

    autocomplete: ClassVar[Mapping[str, str]] = {}
    honeypot: ClassVar[str] = ""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, purpose in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = purpose
        if self.honeypot:
            self.fields[self.honeypot].widget.attrs.update(
                {"tabindex": "-1", "autocomplete": "off"}
            )
            self.helper.layout = every_field(self.fields, leave_out={self.honeypot})


class ConsultationForm(GDSFormMixin, forms.Form):
    submit_label = "Save consultation"
    title = forms.CharField(max_length=200, help_text="Say what is being consulted on.")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text=f"At most {SUMMARY_MAX_WORDS} words: what you are asking and why.",
    )
    body = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50_000,
        help_text="The background. Markdown is allowed.",
    )
    how_to_respond = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="How to respond: online here, and any other ways, such as by post.",
    )
    privacy_notice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="Who is responsible for the data, the lawful basis, publication, FOI, "
        "retention and people's rights.",
    )
    version = forms.ChoiceField(
        label="Version of the strategy consulted on",
        help_text="Save a named version of the strategy first if the one you want is missing.",
    )
    opens_on = DateInputField(label="Opens on", help_text="For example, 14 1 2019")
    opens_at_time = forms.CharField(
        label="Opening time",
        initial="09:00",
        max_length=5,
        help_text="24-hour clock, UK time.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    closes_on = DateInputField(label="Closes on", help_text="For example, 8 3 2019")
    closes_at_time = forms.CharField(
        label="Closing time",
        initial="23:59",
        max_length=5,
        help_text="24-hour clock, UK time.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    allow_anonymous = forms.BooleanField(
        label="Accept responses from people who have not signed in",
        required=False,
        help_text="Responses from people who have not signed in are protected against abuse "
        "without a CAPTCHA.",
    )
    moderation = forms.ChoiceField(
        label="Comments on the strategy",
        choices=Consultation.Moderation.choices,
        widget=forms.RadioSelect,
        initial=Consultation.Moderation.PRE,
        help_text="How comments on sections are moderated.",
    )

    def __init__(self, *args: Any, versions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in versions}
        self.fields["version"].choices = [
            (str(v.pk), f"Version {v.number}: {v.label}") for v in versions
        ]
        # Every field in order; the summary counts its words as people type.
        self.helper.layout = every_field(
            self.fields, summary=Field.textarea("summary", rows=4, max_words=SUMMARY_MAX_WORDS)
        )

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"]
        if word_count(summary) > SUMMARY_MAX_WORDS:
            raise forms.ValidationError(
                f"The summary must be {SUMMARY_MAX_WORDS} words or fewer "
                f"(it has {word_count(summary)})."
            )
        return summary

    def clean_version(self) -> Any:
        version = self.versions.get(self.cleaned_data["version"])
        if version is None:
            raise forms.ValidationError("Choose a version of the strategy.")
        return version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_on") and "opens_at_time" in data:
            try:
                data["opens_at"] = london_datetime(
                    data["opens_on"], data["opens_at_time"], "opening"
                )
            except forms.ValidationError as error:
                self.add_error("opens_at_time", error)
        if data.get("closes_on") and "closes_at_time" in data:
            try:
                data["closes_at"] = london_datetime(
                    data["closes_on"], data["closes_at_time"], "closing"
                )
            except forms.ValidationError as error:
                self.add_error("closes_at_time", error)
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_on", "The closing date must be after the opening date.")
        return data


class QuestionForm(GDSFormMixin, forms.Form):
    submit_label = "Save question"
    kind = forms.ChoiceField(
        label="Type of question",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        help_text="The agree–disagree scale always offers the standard five answers.",
    )
    text = forms.CharField(label="Question", max_length=500, help_text="Ask one thing.")
    hint = forms.CharField(
        required=False, max_length=500, help_text="Optional guidance shown under the question."
    )
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="For single and multiple choice: one option per line.",
    )
    allow_other = forms.BooleanField(
        label="Add “Other, please specify”",
        required=False,
        help_text="For multiple choice only.",
    )
    max_length = forms.IntegerField(
        label="Character limit",
        min_value=50,
        max_value=20_000,
        initial=2000,
        help_text="For free text only.",
        # GOV.UK asks for numbers in a text input with a numeric keyboard, not type="number".
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    required = forms.BooleanField(
        label="An answer is required",
        required=False,
        help_text="Leave this unticked to let people skip the question.",
    )
    section = forms.ChoiceField(
        label="Strategy section",
        required=False,
        help_text="The section this question is about; its text is shown beside the question.",
    )

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Not linked to a section")] + [
            (str(s.pk), s.title) for s in sections
        ]


class ProfileForm(RespondentFormMixin, forms.Form):
    """About you: the respondent profile (SPEC §3)."""

    submit_label = "Continue"
    autocomplete: ClassVar[Mapping[str, str]] = {
        "email": "email",
        "respondent_name": "name",
        "organisation_name": "organization",
    }
    honeypot = "website"
    responding_as = forms.ChoiceField(
        label="Are you responding as an individual or for an organisation?",
        choices=RespondingAs.choices,
        widget=forms.RadioSelect,
        help_text="Choose one.",
    )
    respondent_name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=200,
        help_text="We never publish the names of individuals.",
    )
    organisation_name = forms.CharField(
        label="Name of your organisation",
        required=False,
        max_length=200,
        help_text="If you are responding for an organisation.",
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        required=False,
        choices=OrganisationType.choices,
        widget=forms.RadioSelect,
        help_text="If you are responding for an organisation.",
    )
    size_band = forms.ChoiceField(
        label="How many people work in your business or organisation?",
        required=False,
        choices=SizeBand.choices,
        widget=forms.RadioSelect,
        help_text="Including you. Skip this if it does not apply.",
    )
    sector = forms.ChoiceField(
        label="Main sector",
        required=False,
        help_text="The UK SIC 2007 section that best describes what you do.",
    )
    location = forms.CharField(
        label="Where are you based?",
        required=False,
        max_length=100,
        help_text="Your local authority, or only the first half of your postcode, such as CW1.",
    )
    consent = forms.ChoiceField(
        label="May we publish your response?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text="We never publish individuals' names.",
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        help_text="For a receipt with a copy of your answers, and to save and come back later.",
    )
    website = honeypot_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "Choose a sector")] + [
            (letter, f"{letter}: {name}") for letter, name in sic_sections()
        ]

    def clean_location(self) -> str:
        location = self.cleaned_data["location"].strip()
        # A full postcode identifies a handful of addresses: keep only its first half.
        parts = location.upper().split()
        if len(parts) == 2 and parts[1][:1].isdigit() and len(parts[1]) == 3 and len(parts[0]) <= 4:
            return parts[0]
        return location

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("responding_as") == RespondingAs.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", "Enter the name of your organisation.")
            if not data.get("organisation_type"):
                self.add_error("organisation_type", "Choose the type of your organisation.")
        return data


def _safe(text: str) -> str:
    # crispy-forms-gds renders labels and hints with |safe: staff-written text is escaped here.
    return escape(text)


class AnswersForm(GDSFormMixin, forms.Form):
    """The questions of one page of the response form, built from the consultation."""

    submit_label = "Continue"

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        # An explicit layout, field by field, so that free text gets GOV.UK's character count.
        layout: list[Any] = []
        for question in questions:
            name = f"q{question.pk}"
            hint = (
                _safe(question.hint)
                if question.hint
                else ("Optional." if not question.required else "Required.")
            )
            options = [(str(o.pk), o.label) for o in question.options.all()]
            if question.kind == Question.Kind.FREE_TEXT:
                # No maxlength attribute: it would cut pasted text short without a word. The
                # character count says how many characters are left (or over) as people type,
                # and the server explains an answer that is too long.
                self.fields[name] = forms.CharField(
                    label=_safe(question.text),
                    required=False,
                    strip=False,
                    widget=forms.Textarea,
                    help_text=hint,
                )
                layout.append(
                    Field.textarea(
                        name, label_size=Size.MEDIUM, rows=6, max_characters=question.max_length
                    )
                )
            elif question.kind == Question.Kind.MULTIPLE:
                if question.allow_other:
                    options.append((OTHER, "Other, please specify"))
                self.fields[name] = forms.MultipleChoiceField(
                    label=_safe(question.text),
                    required=False,
                    choices=options,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=f"{hint} Select all that apply.",
                )
                layout.append(Field.checkboxes(name, legend_size=Size.MEDIUM))
                if question.allow_other:
                    self.fields[f"{name}_other"] = forms.CharField(
                        label="Your other answer",
                        required=False,
                        max_length=500,
                        help_text="If you chose Other.",
                    )
                    layout.append(f"{name}_other")
            else:
                self.fields[name] = forms.ChoiceField(
                    label=_safe(question.text),
                    required=False,
                    choices=options,
                    widget=forms.RadioSelect,
                    help_text=hint,
                )
                layout.append(Field.radios(name, legend_size=Size.MEDIUM))
        self.helper.layout = Layout(*layout)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_answers = {}
        for question in self.questions:
            name = f"q{question.pk}"
            try:
                self.clean_answers[question.pk] = clean_answer(
                    question, data.get(name), data.get(f"{name}_other", "") or ""
                )
            except ValueError as error:
                self.add_error(name, str(error))
        return data


class SaveAndReturnForm(GDSFormMixin, forms.Form):
    submit_label = "Send me a link"
    email = forms.EmailField(
        label="E-mail address",
        help_text="We will send a link to come back to your answers. "
        "It works until the consultation closes.",
    )


class CheckAnswersForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    website = honeypot_field()
