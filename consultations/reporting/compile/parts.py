"""The parts of a compilation that workers share: the plan, the overview and closed questions,
and one part per free-text question (themes, quotes and campaigns). Parts only read, and
return plain JSON for the assembly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ...constants import Consent, RespondentType
from ...models import Answer, Compilation, Question, Response, ThemeEdit
from .. import render
from ..themes import ReviewedTheme, TextDocument, analyse_free_text
from .record import CHUNK_SIZE, beat, free_text_entry, jsonable, latest_report, part_done

QUOTABLE_CONSENT = frozenset({Consent.WITH_NAME, Consent.ANONYMOUS})
QUOTES_PER_THEME = 3
QUOTE_MAX_CHARACTERS = 600
RESPONDENT_TYPE_LABELS = dict(RespondentType.choices)


def _consultation_id(compilation_id: int) -> int:
    return Compilation.objects.values_list("consultation_id", flat=True).get(pk=compilation_id)


def compilation_plan(*, compilation_id: int, attempt: int) -> list[int]:
    """The free-text questions to analyse (one part each, plus one for closed questions)."""
    consultation_id = _consultation_id(compilation_id)
    question_ids = list(
        Question.objects.filter(consultation_id=consultation_id, kind=Question.Kind.FREE_TEXT)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    beat(
        compilation_id,
        attempt,
        parts_total=len(question_ids) + 1,
        progress=5,
        stage="Counting the answers to closed questions and finding themes in written answers",
    )
    return question_ids


def closed_part(*, compilation_id: int, attempt: int) -> dict[str, Any]:
    """Who responded, and counts and percentages for every closed question."""
    from .. import aggregate  # the analysis core; imported here so the pages load without it

    consultation_id = _consultation_id(compilation_id)
    beat(compilation_id, attempt)
    overview = aggregate.overview(consultation_id)
    beat(compilation_id, attempt)
    closed = aggregate.closed_questions(consultation_id)
    part = jsonable({"kind": "closed", "overview": overview, "closed_questions": closed})
    part_done(compilation_id, attempt, "the closed questions")
    return part


def _text_answers(question_id: int) -> Iterable[tuple[int, str, str, str]]:
    return (
        Answer.objects.filter(
            question_id=question_id,
            option__isnull=True,
            response__status=Response.Status.SUBMITTED,
        )
        .order_by("response_id")
        .values_list("response_id", "text", "response__respondent_type", "response__consent")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def free_text_part(*, compilation_id: int, attempt: int, question_id: int) -> dict[str, Any]:
    """Themes, quotes and campaigns in the answers to one free-text question."""
    consultation_id = _consultation_id(compilation_id)
    question = Question.objects.get(pk=question_id, consultation_id=consultation_id)
    beat(compilation_id, attempt, stage=f"Reading the answers to “{question.text}”"[:300])
    documents: list[TextDocument] = []
    types: dict[int, str] = {}
    quotable: set[int] = set()
    for index, (response_id, text, respondent_type, consent) in enumerate(
        _text_answers(question_id), start=1
    ):
        # Quotable only with an explicit consent to publish (a blank consent is not one).
        can_quote = consent in QUOTABLE_CONSENT
        documents.append(
            TextDocument(
                response_id=response_id,
                text=text,
                respondent_type=respondent_type or "",
                can_quote=can_quote,
            )
        )
        types[response_id] = respondent_type or ""
        if can_quote:
            quotable.add(response_id)
        if index % CHUNK_SIZE == 0:
            beat(compilation_id, attempt)
    edits = {edit.theme_key: edit for edit in ThemeEdit.objects.filter(question_id=question_id)}
    reviewed = reviewed_themes(question, edits) if edits else None
    beat(compilation_id, attempt, stage=f"Finding themes in the answers to “{question.text}”"[:300])
    analysis = analyse_free_text(documents, reviewed=reviewed)
    del documents
    entry = _free_text_entry(question, analysis, edits, types, quotable)
    part = jsonable(entry)
    part_done(compilation_id, attempt, f"the answers to “{question.text}”")
    return part


def reviewed_themes(question: Question, edits: dict[str, ThemeEdit]) -> list[ReviewedTheme]:
    """The theme framework staff reviewed: every theme of the latest report on this question,
    with the reviewers' names, hidden themes and merges, and any edited theme the report no
    longer had."""
    reviewed: list[ReviewedTheme] = []
    seen: set[str] = set()
    compilation = latest_report(question.consultation)
    entry = free_text_entry(compilation, question.pk) if compilation else None
    previous = []
    if entry is not None:
        previous = entry["themes"] + entry.get("hidden_themes", []) + entry.get("merged_themes", [])
    for theme in previous:
        key = theme["key"]
        if key in seen or not theme.get("term_weights"):
            continue
        seen.add(key)
        edit = edits.get(key)
        reviewed.append(
            ReviewedTheme(
                key=key,
                label=(edit.label if edit else theme["label"]) or theme["label"],
                term_weights=theme["term_weights"],
                hidden=bool(edit and edit.hidden),
                merged_into=(edit.merged_into or None) if edit else None,
            )
        )
    for key, edit in edits.items():
        if key not in seen and edit.term_weights:
            reviewed.append(
                ReviewedTheme(
                    key=key,
                    label=edit.label or edit.original_label,
                    term_weights=edit.term_weights,
                    hidden=edit.hidden,
                    merged_into=edit.merged_into or None,
                )
            )
    return reviewed


def _merge_target(key: str, edits: dict[str, ThemeEdit]) -> str | None:
    """Where a merged theme ends up, following chains of merges (and stopping at a loop)."""
    seen = {key}
    target = edits[key].merged_into if key in edits else ""
    while target and target in edits and edits[target].merged_into and target not in seen:
        seen.add(target)
        target = edits[target].merged_into
    return target if target and target not in seen else None


def _by_type(response_ids: Iterable[int], types: dict[int, str]) -> list[dict[str, Any]]:
    counts = Counter(types.get(response_id, "") for response_id in response_ids)
    order = [value for value, _label in RespondentType.choices] + [""]
    return [
        {"key": key, "label": RESPONDENT_TYPE_LABELS.get(key, "Not given"), "count": counts[key]}
        for key in order
        if counts[key]
    ]


def _quote(quote: dict[str, Any], types: dict[int, str]) -> dict[str, Any]:
    respondent_type = types.get(quote["response_id"], quote.get("respondent_type", ""))
    return {
        "response_id": quote["response_id"],
        "text": render.excerpt(quote["text"], QUOTE_MAX_CHARACTERS),
        "respondent_type": respondent_type,
        "respondent_label": render.respondent_description(respondent_type),
    }


def _free_text_entry(
    question: Question,
    analysis: Any,
    edits: dict[str, ThemeEdit],
    types: dict[int, str],
    quotable: set[int],
) -> dict[str, Any]:
    """The report's data on one question. Reviewers' edits are applied here too (whatever the
    analysis did with them), so a renamed, hidden or merged theme is always shown as edited."""
    themes: dict[str, dict[str, Any]] = {}
    for theme in analysis.themes:
        themes[theme.key] = {
            "key": theme.key,
            "label": theme.label,
            "original_label": theme.label,
            "keywords": list(theme.keywords),
            "term_weights": {str(k): float(v) for k, v in dict(theme.term_weights).items()},
            "response_ids": set(theme.response_ids),
            "quotes": list(theme.quotes),
            "edited": False,
            "merged_from": [],
        }
    hidden: list[dict[str, Any]] = []
    merged: list[dict[str, Any]] = []
    for key, edit in edits.items():
        original = edit.original_label or edit.label
        if key in themes:
            themes[key]["original_label"] = original
        if edit.merged_into:
            target = _merge_target(key, edits)
            source = themes.pop(key, None)
            if target is not None and target in themes:
                into = themes[target]
                into["edited"] = True
                into["merged_from"].append(edit.label or original)
                if source is not None:
                    into["response_ids"] |= source["response_ids"]
                    into["quotes"] += source["quotes"]
                    into["keywords"] += [w for w in source["keywords"] if w not in into["keywords"]]
            merged.append(
                {
                    "key": key,
                    "label": edit.label or original,
                    "into": target or edit.merged_into,
                    "count": len(source["response_ids"]) if source else None,
                    "term_weights": source["term_weights"] if source else edit.term_weights,
                }
            )
    for key, edit in edits.items():
        if edit.merged_into:
            continue
        theme = themes.get(key)
        if edit.hidden:
            themes.pop(key, None)
            hidden.append(
                {
                    "key": key,
                    "label": edit.label or edit.original_label,
                    "count": len(theme["response_ids"]) if theme else None,
                    "term_weights": theme["term_weights"] if theme else edit.term_weights,
                }
            )
        elif theme is not None and edit.label:
            theme["label"] = edit.label
            if edit.label != theme["original_label"]:
                theme["edited"] = True
    answered = int(analysis.answered)
    # Shares are out of the answers analysed: each campaign counts once (SPEC §3).
    analysed = int(getattr(analysis, "analysed", 0) or answered)
    labels = {key: theme["label"] for key, theme in themes.items()}
    for item in merged:
        item["into_label"] = labels.get(item["into"], "a theme no longer found")
    entries = []
    for theme in themes.values():
        ids = theme.pop("response_ids")
        quotes, seen_quotes = [], set()
        for quote in theme.pop("quotes"):
            response_id = quote.get("response_id")
            if response_id not in quotable or response_id in seen_quotes:
                continue
            seen_quotes.add(response_id)
            quotes.append(_quote(quote, types))
            if len(quotes) == QUOTES_PER_THEME:
                break
        count = len(ids)
        entries.append(
            {
                **theme,
                "keywords": theme["keywords"][:10],
                "count": count,
                "share": count / analysed if analysed else 0.0,
                "percent": round(100 * count / analysed, 1) if analysed else 0.0,
                "by_type": _by_type(ids, types),
                "quotes": quotes,
            }
        )
    entries.sort(key=lambda theme: -theme["count"])
    campaigns = []
    for campaign in analysis.campaigns:
        ids = list(campaign.response_ids)
        may_quote = any(response_id in quotable for response_id in ids)
        campaigns.append(
            {
                "key": campaign.key,
                "size": int(campaign.size),
                "example_text": (
                    render.excerpt(campaign.example_text, QUOTE_MAX_CHARACTERS) if may_quote else ""
                ),
                "by_type": _by_type(ids, types),
            }
        )
    return {
        "kind": "free-text",
        "question_id": question.pk,
        "text": question.text,
        "position": question.position,
        "section_id": question.section_id,
        "answered": answered,
        "analysed": analysed,
        "empty_count": int(analysis.empty_count),
        "unassigned_count": int(analysis.unassigned_count),
        "themes": entries,
        "hidden_themes": hidden,
        "merged_themes": merged,
        "campaigns": campaigns,
        "campaign_responses": sum(campaign["size"] for campaign in campaigns),
        "edited_keys": sorted(edits),
        "reviewed": bool(edits),
    }
