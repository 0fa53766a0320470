"""Checking answers against a consultation's questions: one set of rules for the online form,
the API and imports, so that every way in refuses the same bad input with the same words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Question

OTHER = "other"


@dataclass
class CleanAnswer:
    """What one question was answered with: option ids and/or a text."""

    option_ids: list[int] = field(default_factory=list)
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.option_ids and not self.text


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v) != ""]
    return [str(value)]


def clean_answer(question: Question, raw: Any, other_text: str = "") -> CleanAnswer:
    """Turn submitted values into a clean answer or raise ValueError with a message for the
    respondent. ``raw`` is option ids (as strings or ints; "other" for Other) or a text."""
    options = {option.pk for option in question.options.all()}
    if question.kind == Question.Kind.FREE_TEXT:
        text = "" if raw is None else str(raw).replace("\x00", "").strip()
        if len(text) > question.max_length:
            raise ValueError(
                f"Your answer must be {question.max_length:,} characters or fewer "
                f"(it has {len(text):,})."
            )
        if question.required and not text:
            raise ValueError("Enter an answer to this question.")
        return CleanAnswer(text=text)
    values = _as_list(raw)
    chose_other = OTHER in values
    values = [v for v in values if v != OTHER]
    try:
        ids = [int(v) for v in values]
    except ValueError as error:
        raise ValueError("Choose from the options given.") from error
    if any(i not in options for i in ids) or len(set(ids)) != len(ids):
        raise ValueError("Choose from the options given.")
    if question.kind != Question.Kind.MULTIPLE and len(ids) + chose_other > 1:
        raise ValueError("Choose one option.")
    text = ""
    if chose_other:
        if not (question.kind == Question.Kind.MULTIPLE and question.allow_other):
            raise ValueError("Choose from the options given.")
        text = other_text.replace("\x00", "").strip()
        if not text:
            raise ValueError("Say what your other answer is.")
        if len(text) > 500:
            raise ValueError("Your other answer must be 500 characters or fewer.")
    if question.required and not ids and not text:
        raise ValueError(
            "Select all that apply."
            if question.kind == Question.Kind.MULTIPLE
            else "Choose an answer."
        )
    return CleanAnswer(option_ids=ids, text=text)


def clean_answers(
    questions: Iterable[Question], raw: Mapping[int, Any], other: Mapping[int, str] | None = None
) -> tuple[dict[int, CleanAnswer], dict[int, str]]:
    """Clean every question's answer; return (answers, errors by question id)."""
    answers: dict[int, CleanAnswer] = {}
    errors: dict[int, str] = {}
    for question in questions:
        try:
            answers[question.pk] = clean_answer(
                question, raw.get(question.pk), (other or {}).get(question.pk, "")
            )
        except ValueError as error:
            errors[question.pk] = str(error)
    return answers, errors
