"""The compile engine's orchestration: starting a compilation, doing the work in parts that
workers can share, writing the result once, and the reviews staff make around it (theme edits,
the “You said, we did” table, publishing the outcome).

How a compilation runs (``tasks.py`` puts the parts on workers; ``compilation_run`` does the
same in one process):

1. ``compilation_start`` hashes the input (every submitted response and approved comment with
   its modification time, the questions, theme edits and the table staff completed). The same
   hash as a finished compilation returns that compilation; otherwise a queued one is created
   (at most one queued or running per consultation, by a partial unique constraint) and its
   task is sent once the transaction commits.
2. ``compilation_claim`` moves it from queued to running and counts the attempt. Only the
   holder of the current attempt may record progress or write the result, so a run that was
   given up for dead (``sweep_stale_compilations``) and comes back writes nothing.
3. ``closed_part`` (overview and closed questions) and one ``free_text_part`` per free-text
   question compute plain JSON; they read answers as tuples in chunks, never as models.
4. ``compilation_assemble`` adds what was said about each section, the “You said, we did”
   rows and the summary, renders the files, and then — in one transaction — creates the
   compiled strategy version, stores the files and the result and marks it succeeded.

Invariants: only submitted responses and approved comments are read; only answers from
respondents who consented to publication are quoted; comment authors are never named."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from accounts.models import Membership
from lepportal.core.exceptions import ApplicationError
from strategies.constants import SectionKind
from strategies.models import Section, StrategyVersion
from strategies.services import version_create

from ..constants import Consent, RespondentType
from ..models import (
    Answer,
    Comment,
    Compilation,
    Consultation,
    OutcomeRow,
    Question,
    Response,
    ThemeEdit,
)
from . import render
from .themes import ReviewedTheme, TextDocument, analyse_free_text

logger = logging.getLogger(__name__)

Status = Compilation.Status
ACTIVE = (Status.QUEUED, Status.RUNNING)
CHUNK_SIZE = 5000
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=15)
# Change this when what a compilation produces changes, so that old results are not reused.
HASH_SCHEME = "compile-1"
QUOTABLE_CONSENT = frozenset({Consent.WITH_NAME, Consent.ANONYMOUS})
QUOTES_PER_THEME = 3
QUOTES_PER_SECTION = 3
QUOTE_MAX_CHARACTERS = 600
THEME_LABEL_MAX = 100
OUTCOME_TEXT_MAX = 2000

BROKER_UNREACHABLE = "The task queue is not reachable right now: try again in a few minutes."
STOPPED_REPEATEDLY = (
    f"The compilation was interrupted {MAX_ATTEMPTS} times (a worker stopped or lost contact) "
    "and has been stopped. Nothing was changed. Try again; if it happens again, tell the site "
    "administrator."
)
RESPONDENT_TYPE_LABELS = dict(RespondentType.choices)


class Superseded(Exception):
    """This run's attempt is no longer the compilation's current one: stop, write nothing."""


# Plain words for failures -------------------------------------------------------------------


def plain_error(error: BaseException) -> str:
    """What went wrong, for the person who started the compilation (details go to the log)."""
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return (
            "The compilation took longer than it is allowed to and was stopped. Nothing was "
            "changed. Try again; if it happens again, ask the site administrator to add workers."
        )
    if isinstance(error, DatabaseOperationalError):
        return (
            "The database could not be reached while compiling. Nothing was changed. Try again "
            "in a few minutes."
        )
    if isinstance(error, BrokerOperationalError | ConnectionError):
        return (
            "The task queue could not be reached while compiling. Nothing was changed. Try "
            "again in a few minutes."
        )
    if isinstance(error, MemoryError):
        return (
            "The server ran out of memory while compiling. Nothing was changed. Tell the site "
            "administrator, who can give the workers more memory."
        )
    return (
        "Something unexpected went wrong while compiling the report "
        f"({type(error).__name__}). Nothing was changed. Try again; if it happens again, tell "
        "the site administrator."
    )


# Reads shared by the pages --------------------------------------------------------------------


def latest_report(consultation: Consultation) -> Compilation | None:
    """The most recently finished compilation of ``consultation``."""
    return (
        consultation.compilations.filter(status=Status.SUCCEEDED)
        .select_related("version")
        .order_by("-finished_at", "-pk")
        .first()
    )


def published_report(consultation: Consultation) -> Compilation | None:
    """The compilation published as the outcome, once the outcome is published."""
    if consultation.outcome_published_at is None:
        return None
    return (
        consultation.compilations.filter(status=Status.SUCCEEDED, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def free_text_entry(compilation: Compilation, question_id: int) -> dict[str, Any] | None:
    for entry in compilation.result.get("free_text", []):
        if entry["question_id"] == question_id:
            return entry
    return None


# Starting ---------------------------------------------------------------------------------------


def _feed(digest: Any, *values: Any) -> None:
    digest.update(("\x1f".join(str(value) for value in values) + "\x1e").encode("utf-8"))


def compilation_input_hash(consultation: Consultation, *, final: bool) -> str:
    """A SHA-256 of everything a compilation reads: equal hashes mean an equal report."""
    digest = hashlib.sha256()
    _feed(digest, HASH_SCHEME, consultation.pk, consultation.version_id, int(final))
    questions = Question.objects.filter(consultation=consultation).order_by("pk")
    for question in questions.values_list("pk", "kind", "text", "section_id"):
        _feed(digest, "q", *question)
    responses = (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    for pk, updated_at in responses.iterator(chunk_size=CHUNK_SIZE):
        _feed(digest, "r", pk, updated_at.isoformat())
    comments = (
        Comment.objects.filter(consultation=consultation, state=Comment.State.APPROVED)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    for pk, updated_at in comments.iterator(chunk_size=CHUNK_SIZE):
        _feed(digest, "c", pk, updated_at.isoformat())
    edits = ThemeEdit.objects.filter(consultation=consultation).order_by("question_id", "pk")
    for edit in edits.values_list("question_id", "theme_key", "label", "hidden", "merged_into"):
        _feed(digest, "t", *edit)
    rows = OutcomeRow.objects.filter(consultation=consultation).order_by("key")
    for outcome in rows.values_list("key", "you_said", "we_did"):
        _feed(digest, "o", *outcome)
    return digest.hexdigest()


def compilation_start(*, consultation: Consultation, user: Any, final: bool = False) -> Compilation:
    """Start compiling ``consultation`` (or return the compilation that already answers).

    While the consultation is open the report is a draft; once it has closed every
    compilation is final (``final=True`` asks for that and is refused while it is open).
    Nothing changed since a finished compilation: that compilation is returned. One already
    queued or running: that one is returned. Raises ``ApplicationError`` (503) when the task
    queue cannot be reached, and the new compilation is marked failed."""
    state = consultation.state
    if state == Consultation.State.UPCOMING:
        raise ApplicationError(
            "This consultation has not opened yet, so there is nothing to compile.",
            code="not_open",
            status=409,
        )
    closed = state in {Consultation.State.CLOSED, Consultation.State.OUTCOME}
    if final and not closed:
        raise ApplicationError(
            "The final report can be compiled once the consultation has closed. Compile a "
            "draft report to see the responses so far.",
            code="still_open",
            status=409,
        )
    input_hash = compilation_input_hash(consultation, final=closed)
    reusable = (
        consultation.compilations.filter(
            status=Status.SUCCEEDED, input_hash=input_hash, is_final=closed
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if reusable is not None:
        return reusable
    active = consultation.compilations.filter(status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            compilation = Compilation.objects.create(
                consultation=consultation,
                is_final=closed,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                input_hash=input_hash,
                stage="Waiting for a worker to start",
            )
    except IntegrityError:
        # Someone started one between our check and our insert: theirs is the one.
        active = consultation.compilations.filter(status__in=ACTIVE).first()
        if active is None:
            raise ApplicationError(
                "Another compilation has just finished. Try again.", code="busy", status=409
            ) from None
        return active
    compilation_id = compilation.pk
    transaction.on_commit(lambda: _enqueue(compilation_id))
    compilation.refresh_from_db()
    return compilation


def _enqueue(compilation_id: int) -> None:
    """Send the compilation to the workers (or, with no broker, run it now)."""
    from .tasks import run_compilation

    try:
        run_compilation.delay(compilation_id)
    except (BrokerOperationalError, ConnectionError) as error:
        logger.warning("Could not send compilation %s to the queue: %s", compilation_id, error)
        compilation_fail(compilation_id=compilation_id, error=BROKER_UNREACHABLE)
        raise ApplicationError(BROKER_UNREACHABLE, code="broker_unreachable", status=503) from error


# Claiming, progress and failure -----------------------------------------------------------------


def _current(compilation_id: int, attempt: int) -> Any:
    return Compilation.objects.filter(pk=compilation_id, status=Status.RUNNING, attempts=attempt)


def compilation_claim(*, compilation_id: int) -> int | None:
    """Move a queued compilation to running; returns the attempt number, or None when it was
    not queued (already claimed by another worker, finished, or gone)."""
    now = timezone.now()
    claimed = Compilation.objects.filter(pk=compilation_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        parts_done=0,
        progress=2,
        stage="Starting",
    )
    if not claimed:
        return None
    return Compilation.objects.values_list("attempts", flat=True).get(pk=compilation_id)


def _beat(compilation_id: int, attempt: int, **fields: Any) -> None:
    """Record that this attempt is alive (and any progress); raise Superseded when it is no
    longer the current one."""
    if not _current(compilation_id, attempt).update(heartbeat_at=timezone.now(), **fields):
        raise Superseded(compilation_id)


def _part_done(compilation_id: int, attempt: int, what: str) -> None:
    if not _current(compilation_id, attempt).update(
        parts_done=F("parts_done") + 1, heartbeat_at=timezone.now()
    ):
        raise Superseded(compilation_id)
    done, total = Compilation.objects.values_list("parts_done", "parts_total").get(
        pk=compilation_id
    )
    progress = 5 + int(75 * done / max(total, done, 1))
    _current(compilation_id, attempt).update(
        progress=Greatest(F("progress"), progress),
        stage=f"Analysed {done} of {max(total, done)} parts, most recently {what}"[:300],
    )


def compilation_fail(
    *, compilation_id: int, error: BaseException | str, attempt: int | None = None
) -> bool:
    """Mark a queued or running compilation failed with the reason in plain words. With
    ``attempt``, only while that attempt is the current one. Returns whether it changed."""
    message = error if isinstance(error, str) else plain_error(error)
    if not isinstance(error, str):
        logger.error("Compilation %s failed", compilation_id, exc_info=error)
    rows = Compilation.objects.filter(pk=compilation_id, status__in=ACTIVE)
    if attempt is not None:
        rows = rows.filter(attempts=attempt)
    now = timezone.now()
    return bool(
        rows.update(
            status=Status.FAILED,
            error=message[:2000],
            stage="Stopped",
            finished_at=now,
            heartbeat_at=now,
        )
    )


def guarded(
    compilation_id: int, attempt: int, work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run one part; a failure marks the compilation failed (in plain words) and becomes a
    marker the assembly step recognises, so one bad part never leaves it running."""
    try:
        return work()
    except Superseded:
        return {"kind": "superseded"}
    except Exception as error:
        compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return {"kind": "failed"}


# The parts ---------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """The value exactly as it comes back from a worker or a JSONField (dates as text, dict
    keys as strings), so that the in-process and the distributed runs see the same data."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


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
    _beat(
        compilation_id,
        attempt,
        parts_total=len(question_ids) + 1,
        progress=5,
        stage="Counting the answers to closed questions and finding themes in written answers",
    )
    return question_ids


def closed_part(*, compilation_id: int, attempt: int) -> dict[str, Any]:
    """Who responded, and counts and percentages for every closed question."""
    from . import aggregate  # the analysis core; imported here so the pages load without it

    consultation_id = _consultation_id(compilation_id)
    _beat(compilation_id, attempt)
    overview = aggregate.overview(consultation_id)
    _beat(compilation_id, attempt)
    closed = aggregate.closed_questions(consultation_id)
    part = _jsonable({"kind": "closed", "overview": overview, "closed_questions": closed})
    _part_done(compilation_id, attempt, "the closed questions")
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
    _beat(compilation_id, attempt, stage=f"Reading the answers to “{question.text}”"[:300])
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
            _beat(compilation_id, attempt)
    edits = {edit.theme_key: edit for edit in ThemeEdit.objects.filter(question_id=question_id)}
    reviewed = reviewed_themes(question, edits) if edits else None
    _beat(
        compilation_id, attempt, stage=f"Finding themes in the answers to “{question.text}”"[:300]
    )
    analysis = analyse_free_text(documents, reviewed=reviewed)
    del documents
    entry = _free_text_entry(question, analysis, edits, types, quotable)
    part = _jsonable(entry)
    _part_done(compilation_id, attempt, f"the answers to “{question.text}”")
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


# Assembly ------------------------------------------------------------------------------------


def _sections(
    consultation: Consultation,
    closed_questions: list[dict[str, Any]],
    free_text: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """What was said about each section of the consulted version: its questions' results and
    its approved comments (counted; a few quoted, their authors never named)."""
    counts: Counter[int] = Counter()
    replies: Counter[int] = Counter()
    quotes: defaultdict[int, list[dict[str, str]]] = defaultdict(list)
    comments = (
        Comment.objects.filter(consultation=consultation, state=Comment.State.APPROVED)
        .order_by("created_at", "pk")
        .values_list("section_id", "body", "parent_id")
    )
    for section_id, body, parent_id in comments.iterator(chunk_size=CHUNK_SIZE):
        counts[section_id] += 1
        if parent_id is not None:
            replies[section_id] += 1
        elif len(quotes[section_id]) < QUOTES_PER_SECTION and body.strip():
            quotes[section_id].append({"text": render.excerpt(body, QUOTE_MAX_CHARACTERS)})
    results: dict[int, dict[str, Any]] = {q["question_id"]: q for q in closed_questions}
    results.update({entry["question_id"]: entry for entry in free_text})
    by_section: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    questions = (
        Question.objects.filter(consultation=consultation, section__isnull=False)
        .order_by("position", "pk")
        .values_list("pk", "section_id", "text", "kind")
    )
    for pk, section_id, text, kind in questions:
        entry = results.get(pk)
        by_section[section_id].append(
            {
                "question_id": pk,
                "text": text,
                "kind": kind,
                "headline": render.question_headline(entry) if entry else "",
            }
        )
    sections = []
    version_sections = consultation.version.sections.order_by("position").values_list(
        "pk", "anchor", "title", "kind"
    )
    for pk, anchor, title, kind in version_sections:
        if not by_section[pk] and not counts[pk]:
            continue
        sections.append(
            {
                "section_id": pk,
                "anchor": anchor,
                "title": title,
                "kind": kind,
                "questions": by_section[pk],
                "comment_count": counts[pk],
                "reply_count": replies[pk],
                "quotes": quotes[pk],
            }
        )
    return sections


def _you_said_rows(
    consultation: Consultation, free_text: list[dict[str, Any]], sections: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per theme and per section with comments; “we did” is for staff to write."""
    stored = {row.key: row for row in OutcomeRow.objects.filter(consultation=consultation)}
    rows = []
    for entry in free_text:
        for theme in entry["themes"]:
            generated = (
                f"{theme['label']}: raised in {theme['count']} of the {entry['analysed']} "
                f"answers to “{entry['text']}” ({render.percent(theme['percent'])})."
            )
            rows.append(
                {
                    "key": f"theme:{entry['question_id']}:{theme['key']}"[:200],
                    "kind": "theme",
                    "topic": theme["label"],
                    "context": entry["text"],
                    "generated": generated,
                }
            )
    for section in sections:
        if not section["comment_count"]:
            continue
        count = section["comment_count"]
        rows.append(
            {
                "key": f"section:{section['anchor']}"[:200],
                "kind": "section",
                "topic": section["title"],
                "context": "Comments on the draft",
                "generated": (
                    f"{count} comment{'s' if count != 1 else ''} on the “{section['title']}” "
                    "section of the draft."
                ),
            }
        )
    for row in rows:
        saved = stored.get(row["key"])
        row["you_said"] = saved.you_said if saved else row["generated"]
        row["we_did"] = saved.we_did if saved else ""
    return rows


def _edited_themes(consultation: Consultation) -> list[dict[str, Any]]:
    edits = ThemeEdit.objects.filter(consultation=consultation).select_related("question")
    described = []
    for edit in edits.order_by("question__position", "theme_key"):
        original = edit.original_label or edit.label
        if edit.merged_into:
            action = "merged"
        elif edit.hidden:
            action = "hidden"
        elif edit.label != original:
            action = "renamed"
        else:
            continue
        described.append(
            {
                "question_id": edit.question_id,
                "question": edit.question.text,
                "theme_key": edit.theme_key,
                "label": edit.label,
                "original_label": original,
                "action": action,
                "merged_into": edit.merged_into,
            }
        )
    return described


def _version_bodies(consultation: Consultation, result: dict[str, Any]) -> dict[int, str]:
    """New text for the live sections, by id: the consultation summary section filled, and
    “What we heard” notes after the text of each section people answered or commented on.
    Sections of the consulted version are matched to live sections by anchor."""
    live = {
        section.anchor: section
        for section in Section.objects.filter(
            strategy=consultation.strategy_id, removed_at__isnull=True
        ).select_related("latest_revision")
    }
    summary_section = next(
        (s for s in live.values() if s.kind == SectionKind.CONSULTATION_SUMMARY), None
    )
    bodies: dict[int, str] = {}
    for entry in result["sections"]:
        section = live.get(entry["anchor"])
        if section is None or section == summary_section:
            continue
        notes = render.section_notes_markdown(entry, result)
        if notes:
            bodies[section.pk] = f"{section.body.rstrip()}\n\n### What we heard\n\n{notes}".strip()
    if summary_section is not None:
        bodies[summary_section.pk] = result["summary_markdown"]
    return bodies


def _version_author(compilation: Compilation) -> Any:
    """Who the compiled version is by: whoever started the compilation or, for one started by
    the schedule or the command line, the consultation's (or the strategy's) creator, or else
    one of the organisation's leads or editors (a version must have an author)."""
    consultation = compilation.consultation
    author = compilation.created_by or consultation.created_by or consultation.strategy.created_by
    if author is not None:
        return author
    membership = (
        Membership.objects.filter(
            organisation=consultation.organisation_id,
            role__in=[Membership.Role.LEAD, Membership.Role.EDITOR],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    if membership is None:
        raise ApplicationError(
            "The compiled version of the strategy needs an author, and the organisation has "
            "no lead or editor. Add one, then try again."
        )
    return membership.user


def _assemble_result(compilation: Compilation, parts: list[dict[str, Any]]) -> dict[str, Any]:
    consultation = compilation.consultation
    closed = next(part for part in parts if part.get("kind") == "closed")
    free_text = sorted(
        (part for part in parts if part.get("kind") == "free-text"),
        key=lambda entry: (entry["position"], entry["question_id"]),
    )
    sections = _sections(consultation, closed["closed_questions"], free_text)
    version = consultation.version
    result: dict[str, Any] = {
        "scheme": HASH_SCHEME,
        "consultation": {
            "id": consultation.pk,
            "title": consultation.title,
            "slug": consultation.slug,
            "organisation": consultation.organisation.name,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
        },
        "compiled_at": timezone.now(),
        "is_final": compilation.is_final,
        "consulted_version": {"id": version.pk, "number": version.number, "label": version.label},
        "overview": closed["overview"],
        "closed_questions": closed["closed_questions"],
        "free_text": free_text,
        "question_order": list(
            Question.objects.filter(consultation=consultation)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        ),
        "sections": sections,
        "comments_total": sum(section["comment_count"] for section in sections),
        "campaign_responses": sum(entry["campaign_responses"] for entry in free_text),
        "edited_themes": _edited_themes(consultation),
        "you_said_we_did": _you_said_rows(consultation, free_text, sections),
    }
    result["summary_markdown"] = render.summary_markdown(result)
    return _jsonable(result)


def compilation_assemble(*, compilation_id: int, attempt: int, parts: list[dict[str, Any]]) -> bool:
    """Put the parts together, render the files and write everything once: the compiled
    strategy version, the files, the result and the succeeded status in one transaction,
    only while ``attempt`` is still the current one. Returns whether it wrote."""
    if not _current(compilation_id, attempt).exists():
        return False
    if any(part.get("kind") not in {"closed", "free-text"} for part in parts):
        return False  # a part failed (and said why) or was superseded
    compilation = Compilation.objects.select_related(
        "consultation__organisation",
        "consultation__strategy__organisation",
        "consultation__version",
        "created_by",
    ).get(pk=compilation_id)
    consultation = compilation.consultation
    _beat(compilation_id, attempt, progress=82, stage="Gathering the comments on each section")
    result = _assemble_result(compilation, parts)
    _beat(
        compilation_id,
        attempt,
        progress=88,
        stage="Writing the report as PDF, Word and spreadsheet files",
    )
    files = render.report_files(result)
    _beat(
        compilation_id,
        attempt,
        progress=95,
        stage="Creating the compiled draft version of the strategy",
    )
    bodies = _version_bodies(consultation, result)
    stem = f"{consultation.slug[:60]}-report-{compilation_id}"
    with transaction.atomic():
        locked = (
            Compilation.objects.select_for_update()
            .filter(pk=compilation_id, status=Status.RUNNING, attempts=attempt)
            .first()
        )
        if locked is None:
            return False
        version = version_create(
            strategy=consultation.strategy,
            label=f"Compiled from consultation: {consultation.title}"[:200],
            author=_version_author(compilation),
            source=StrategyVersion.Source.COMPILED,
            bodies=bodies,
        )
        result["version"] = {"id": version.pk, "number": version.number, "label": version.label}
        # Files are written before the commit; if it rolls back they stay unreferenced, which
        # is harmless (and rare: the row is locked and checked just above).
        for field_name, content in files.items():
            getattr(locked, field_name).save(
                f"{stem}.{field_name}", ContentFile(content), save=False
            )
        now = timezone.now()
        Compilation.objects.filter(pk=compilation_id).update(
            status=Status.SUCCEEDED,
            progress=100,
            stage="Finished",
            result=result,
            version=version,
            pdf=locked.pdf.name,
            docx=locked.docx.name,
            xlsx=locked.xlsx.name,
            reviewed_theme_keys=[
                f"{item['question_id']}:{item['theme_key']}" for item in result["edited_themes"]
            ],
            error="",
            finished_at=now,
            heartbeat_at=now,
        )
    return True


def compilation_run(*, compilation_id: int) -> bool:
    """The whole compilation in this process (the tasks spread the same steps over workers).
    Claims it first, so a second call for the same id does nothing. Returns whether this call
    did the work and it succeeded; a failure is recorded on the compilation in plain words."""
    attempt = compilation_claim(compilation_id=compilation_id)
    if attempt is None:
        return False
    try:
        question_ids = compilation_plan(compilation_id=compilation_id, attempt=attempt)
        parts = [
            guarded(
                compilation_id,
                attempt,
                lambda: closed_part(compilation_id=compilation_id, attempt=attempt),
            )
        ]
        for question_id in question_ids:
            parts.append(
                guarded(
                    compilation_id,
                    attempt,
                    partial(
                        free_text_part,
                        compilation_id=compilation_id,
                        attempt=attempt,
                        question_id=question_id,
                    ),
                )
            )
        return compilation_assemble(compilation_id=compilation_id, attempt=attempt, parts=parts)
    except Superseded:
        return False
    except Exception as error:
        compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return False


# Recovery and scheduling ----------------------------------------------------------------------


def _send(compilation_id: int) -> None:
    from .tasks import run_compilation

    try:
        run_compilation.delay(compilation_id)
    except (BrokerOperationalError, ConnectionError):
        # The next sweep sends it again.
        logger.warning("Could not send compilation %s to the queue", compilation_id)


def sweep_stale_compilations(*, older_than: timedelta = STALE_AFTER) -> dict[str, list[int]]:
    """Recover compilations whose worker died: a running one with no heartbeat for
    ``older_than`` is queued again (or failed after ``MAX_ATTEMPTS`` attempts), and a queued
    one nobody picked up for that long is sent again (claiming makes duplicates harmless)."""
    now = timezone.now()
    cutoff = now - older_than
    outcome: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    stale_running = Compilation.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    for pk, attempts in stale_running.values_list("pk", "attempts"):
        still_stale = Compilation.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            if still_stale.update(
                status=Status.FAILED,
                error=STOPPED_REPEATEDLY,
                stage="Stopped",
                finished_at=now,
                heartbeat_at=now,
            ):
                outcome["failed"].append(pk)
        elif still_stale.update(
            status=Status.QUEUED,
            stage="Waiting to start again after a worker stopped",
            heartbeat_at=now,
        ):
            outcome["requeued"].append(pk)
            transaction.on_commit(partial(_send, pk))
    waiting = Compilation.objects.filter(status=Status.QUEUED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    for pk in waiting.values_list("pk", flat=True):
        if Compilation.objects.filter(pk=pk, status=Status.QUEUED).update(heartbeat_at=now):
            outcome["resent"].append(pk)
            transaction.on_commit(partial(_send, pk))
    return outcome


def compile_closed_consultations(*, now: datetime | None = None) -> list[int]:
    """Start the final compilation of every consultation that has closed and has none (run
    by beat). Returns the ids of the compilations started or found."""
    now = now or timezone.now()
    closed = (
        Consultation.objects.filter(
            closes_at__lte=now,
            outcome_published_at__isnull=True,
            personal_data_erased_at__isnull=True,
        )
        .exclude(compilations__is_final=True)
        .select_related("organisation", "strategy", "version")
    )
    started = []
    for consultation in closed:
        try:
            compilation = compilation_start(consultation=consultation, user=None, final=True)
        except ApplicationError as error:
            logger.warning("Not compiling %s: %s", consultation.slug, error.message)
            continue
        started.append(compilation.pk)
    return started


# Reviews by staff ------------------------------------------------------------------------------


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


def outcome_rows(consultation: Consultation, compilation: Compilation) -> list[dict[str, Any]]:
    """The “You said, we did” rows of ``compilation`` with what staff have written since."""
    stored = {row.key: row for row in OutcomeRow.objects.filter(consultation=consultation)}
    rows = []
    for row in compilation.result.get("you_said_we_did", []):
        saved = stored.get(row["key"])
        rows.append(
            {
                **row,
                "you_said": saved.you_said if saved else row["you_said"],
                "we_did": saved.we_did if saved else row["we_did"],
            }
        )
    return rows


@transaction.atomic
def outcome_rows_save(
    *,
    consultation: Consultation,
    compilation: Compilation,
    texts: dict[str, tuple[str, str]],
    user: Any,
) -> int:
    """Keep what staff wrote in the “You said, we did” table: ``texts`` maps a row's key to
    (you said, we did). Returns how many rows changed."""
    if compilation.consultation_id != consultation.pk or compilation.status != Status.SUCCEEDED:
        raise ApplicationError("Complete the table of a finished report of this consultation.")
    rows = {row["key"]: row for row in outcome_rows(consultation, compilation)}
    changed = 0
    for key, (you_said, we_did) in texts.items():
        row = rows.get(key)
        if row is None:
            raise ApplicationError(
                "The table has changed since you opened it. Reload the page and try again.",
                status=409,
            )
        you_said, we_did = you_said.strip(), we_did.strip()
        if not you_said:
            raise ApplicationError(f"Say what people said about “{row['topic']}”.")
        if len(you_said) > OUTCOME_TEXT_MAX or len(we_did) > OUTCOME_TEXT_MAX:
            raise ApplicationError(
                f"Keep each entry about “{row['topic']}” to {OUTCOME_TEXT_MAX:,} characters or "
                "fewer."
            )
        if (you_said, we_did) == (row["you_said"], row["we_did"]):
            continue
        OutcomeRow.objects.update_or_create(
            consultation=consultation,
            key=key,
            defaults={
                "topic": row["topic"][:300],
                "you_said": you_said,
                "we_did": we_did,
                "edited_by": user,
            },
        )
        changed += 1
    return changed


@transaction.atomic
def outcome_publish(*, consultation: Consultation, compilation: Compilation, user: Any) -> None:
    """Publish ``compilation`` as the consultation's outcome (“We asked, you said, we did”).
    Only after closing, and only from a finished final compilation."""
    if compilation.consultation_id != consultation.pk:
        raise ApplicationError("That report belongs to another consultation.")
    if consultation.state not in {Consultation.State.CLOSED, Consultation.State.OUTCOME}:
        raise ApplicationError(
            "The outcome can be published once the consultation has closed.",
            code="still_open",
            status=409,
        )
    if compilation.status != Status.SUCCEEDED or not compilation.is_final:
        raise ApplicationError(
            "Publish the outcome from a final report: compile the report again now that the "
            "consultation has closed.",
            code="not_final",
            status=409,
        )
    now = timezone.now()
    Compilation.objects.filter(pk=compilation.pk).update(published_at=now)
    Consultation.objects.filter(pk=consultation.pk, outcome_published_at__isnull=True).update(
        outcome_published_at=now
    )
    logger.info(
        "Outcome of %s published from compilation %s by %s",
        consultation.slug,
        compilation.pk,
        getattr(user, "pk", None),
    )
    compilation.published_at = now
    consultation.refresh_from_db(fields=["outcome_published_at"])
