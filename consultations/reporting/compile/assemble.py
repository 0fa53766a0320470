"""The assembly: the parts put together with what was said about each section, the “You said,
we did” rows and the summary, the files rendered, and then — in one transaction, only while
its attempt is the current one — the compiled strategy version, the files, the result and
the succeeded status written once."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from lepportal.core.exceptions import ApplicationError
from strategies.constants import SectionKind
from strategies.models import Section, StrategyVersion
from strategies.services import version_create

from ...models import Comment, Compilation, Consultation, OutcomeRow, Question, ThemeEdit
from .. import render
from .parts import QUOTE_MAX_CHARACTERS
from .record import CHUNK_SIZE, HASH_SCHEME, Status, beat, current_attempt, jsonable

QUOTES_PER_SECTION = 3


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
    return jsonable(result)


def compilation_assemble(*, compilation_id: int, attempt: int, parts: list[dict[str, Any]]) -> bool:
    """Put the parts together, render the files and write everything once: the compiled
    strategy version, the files, the result and the succeeded status in one transaction,
    only while ``attempt`` is still the current one. Returns whether it wrote."""
    if not current_attempt(compilation_id, attempt).exists():
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
    beat(compilation_id, attempt, progress=82, stage="Gathering the comments on each section")
    result = _assemble_result(compilation, parts)
    beat(
        compilation_id,
        attempt,
        progress=88,
        stage="Writing the report as PDF, Word and spreadsheet files",
    )
    files = render.report_files(result)
    beat(
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
