"""Staff's review of the themes in the latest report: rename, merge, hide or restore one.
The next compilation applies it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lepportal.core.exceptions import ApplicationError

from ...models import Consultation, Question, ThemeEdit
from .record import free_text_entry, latest_report

THEME_LABEL_MAX = 100


class ThemeAction:
    RENAME = "rename"
    MERGE = "merge"
    HIDE = "hide"
    RESTORE = "restore"
    ALL = (RENAME, MERGE, HIDE, RESTORE)


def _known_themes(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    known = {theme["key"]: theme for theme in entry.get("hidden_themes", [])}
    known.update({theme["key"]: theme for theme in entry.get("merged_themes", [])})
    known.update({theme["key"]: theme for theme in entry["themes"]})
    return known


@transaction.atomic
def theme_edit_save(
    *,
    consultation: Consultation,
    question: Question,
    theme_key: str,
    action: str,
    user: Any,
    label: str = "",
    merge_into: str = "",
) -> ThemeEdit:
    """Rename, merge, hide or restore one theme of the latest report on ``question``. The
    next compilation applies it (and the report says which themes were edited)."""
    if question.consultation_id != consultation.pk or question.kind != Question.Kind.FREE_TEXT:
        raise ApplicationError("Choose a question with written answers from this consultation.")
    if action not in ThemeAction.ALL:
        raise ApplicationError("Choose what to do with the theme.")
    compilation = latest_report(consultation)
    entry = free_text_entry(compilation, question.pk) if compilation else None
    if entry is None:
        raise ApplicationError(
            "Compile the report before reviewing its themes.", code="no_report", status=409
        )
    known = _known_themes(entry)
    theme = known.get(theme_key)
    if theme is None:
        raise ApplicationError(
            "That theme is not in the latest report. Compile again and review its themes.",
            code="unknown_theme",
            status=409,
        )
    edit = ThemeEdit.objects.select_for_update().filter(question=question, theme_key=theme_key)
    existing = edit.first()
    if existing is None:
        existing = ThemeEdit(
            consultation=consultation,
            question=question,
            theme_key=theme_key,
            original_label=theme.get("original_label") or theme["label"],
            label=theme["label"],
            term_weights=theme.get("term_weights") or {},
        )
    if action == ThemeAction.RENAME:
        new_label = " ".join(label.split())
        if not new_label:
            raise ApplicationError("Enter a new name for the theme.")
        if len(new_label) > THEME_LABEL_MAX:
            raise ApplicationError(
                f"The theme's name must be {THEME_LABEL_MAX} characters or fewer."
            )
        existing.label = new_label
    elif action == ThemeAction.MERGE:
        visible = {t["key"]: t for t in entry["themes"]}
        if merge_into == theme_key or merge_into not in visible:
            raise ApplicationError("Choose another theme of this question to merge it into.")
        target_edit = ThemeEdit.objects.filter(question=question, theme_key=merge_into).first()
        if target_edit is not None and (target_edit.merged_into or target_edit.hidden):
            raise ApplicationError(
                f"“{visible[merge_into]['label']}” is itself hidden or merged: choose another "
                "theme."
            )
        existing.merged_into = merge_into
        existing.hidden = False
    elif action == ThemeAction.HIDE:
        existing.hidden = True
        existing.merged_into = ""
    else:
        existing.hidden = False
        existing.merged_into = ""
    existing.edited_by = user
    existing.full_clean()
    existing.save()
    return existing
