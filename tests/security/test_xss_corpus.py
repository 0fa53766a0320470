"""The XSS corpus in a real browser.

The payloads of ``tests/security/xss_payloads.py`` are written into every text field a person
can fill in (all of them wherever a page lists many objects; as many as fit where one object
shows one value, such as a draft's title or a respondent's name) — organisation and display
names; strategy titles, sections (Markdown), autosaved
drafts, revision notes, versions, workflow notes, priorities, indicators and readings, evidence
source notes; consultation titles, summaries and Markdown texts, questions, hints and options;
response profiles, answers and "Other" answers; comments, replies, rejection and hiding
reasons, reports and moderator notes; theme labels and "You said, we did" rows; the headings,
cells, file name and source of a CSV import — and every page that shows one of them is loaded
in Chromium as the role that sees the most of it.

On each page: no dialog opens, ``window.__xss`` stays unset, no element a payload would inject
exists (``data-xss``, ``<xss-marker>``, an ``on*`` attribute, a ``style`` attribute, a script
without the page's nonce, a frame, object, embed, base, refresh, SVG script or animation, a
``javascript:``/``vbscript:``/``data:text`` URL), the page does not navigate away, and every HTML
response carries the Content Security Policy.

The sweep runs with the policy *bypassed* (Playwright's ``bypass_csp``), so that a payload that
reached the markup would run instead of being stopped by the policy: the test proves the
escaping and sanitising themselves, and asserts the policy separately, as a header. Each field's
sentinel word (``xss-<field>-<n>``) must show up on the pages listed in ``SHOWN_ON`` and every
text written into a field must reach at least one page, so the sweep cannot pass by looking at
pages that do not show the corpus. A second test proves the detector: each payload written raw
(unescaped) into a page is caught.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from markdown_it import MarkdownIt

from accounts import services as account_services
from accounts.models import Membership, Organisation
from consultations import moderation
from consultations import services as consultation_services
from consultations.models import Comment, Compilation, Consultation, Question, Response
from consultations.reporting import compile as engine
from consultations.reporting import render
from strategies import services as strategy_services
from strategies.evidence.services import dataset_upload, evidence_place, kpi_reading_add, kpi_save
from strategies.models import Strategy
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.security.declarations import DECLARATIONS
from tests.security.xss_payloads import PAYLOADS, Payload

pytestmark = pytest.mark.browser

EXAMPLE_CSV = (
    Path(__file__).resolve().parents[2] / "strategies/evidence/data/example.csv"
).read_bytes()

# Subjects the theme analysis can tell apart; every free-text answer is one of them plus
# payloads.
TOPICS = [
    "Faster rural broadband and fibre connections for small businesses.",
    "More engineering apprenticeships and skills training with colleges.",
    "Frequent buses and rail links to the industrial estate for shift workers.",
    "Affordable housing near the new jobs so that staff can live locally.",
    "Cheaper renewable energy and grid connections for manufacturers.",
    "Grants and patient finance for firms that want to grow and export.",
    "Simpler planning decisions for new workshops and business premises.",
    "Support for research with the university and its science park.",
]
# Responses to the open consultation: more than there are texts of respondent organisations
# (two pages of the staff list), each free-text answer carrying up to three payloads.
RESPONSES = 70
CLOSED_RESPONSES = 24
# Rows of the CSV to import: each comes back as a problem, and at most 100 problems are shown.
IMPORT_ROWS = 84


# The corpus, packed into fields ------------------------------------------------------------------


def sentinel(code: str, index: int) -> str:
    """A plain word that survives Markdown, escaping and excerpts: it proves that a field is on
    a page, and which of its texts."""
    return f"xss-{code}-{index}"


@dataclass
class Packing:
    """The payloads written into one field: ``texts[i]`` starts with the field's sentinel
    ``i`` and carries the payloads ``parts[i]``."""

    code: str
    texts: list[str]
    parts: list[list[Payload]]

    @property
    def payloads(self) -> set[int]:
        return {payload.number for part in self.parts for payload in part}

    def keep_first(self, count: int) -> Packing:
        """Only the first ``count`` texts: for a field that one object shows on one page."""
        del self.texts[count:], self.parts[count:]
        return self


def pack(
    code: str,
    limit: int,
    *,
    separator: str = " ",
    max_words: int | None = None,
    count: int | None = None,
    payloads: list[Payload] = PAYLOADS,
) -> Packing:
    """As many payloads per text as fit in ``limit`` characters (and ``max_words`` words). A
    payload longer than the field can hold is left out of that field."""
    packing = Packing(code=code, texts=[], parts=[])
    current, part = "", list[Payload]()
    for payload in payloads:
        for _attempt in range(2):
            candidate = f"{current or sentinel(code, len(packing.texts))}{separator}{payload.text}"
            if len(candidate) <= limit and (
                max_words is None or len(candidate.split()) <= max_words
            ):
                current, part = candidate, [*part, payload]
                break
            if not current:
                break  # too long for this field even on its own
            packing.texts.append(current)
            packing.parts.append(part)
            current, part = "", []
    if current:
        packing.texts.append(current)
        packing.parts.append(part)
    return packing if count is None else packing.keep_first(count)


def spread(code: str, count: int) -> Packing:
    """``count`` texts (one per object: a comment, an answer, a row) sharing out the corpus:
    text ``i`` carries payloads ``i``, ``i + count``, ``i + 2 * count``..."""
    parts = [list(PAYLOADS[index::count]) for index in range(count)]
    texts = [
        " ".join([sentinel(code, index), *(payload.text for payload in part)])
        for index, part in enumerate(parts)
    ]
    return Packing(code=code, texts=texts, parts=parts)


# The world ---------------------------------------------------------------------------------------


@dataclass
class XssWorld:
    kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    packings: dict[str, Packing] = field(default_factory=dict)
    import_csv: bytes = b""

    def keep(self, packing: Packing) -> Packing:
        self.packings[packing.code] = packing
        return packing

    def texts(self, code: str) -> list[str]:
        return self.packings[code].texts


def _names(world: XssWorld, cast: Any) -> None:
    organisations = world.keep(pack("org", 200)).texts
    others = list(Organisation.objects.exclude(pk=cast.organisation.pk).order_by("pk"))
    Organisation.objects.filter(pk=cast.organisation.pk).update(name=organisations[0])
    cast.organisation.refresh_from_db()
    for index, name in enumerate(organisations[1:]):
        if index < len(others):
            Organisation.objects.filter(pk=others[index].pk).update(name=name)
        else:
            OrganisationFactory(name=name, slug=f"xss-organisation-{index}")
    names = world.keep(pack("user", 150)).texts
    people = [
        cast.lead,
        cast.editor,
        cast.respondent,
        cast.moderator,
        cast.viewer,
        cast.admin,
    ]
    for person, name in zip(people, names, strict=False):
        account_services.user_update_profile(user=person, display_name=name)
    for name in names[len(people) :]:
        MembershipFactory(
            organisation=cast.organisation, role=Membership.Role.VIEWER, user__display_name=name
        )


def _strategy(world: XssWorld, cast: Any) -> Strategy:
    titles = world.keep(pack("strategy", 200)).texts
    strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title=titles[0], author=cast.editor
    )
    for title in titles[1:]:
        strategy_services.strategy_create(
            organisation=cast.organisation, title=title, author=cast.editor
        )
    labels = world.keep(pack("version-label", 200)).texts
    # A version of the empty document, so that comparing versions shows every section's text.
    strategy_services.version_create(strategy=strategy, label=labels[0], author=cast.lead)

    section_titles = world.keep(pack("section-title", 200)).texts
    bodies = world.keep(pack("section-body", 1_500, separator="\n\n")).texts
    sections = list(strategy.sections.order_by("position"))
    for index in range(len(sections), max(len(section_titles), len(bodies))):
        sections.append(
            strategy_services.section_add(
                strategy=strategy, title=f"Section {index}", author=cast.editor
            )
        )
    for index, section in enumerate(sections):
        strategy_services.section_revise(
            section=section,
            title=section_titles[index % len(section_titles)],
            body=bodies[index % len(bodies)],
            author=cast.editor,
            base_revision=None,
        )
    # Revisions of the first section with every note, each with another body: the history
    # lists the notes and comparing two revisions shows a diff of the corpus.
    first = sections[0]
    for index, note in enumerate(world.keep(pack("revision-note", 200)).texts, start=1):
        first.refresh_from_db()
        strategy_services.section_revise(
            section=first,
            title=first.title,
            body=bodies[index % len(bodies)],
            author=cast.editor,
            base_revision=first.latest_revision,
            note=note,
        )
    first.refresh_from_db()
    strategy_services.section_autosave(
        section=first,
        user=cast.lead,
        title=world.keep(pack("draft-title", 200, count=1)).texts[0],
        body="\n\n".join(world.keep(pack("draft-body", 200_000, separator="\n\n")).texts),
        base_revision=first.latest_revision,
    )

    # Priorities and the indicators that measure them.
    descriptions = world.keep(pack("priority-description", 5_000, separator="\n")).texts
    priorities = [
        strategy_services.priority_save(
            strategy=strategy,
            title=title,
            description=descriptions[index % len(descriptions)],
            foundations=["people"],
            grand_challenges=[],
            place_kinds=[],
        )
        for index, title in enumerate(world.keep(pack("priority-title", 200)).texts)
    ]
    units = world.keep(pack("kpi-unit", 50)).texts
    kpis = [
        kpi_save(
            strategy=strategy,
            name=name,
            unit=units[index % len(units)],
            baseline_value=Decimal("30"),
            baseline_date=date(2017, 1, 1),
            target_value=Decimal("40"),
            target_date=date(2030, 1, 1),
            priority=priorities[index % len(priorities)],
        )
        for index, name in enumerate(world.keep(pack("kpi-name", 200)).texts)
    ]
    for index, note in enumerate(world.keep(pack("kpi-note", 300)).texts):
        kpi_reading_add(
            kpi=kpis[0],
            on=date(2018, 1, 1) + timedelta(days=index),
            value=Decimal("31"),
            note=note,
            author=cast.editor,
        )

    # Evidence: a year per source note, and a block of each kind placed in the document.
    datasets = [
        dataset_upload(
            organisation=cast.organisation,
            year=1990 + index,
            nation="england",
            source_note=note,
            data=EXAMPLE_CSV,
            file_name="example.csv",
            author=cast.editor,
        )
        for index, note in enumerate(world.keep(pack("source-note", 300)).texts)
    ]
    for kind, dataset, section in zip(
        ("chart", "table", "strengths"), datasets, sections[1:], strict=False
    ):
        evidence_place(dataset=dataset, kind=kind, section=section, author=cast.editor)

    first.refresh_from_db()
    org = cast.organisation.slug
    s = {"org": org, "slug": strategy.slug}
    world.kwargs.update(
        {
            "org": {"org": org},
            "organisation": {"slug": org},
            "member": {
                "slug": org,
                "membership_id": cast.organisation.memberships.get(user=cast.editor).pk,
            },
            "strategy": s,
            "section": {**s, "pk": first.pk},
            "priority": {**s, "pk": priorities[0].pk},
            "kpi": {**s, "pk": kpis[0].pk},
            "dataset": {"org": org, "year": datasets[0].year},
            "create_consultation": {"org": org, "strategy_slug": strategy.slug},
            "transition": {**s, "target": "revising"},
        }
    )
    latest = first.revisions.order_by("-number").first()
    assert latest is not None
    world.kwargs["section_compare"] = {"from": 1, "to": latest.number}
    return strategy


def _workflow(world: XssWorld, cast: Any, strategy: Strategy) -> Any:
    """A version under every other label; the strategy taken round its workflow with notes
    until every note is written. It ends published."""
    versions = [
        strategy_services.version_create(strategy=strategy, label=label, author=cast.lead)
        for label in world.texts("version-label")[1:]
    ]
    notes = iter(world.keep(pack("workflow-note", 500)).texts)
    cycle: tuple[str, ...] = (
        "internal-review",
        "consultation",
        "revising",
        "submitted",
        "agreed",
        "published",
    )
    pending = True
    while pending:
        for target in cycle:
            note = next(notes, None)
            pending = note is not None
            strategy_services.strategy_transition(
                strategy=strategy,
                target=target,
                actor=cast.lead,
                note=note or "",
                version=versions[-1] if target == "published" else None,
            )
        if pending:
            strategy_services.strategy_transition(
                strategy=strategy, target="revising", actor=cast.lead
            )
            cycle = ("submitted", "agreed", "published")
    world.kwargs["version"] = {**world.kwargs["strategy"], "number": versions[-1].number}
    world.kwargs["version_compare"] = {"from": 1, "to": versions[-1].number}
    return versions[-1]


def _consultation(
    world: XssWorld, cast: Any, strategy: Strategy, version: Any, part: int
) -> Consultation:
    def text(code: str) -> str:
        texts = world.texts(code)
        return texts[part % len(texts)]

    now = timezone.now()
    return consultation_services.consultation_create(
        strategy=strategy,
        version=version,
        title=text("consultation-title"),
        summary=text("consultation-summary"),
        body=text("consultation-body"),
        how_to_respond=text("how-to-respond"),
        privacy_notice=text("privacy-notice"),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        allow_anonymous=True,
        moderation=Consultation.Moderation.PRE,
        author=cast.editor,
    )


def _questions(world: XssWorld, consultation: Consultation, free_text: int) -> list[Question]:
    """Free-text questions first (the themes come from them), then choice questions whose
    options carry the option labels; the first choice question allows several answers and
    "Other". The first question is about the first section (page 1 of the form), the others
    are general (page 2)."""
    texts, hints = world.texts("question-text"), world.texts("question-hint")
    options = world.texts("option-label")
    section = consultation.version.sections.order_by("position").first()
    assert section is not None
    choices = max(len(texts) - free_text, 2)
    questions = []
    for index in range(free_text + choices):
        is_free = index < free_text
        labels = [*options[index - free_text :: choices], "Yes", "No"]
        questions.append(
            consultation_services.question_save(
                consultation=consultation,
                kind=Question.Kind.FREE_TEXT
                if is_free
                else (Question.Kind.MULTIPLE if index == free_text else Question.Kind.SINGLE),
                text=texts[index % len(texts)],
                hint=hints[index % len(hints)],
                options=[] if is_free else labels[: max(len(labels) - 2, 2)],
                allow_other=index == free_text,
                max_length=2_000,
                section_id=section.pk if index == 0 else None,
            )
        )
    return list(consultation.questions.prefetch_related("options"))


def _respond(
    world: XssWorld,
    consultation: Consultation,
    questions: list[Question],
    count: int,
    *,
    respondent: Any = None,
) -> list[Response]:
    def text(code: str, index: int) -> str:
        texts = world.texts(code)
        return texts[index % len(texts)]

    responses = []
    for index in range(count):
        raw: dict[int, Any] = {}
        other: dict[int, str] = {}
        for question in questions:
            options = [str(option.pk) for option in question.options.all()]
            if question.kind == Question.Kind.FREE_TEXT:
                topic = TOPICS[index % len(TOPICS)]
                raw[question.pk] = f"{text('answer', index)} {topic}"
            elif question.kind == Question.Kind.MULTIPLE:
                raw[question.pk] = [options[index % len(options)], "other"]
                other[question.pk] = text("other-answer", index)
            else:
                raw[question.pk] = options[index % len(options)]
        response, _ = consultation_services.response_create_complete(
            consultation=consultation,
            profile={
                "responding_as": "organisation",
                "respondent_name": text("respondent-name", index),
                "organisation_name": text("respondent-organisation", index),
                "organisation_type": "business",
                "size_band": "small",
                "sector": "C",
                "location": text("location", index),
                "consent": "with-name",
            },
            raw_answers=raw,
            other_answers=other,
            submission_key=uuid.uuid4(),
            source=Response.Source.WEB,
            source_detail=text("source-detail", index),
            respondent=respondent if index == 0 else None,
            check_open=False,
        )
        responses.append(response)
    return responses


def _compile(consultation: Consultation, user: Any) -> Compilation:
    """Compile in this thread: the test settings run the task eagerly once committed, and a
    live-server test commits at once."""
    compilation = engine.compilation_start(consultation=consultation, user=user)
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error
    return compilation


def _review(
    world: XssWorld, consultation: Consultation, questions: list[Question], cast: Any
) -> tuple[Compilation, int]:
    """Compile; rename every theme to the theme labels of the corpus; compile again; complete
    the "You said, we did" table from the corpus."""
    compilation = _compile(consultation, cast.editor)
    themes = [
        (question, theme)
        for question in questions
        for theme in (engine.free_text_entry(compilation, question.pk) or {}).get("themes", [])
    ]
    for (question, theme), label in zip(themes, world.texts("theme-label"), strict=False):
        engine.theme_edit_save(
            consultation=consultation,
            question=question,
            theme_key=theme["key"],
            action="rename",
            user=cast.editor,
            label=label,
        )
    compilation = _compile(consultation, cast.editor)
    you_said, we_did = world.texts("you-said"), world.texts("we-did")
    engine.outcome_rows_save(
        consultation=consultation,
        compilation=compilation,
        texts={
            row["key"]: (you_said[index % len(you_said)], we_did[index % len(we_did)])
            for index, row in enumerate(engine.outcome_rows(consultation, compilation))
        },
        user=cast.editor,
    )
    return compilation, len(themes)


def _comments(world: XssWorld, cast: Any, consultation: Consultation) -> dict[str, Comment]:
    """One comment per payload by the respondent, over every section and every state; replies,
    reports, rejection and hiding reasons and moderator notes from the corpus."""
    sections = list(consultation.version.sections.order_by("position"))
    bodies = world.keep(spread("comment", len(PAYLOADS))).texts
    reasons = world.keep(pack("moderation-reason", 500)).texts
    comments = [
        moderation.comment_post(
            consultation=consultation,
            section=sections[index % len(sections)],
            author=cast.respondent,
            body=body,
        )
        for index, body in enumerate(bodies)
    ]
    first: dict[str, Comment] = {}
    for index, comment in enumerate(comments):
        reason = reasons[(index // 5) % len(reasons)]
        if index % 5 == 1:
            moderation.comment_moderate(
                comment=comment, moderator=cast.moderator, action="reject", reason=reason
            )
            first.setdefault("rejected", comment)
        elif index % 5 == 2:
            first.setdefault("pending", comment)
        else:
            moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
            if index % 5 == 3:
                moderation.comment_moderate(
                    comment=comment, moderator=cast.moderator, action="hide", reason=reason
                )
            else:
                first.setdefault("approved", comment)
    reported = first["approved"]
    # A report per reason, each by another person: the comment's moderation page lists them.
    for reason in world.keep(pack("report-reason", 500)).texts:
        moderation.comment_report(comment=reported, reporter=UserFactory(), reason=reason)
    for note in world.keep(pack("moderator-note", 2_000, separator="\n")).texts:
        moderation.moderator_note_add(comment=reported, author=cast.moderator, body=note)
    for text in world.keep(pack("reply", 5_000, separator="\n")).texts:
        reply = moderation.comment_post(
            consultation=consultation,
            section=reported.section,
            author=cast.editor,
            body=text,
            parent=reported,
        )
        moderation.comment_moderate(comment=reply, moderator=cast.moderator, action="approve")
    return first


def _import_file(world: XssWorld) -> None:
    """A CSV to import: the headings carry the corpus, the first column too (two payloads a
    row, each row shown back as a problem and in the preview), the other columns more of it
    (shown as examples when matching the columns)."""
    headings = world.keep(pack("import-heading", 200)).texts
    cells = world.keep(spread("import-cell", IMPORT_ROWS)).texts
    world.keep(pack("import-source", 200, count=1))
    # A file name cannot hold a slash.
    nameable = [p for p in PAYLOADS if "/" not in p.text and "\\" not in p.text]
    world.keep(pack("import-file", 200, count=1, payloads=nameable))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    for row in range(len(cells)):
        writer.writerow(
            [cells[row]]
            + [
                PAYLOADS[(row + 3 * column) % len(PAYLOADS)].text
                for column in range(1, len(headings))
            ]
        )
    world.import_csv = buffer.getvalue().encode()


def build_xss_world(cast: Any) -> XssWorld:
    world = XssWorld()
    _names(world, cast)
    strategy = _strategy(world, cast)
    version = _workflow(world, cast, strategy)
    for code, limit in (
        ("consultation-title", 200),
        ("question-text", 500),
        ("question-hint", 500),
        ("option-label", 300),
        ("respondent-organisation", 200),
        ("source-detail", 200),
        ("theme-label", 100),
    ):
        world.keep(pack(code, limit))
    for code, limit in (
        ("consultation-body", 50_000),
        ("how-to-respond", 5_000),
        ("privacy-notice", 20_000),
        ("you-said", 2_000),
        ("we-did", 2_000),
    ):
        world.keep(pack(code, limit, separator="\n\n"))
    world.keep(pack("consultation-summary", 1_000, max_words=100))
    # Shown for one response at a time (the respondent's own, which the staff open too), and
    # locations also for the 15 most frequent in the report's breakdown.
    world.keep(pack("respondent-name", 200, count=1))
    world.keep(pack("other-answer", 500, count=1))
    world.keep(pack("location", 100, count=15))
    world.keep(spread("answer", RESPONSES))

    # The open consultation: responses, comments and a reviewed draft report.
    consultation = _consultation(world, cast, strategy, version, part=0)
    questions = _questions(world, consultation, free_text=3)
    responses = _respond(world, consultation, questions, RESPONSES, respondent=cast.respondent)
    comments = _comments(world, cast, consultation)
    compilation, renamed = _review(world, consultation, questions, cast)

    # A closed consultation whose outcome is published.
    closed = _consultation(world, cast, strategy, version, part=1)
    closed_questions = _questions(world, closed, free_text=2)
    _respond(world, closed, closed_questions, CLOSED_RESPONSES)
    consultation_services.consultation_update(
        consultation=closed,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    final, renamed_closed = _review(world, closed, closed_questions, cast)
    # Only as many theme labels as there were themes to rename.
    world.packings["theme-label"].keep_first(max(renamed, renamed_closed))
    # The completed table goes into the published report by compiling once more.
    final = _compile(closed, cast.editor)
    engine.outcome_publish(consultation=closed, compilation=final, user=cast.lead)

    # Every other title, summary and text of a consultation, on the list of consultations.
    others = [
        _consultation(world, cast, strategy, version, part=part)
        for part in range(2, len(world.texts("consultation-title")))
    ]
    # Questions of a consultation without responses can still be edited: their form shows
    # the text, the hint and the options (in a textarea) for changing.
    editable = _questions(world, others[0], free_text=0)[0]
    _import_file(world)

    c = {"slug": consultation.slug}
    world.kwargs.update(
        {
            "consultation": c,
            "closed": {"slug": closed.slug},
            "question": {**c, "pk": questions[0].pk},
            "editable_question": {"slug": others[0].slug, "pk": editable.pk},
            "page": {**c, "page": 1},
            "page_2": {**c, "page": 2},
            "done": {**c, "reference": responses[0].reference},
            "response": {**c, "pk": responses[0].pk},
            "comment_section": {**c, "section_pk": comments["approved"].section_id},
            "comment": {**c, "pk": comments["approved"].pk},
            "pending_comment": {**c, "pk": comments["pending"].pk},
            "moderation_comment": {"pk": comments["approved"].pk},
            "rejected_comment": {"pk": comments["rejected"].pk},
            "theme_question": {**c, "question_pk": questions[0].pk},
            "compilation": {**c, "pk": compilation.pk},
            "closed_theme_question": {"slug": closed.slug, "question_pk": closed_questions[0].pk},
            "closed_compilation": {"slug": closed.slug, "pk": final.pk},
        }
    )
    return world


# Pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    name: str
    kwargs_key: str | None
    role: str
    query: str = ""

    @property
    def label(self) -> str:
        """The URL name, the query (its placeholders left out) and the role: stable names
        for ``SHOWN_ON``, whatever the primary keys."""
        query = re.sub(r"=\{[^}]*\}", "", self.query)
        closed = " (closed)" if (self.kwargs_key or "").startswith("closed") else ""
        return f"{self.name}{query}{closed} as {self.role}"

    def path(self, world: XssWorld) -> str:
        kwargs = world.kwargs[self.kwargs_key] if self.kwargs_key else None
        query = self.query.format(**world.kwargs)
        return reverse(self.name, kwargs=kwargs) + query


def v(name: str, key: str | None, role: str, query: str = "") -> Visit:
    return Visit(name, key, role, query)


VISITS = [
    v("core:home", None, "lead"),
    v("accounts:profile", None, "lead"),
    v("organisations:detail", "organisation", "lead"),
    v("organisations:member_add", "organisation", "lead"),
    v("organisations:member_change", "member", "lead"),
    v("strategies:tracker", None, "anonymous"),
    v("strategies:organisation", "org", "lead"),
    v("strategies:create", "org", "lead"),
    v("strategies:public", "strategy", "anonymous"),
    v("strategies:draft", "strategy", "lead"),
    v("strategies:preview", "strategy", "lead"),
    v("strategies:section_add", "strategy", "lead"),
    v("strategies:section_edit", "section", "lead"),
    v("strategies:section_remove", "section", "lead"),
    v("strategies:section_history", "section", "lead"),
    v(
        "strategies:section_compare",
        "section",
        "lead",
        "?from={section_compare[from]}&to={section_compare[to]}",
    ),
    v("strategies:versions", "strategy", "lead"),
    v("strategies:version", "version", "lead"),
    v(
        "strategies:version_compare",
        "strategy",
        "lead",
        "?from={version_compare[from]}&to={version_compare[to]}",
    ),
    v("strategies:transition", "transition", "lead"),
    v("strategies:priorities", "strategy", "lead"),
    v("strategies:priority_edit", "priority", "lead"),
    v("strategies:alignment", "strategy", "lead"),
    v("strategies:kpis", "strategy", "lead"),
    v("strategies:kpi", "kpi", "lead"),
    v("strategies:evidence", "org", "lead"),
    v("strategies:evidence_dataset", "dataset", "lead"),
    v("consultations:list", None, "anonymous"),
    v("consultations:list", None, "anonymous", "?page=2"),
    v("consultations:list", None, "anonymous", "?page=3"),
    v("consultations:detail", "consultation", "lead"),
    v("consultations:strategy", "consultation", "respondent"),
    v("consultations:create", "create_consultation", "lead"),
    v("consultations:street_level_new", "org", "lead"),
    v("consultations:edit", "consultation", "lead"),
    v("consultations:questions", "consultation", "lead"),
    v("consultations:questions_preview", "consultation", "lead"),
    v("consultations:question_edit", "editable_question", "lead"),
    v("consultations:question_delete", "question", "lead"),
    v("consultations:respond_profile", "consultation", "respondent"),
    v("consultations:respond_questions", "page", "respondent"),
    v("consultations:respond_questions", "page_2", "respondent"),
    v("consultations:respond_check", "consultation", "respondent"),
    v("consultations:respond_done", "done", "respondent"),
    v("consultations:my_response", "consultation", "respondent"),
    v("consultations:my_response_withdraw", "consultation", "respondent"),
    v("consultations:comment_create", "comment_section", "respondent"),
    v("consultations:comment_reply", "comment", "respondent"),
    v("consultations:comment_report", "comment", "respondent"),
    v("consultations:comment_edit", "pending_comment", "respondent"),
    v("consultations:comment_delete", "pending_comment", "respondent"),
    v("consultations:moderation_queue", None, "moderator"),
    *(
        v("consultations:moderation_queue", None, "moderator", f"?state={state}")
        for state in ("approved", "rejected", "hidden")
    ),
    v("consultations:moderation_comment", "moderation_comment", "moderator"),
    v("consultations:moderation_comment", "rejected_comment", "moderator"),
    v("consultations:moderation_log", None, "admin"),
    v("consultations:responses", "consultation", "lead"),
    v("consultations:responses", "consultation", "lead", "?page=2"),
    v("consultations:response_detail", "response", "lead"),
    v("consultations:responses_import", "consultation", "lead"),
    v("consultations:report", "consultation", "lead"),
    v("consultations:report_compilation", "compilation", "lead"),
    v("consultations:report_themes", "theme_question", "lead"),
    v("consultations:report_you_said", "consultation", "lead"),
    v("consultations:report", "closed", "lead"),
    v("consultations:report_compilation", "closed_compilation", "lead"),
    v("consultations:report_themes", "closed_theme_question", "lead"),
    v("consultations:report_you_said", "closed", "lead"),
    v("consultations:detail", "closed", "anonymous"),
    v("consultations:outcome", "closed", "anonymous"),
]

# The import's later steps, reached through its forms (they need an upload in the session).
IMPORT_STEPS = [
    "consultations:responses_import_columns",
    "consultations:responses_import_check",
]

# Named URLs the sweep does not load, and why. Every other named URL must be visited, so a new
# page that shows user text cannot be left out unnoticed.
NOT_VISITED = {
    "core:accessibility": "static text",
    "core:privacy": "static text",
    "core:cookies": "static text",
    "core:healthz": "not HTML",
    "accounts:login": "a form, no user text",
    "accounts:sign_up": "a form, no user text",
    "accounts:logout": "POST only",
    "accounts:password_change": "a form, no user text",
    "accounts:password_reset": "a form, no user text",
    "accounts:password_reset_done": "static text",
    "accounts:password_reset_confirm": "a form, no user text",
    "accounts:password_reset_complete": "static text",
    "api_tokens:create": "POST only",
    "api_tokens:revoke": "POST only",
    "strategies:tracker_csv": "CSV, not a page (formula-safe: tests/consultations/test_exports.py)",
    "strategies:markdown_preview": "POST only; swept as the section editor's live preview",
    "strategies:section_autosave": "POST only",
    "strategies:section_discard": "POST only",
    "strategies:section_move": "POST only",
    "strategies:section_restore": "POST only",
    "strategies:kpis_csv": "CSV, not a page",
    "strategies:version_export": "PDF or DOCX, not a page",
    "strategies:evidence_file": "CSV template, not a page",
    "consultations:outcome_download": "PDF, DOCX or XLSX, not a page",
    "consultations:respond": "redirects to the first step",
    "consultations:respond_save": "a form, no user text",
    "consultations:respond_resume": "redirects with a signed token",
    "consultations:my_data": "JSON, not a page",
    "consultations:question_move": "POST only",
    "consultations:responses_csv": "CSV, not a page",
    "consultations:responses_xlsx": "XLSX, not a page",
    "consultations:report_start": "POST only",
    "consultations:report_status": "JSON, not a page",
    "consultations:report_download": "PDF, DOCX or XLSX, not a page",
    "consultations:report_publish": "POST only",
}

# Where each field must be seen: its main pages (it is on many more). Every text written into a
# field must also reach at least one page.
SHOWN_ON: dict[str, set[str]] = {
    "org": {
        "strategies:tracker as anonymous",
        "organisations:detail as lead",
        "consultations:list as anonymous",
        "consultations:outcome (closed) as anonymous",
    },
    "user": {
        "core:home as lead",
        "organisations:detail as lead",
        "strategies:section_history as lead",
        "consultations:moderation_queue as moderator",
        "consultations:moderation_log as admin",
    },
    "strategy": {
        "strategies:organisation as lead",
        "strategies:public as anonymous",
        "strategies:draft as lead",
        "consultations:strategy as respondent",
    },
    "version-label": {
        "strategies:versions as lead",
        "strategies:version_compare?from&to as lead",
        "consultations:edit as lead",
    },
    "section-title": {
        "strategies:draft as lead",
        "strategies:public as anonymous",
        "strategies:section_edit as lead",
        "consultations:strategy as respondent",
        "consultations:respond_questions as respondent",
    },
    "section-body": {
        "strategies:public as anonymous",
        "strategies:preview as lead",
        "strategies:version as lead",
        "strategies:section_compare?from&to as lead",
        "strategies:version_compare?from&to as lead",
        "consultations:strategy as respondent",
        "consultations:questions_preview as lead",
    },
    "revision-note": {"strategies:section_history as lead"},
    "draft-title": {"strategies:section_edit as lead"},
    "draft-body": {
        "strategies:section_edit as lead",
        "strategies:section_edit (live preview) as lead",
    },
    "priority-title": {"strategies:priorities as lead", "strategies:alignment as lead"},
    "priority-description": {"strategies:priority_edit as lead", "strategies:public as anonymous"},
    "kpi-name": {"strategies:kpis as lead", "strategies:public as anonymous"},
    "kpi-unit": {"strategies:kpi as lead"},
    "kpi-note": {"strategies:kpi as lead"},
    "source-note": {"strategies:evidence as lead", "strategies:public as anonymous"},
    "workflow-note": {"strategies:draft as lead"},
    "consultation-title": {"consultations:list as anonymous", "consultations:detail as lead"},
    "consultation-summary": {"consultations:list as anonymous", "consultations:detail as lead"},
    "consultation-body": {"consultations:detail as lead", "consultations:edit as lead"},
    "how-to-respond": {"consultations:detail as lead"},
    "privacy-notice": {"consultations:detail as lead"},
    "question-text": {
        "consultations:questions as lead",
        "consultations:question_edit as lead",
        "consultations:respond_questions as respondent",
        "consultations:report as lead",
    },
    "question-hint": {
        "consultations:respond_questions as respondent",
        "consultations:question_edit as lead",
    },
    "option-label": {
        "consultations:respond_questions as respondent",
        "consultations:question_edit as lead",
        "consultations:response_detail as lead",
        "consultations:report as lead",
    },
    "respondent-organisation": {
        "consultations:responses as lead",
        "consultations:respond_profile as respondent",
    },
    "respondent-name": {"consultations:response_detail as lead"},
    "location": {"consultations:report as lead"},
    "other-answer": {"consultations:response_detail as lead"},
    "source-detail": {"consultations:responses as lead"},
    "answer": {
        "consultations:responses as lead",
        "consultations:response_detail as lead",
        "consultations:my_response as respondent",
        "consultations:respond_check as respondent",
        "consultations:report as lead",
        "consultations:outcome (closed) as anonymous",
    },
    "comment": {
        "consultations:strategy as respondent",
        "consultations:comment_edit as respondent",
        "consultations:moderation_queue as moderator",
        "consultations:moderation_comment as moderator",
    },
    "reply": {"consultations:strategy as respondent"},
    "moderation-reason": {"consultations:moderation_log as admin"},
    "report-reason": {"consultations:moderation_comment as moderator"},
    "moderator-note": {"consultations:moderation_comment as moderator"},
    "theme-label": {
        "consultations:report_themes as lead",
        "consultations:report (closed) as lead",
        "consultations:outcome (closed) as anonymous",
    },
    "you-said": {"consultations:report_you_said as lead"},
    "we-did": {
        "consultations:report_you_said as lead",
        "consultations:outcome (closed) as anonymous",
    },
    "import-heading": {"consultations:responses_import_columns as lead"},
    "import-cell": {
        "consultations:responses_import_columns as lead",
        "consultations:responses_import_check (problems) as lead",
        "consultations:responses_import_check (preview) as lead",
    },
    "import-source": {"consultations:responses_import_columns as lead"},
    "import-file": {"consultations:responses_import_columns as lead"},
}


# The browser's checks ----------------------------------------------------------------------------

# Run after load: everything a payload would leave behind had it reached the page as markup.
INJECTION_PROBE = r"""
() => {
  const found = [];
  const describe = (el) => el.outerHTML.slice(0, 160);
  const dangerousUrl = (value) => {
    const url = (value || "").replace(/[\u0000-\u0020\u007f-\u00a0\u200b-\u200d\ufeff]/g, "")
      .toLowerCase();
    return url.startsWith("javascript:") || url.startsWith("vbscript:") ||
      url.startsWith("data:text") || url.startsWith("data:application") ||
      url.startsWith("data:image/svg");
  };
  if (window.__xss !== undefined) found.push(`window.__xss = ${window.__xss}`);
  for (const el of document.querySelectorAll("[data-xss], xss-marker")) {
    found.push(`marker element: ${describe(el)}`);
  }
  const urlAttributes = ["href", "src", "srcset", "action", "formaction", "data", "xlink:href",
    "background", "poster", "codebase", "content"];
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) found.push(`event handler ${name}: ${describe(el)}`);
      if (name === "style" || name === "srcdoc") found.push(`${name}: ${describe(el)}`);
      if (urlAttributes.includes(name) && dangerousUrl(attribute.value)) {
        found.push(`dangerous ${name}: ${describe(el)}`);
      }
    }
  }
  for (const script of document.querySelectorAll("script")) {
    const src = script.getAttribute("src") || "";
    const ours = script.nonce || (src.startsWith("/static/") && !script.textContent.trim());
    if (!ours) found.push(`script without the page's nonce: ${describe(script)}`);
  }
  const forbidden = "iframe, frame, frameset, object, embed, applet, base, isindex, template, " +
    "meta[http-equiv], style, link:not([rel=stylesheet][href^='/static/']):not([rel=icon]), " +
    "svg script, svg foreignObject, svg animate, svg set, svg use, svg discard, math [href], " +
    "dialog, [popover]";
  for (const el of document.querySelectorAll(forbidden)) {
    found.push(`forbidden element: ${describe(el)}`);
  }
  return found;
}
"""

SENTINELS = r"""
() => [...new Set(document.documentElement.outerHTML.match(/xss-[a-z-]+-\d+/g) || [])]
"""


@dataclass
class Seen:
    """What the browser noticed on one page."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    documents: list[tuple[str, int, str, str]] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)
    sentinels: list[str] = field(default_factory=list)
    url: str = ""


class Tab:
    """One signed-in tab per role, with listeners that record into the current visit."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.seen = Seen()
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda error: self.seen.page_errors.append(str(error)))
        self.page.on("response", self._on_response)

    def _on_dialog(self, dialog: Any) -> None:
        self.seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            headers = response.headers
            self.seen.documents.append(
                (
                    response.url,
                    response.status,
                    headers.get("content-type", ""),
                    headers.get("content-security-policy", ""),
                )
            )

    def start(self) -> None:
        self.seen = Seen()

    def finish(self) -> Seen:
        # Handlers such as autofocus/onfocus, ontoggle and SVG animations run just after load.
        self.page.wait_for_timeout(60)
        self.seen.injected = self.page.evaluate(INJECTION_PROBE)
        self.seen.sentinels = self.page.evaluate(SENTINELS)
        self.seen.url = self.page.url
        return self.seen

    def visit(self, url: str) -> Seen:
        self.start()
        self.page.goto(url, wait_until="load")
        return self.finish()


def problems_on(label: str, seen: Seen, expected_url: str | None) -> list[str]:
    problems = [f"{label}: dialog {dialog}" for dialog in seen.dialogs]
    problems += [f"{label}: page error {error}" for error in seen.page_errors]
    problems += [f"{label}: {finding}" for finding in seen.injected]
    final = seen.documents[-1] if seen.documents else ("", 0, "", "")
    if final[1] != 200:
        problems.append(f"{label}: HTTP {final[1]}")
    if expected_url is not None and seen.url.split("#")[0] != expected_url:
        problems.append(f"{label}: navigated to {seen.url}")
    for url, _status, content_type, policy in seen.documents:
        if content_type.startswith("text/html") and "default-src 'self'" not in policy:
            problems.append(f"{label}: no Content-Security-Policy on {url}")
    return problems


def _session_cookie(user: Any, base_url: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fast_world(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # One person posts every comment of the corpus within a second: no pacing rule.
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0
    # The compiled report's PDF and DOCX are files, not pages, and nothing runs in them; laying
    # the corpus out with WeasyPrint would take most of this test's time. The report's pages
    # are built from the same compiled result.
    monkeypatch.setattr(render, "document_to_pdf", lambda document: b"%PDF-1.7")
    monkeypatch.setattr(render, "document_to_docx", lambda document: b"PK")


@pytest.fixture
def xss_world(cast: Any, fast_world: None) -> XssWorld:
    return build_xss_world(cast)


@pytest.fixture
def tabs(browser: Any, live_server: Any, cast: Any) -> Iterator[Callable[[str], Tab]]:
    """A tab per role, signed in through a session cookie, with the policy bypassed."""
    contexts: dict[str, Any] = {}
    opened: dict[str, Tab] = {}

    def tab(role: str) -> Tab:
        if role not in opened:
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            user = getattr(cast, role, None)
            if user is not None:
                context.add_cookies([_session_cookie(user, live_server.url)])
            contexts[role] = context
            opened[role] = Tab(context)
        return opened[role]

    yield tab
    for context in contexts.values():
        context.close()


def _import(tab: Tab, world: XssWorld, base: str) -> Iterator[tuple[str, Seen]]:
    """Upload the corpus as a CSV and go through the import's steps: the matching of columns,
    the problems found in every row, and the preview of what would be saved."""
    slug = world.kwargs["consultation"]["slug"]
    page = tab.page
    page.goto(f"{base}/consultations/{slug}/responses/import/")
    page.get_by_label("Where the responses come from").fill(world.texts("import-source")[0])
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": world.texts("import-file")[0],
                "mimeType": "text/csv",
                "buffer": world.import_csv,
            }
        ]
    )
    tab.start()
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_load_state("load")
    yield "consultations:responses_import_columns as lead", tab.finish()

    # The first column read as a size band: every row's value comes back as a problem.
    page.locator("#id_column_0").select_option("size_band")
    tab.start()
    page.get_by_role("button", name="Check every row").click()
    page.wait_for_url("**/import/check/")
    yield "consultations:responses_import_check (problems) as lead", tab.finish()

    # Read as the answer to a free-text question instead: the preview shows the answers.
    page.goto(f"{base}/consultations/{slug}/responses/import/columns/")
    free = page.locator("#id_column_0 option").filter(has_text="Q1.").first.get_attribute("value")
    page.locator("#id_column_0").select_option(free)
    tab.start()
    page.get_by_role("button", name="Check every row").click()
    page.wait_for_url("**/import/check/")
    yield "consultations:responses_import_check (preview) as lead", tab.finish()


def _live_preview(tab: Tab, world: XssWorld, base: str) -> Iterator[tuple[str, Seen]]:
    """The section editor's live preview: its script sends the text as it changes and writes
    the HTML it gets back into the page (``innerHTML``)."""
    page = tab.page
    tab.start()
    page.goto(base + reverse("strategies:section_edit", kwargs=world.kwargs["section"]))
    with page.expect_response(lambda response: "markdown-preview" in response.url):
        page.locator("textarea[name=body]").dispatch_event("input")
    page.wait_for_function(
        "document.getElementById('preview').textContent.includes('xss-draft-body-0')"
    )
    yield "strategies:section_edit (live preview) as lead", tab.finish()


def test_every_page_that_shows_user_text_is_swept() -> None:
    visited = {visit.name for visit in VISITS} | set(IMPORT_STEPS)
    named = {name for name in DECLARATIONS if not name.startswith("api:")}
    missing = sorted(named - visited - set(NOT_VISITED))
    assert missing == [], f"Add these pages to the XSS sweep, or to NOT_VISITED: {missing}"
    stale = sorted(set(NOT_VISITED) - named)
    assert stale == [], f"NOT_VISITED names pages that no longer exist: {stale}"


@pytest.mark.django_db(transaction=True)
def test_no_payload_of_the_corpus_runs_or_injects_markup_on_any_page(
    tabs: Callable[[str], Tab], xss_world: XssWorld, live_server: Any
) -> None:
    assert len(PAYLOADS) >= 100
    assert len({payload.text for payload in PAYLOADS}) == len(PAYLOADS)
    problems: list[str] = []
    shown: dict[str, set[str]] = {}
    reached: dict[str, set[int]] = {}

    def record(label: str, seen: Seen, expected_url: str | None) -> None:
        problems.extend(problems_on(label, seen, expected_url))
        for word in seen.sentinels:
            code, _, index = word.removeprefix("xss-").rpartition("-")
            shown.setdefault(code, set()).add(label)
            reached.setdefault(code, set()).add(int(index))

    for visit in VISITS:
        url = live_server.url + visit.path(xss_world)
        record(visit.label, tabs(visit.role).visit(url), url)
    for steps in (_live_preview, _import):
        for label, seen in steps(tabs("lead"), xss_world, live_server.url):
            record(label, seen, None)

    for code, packing in xss_world.packings.items():
        missing = sorted(set(range(len(packing.texts))) - reached.get(code, set()))
        if missing:
            problems.append(f"{code}: texts {missing} were shown on no page")
        absent = sorted(SHOWN_ON.get(code, set()) - shown.get(code, set()))
        if absent:
            problems.append(f"{code}: not shown on {absent}")
        if code not in SHOWN_ON:
            problems.append(f"{code}: say in SHOWN_ON where it must be seen")
    assert problems == [], "\n".join(problems)


# The detector ------------------------------------------------------------------------------------

# Raw (unescaped) insertion points: what a template would produce without escaping.
RAW_CONTEXTS = [
    "<div>{}</div>",
    '<p title="{}">x</p>',
    "<p title='{}'>x</p>",
    "<p title={}>x</p>",
    "<textarea>{}</textarea>",
    '<a href="{}">x</a>',
    '<script nonce="n">var data = {{"a": "{}"}};</script>',
    "<script nonce=\"n\">var data = {{'a': '{}'}};</script>",
    '<script nonce="n">var data = `{}`;</script>',
]

# In the detector's frames dialogs are recorded, not opened: one page holds every payload.
RECORD_DIALOGS = """
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (value) => {
    window.top.__dialogs = window.top.__dialogs || [];
    window.top.__dialogs.push(String(value));
  };
}
"""


def _unsafe_markdown(text: str) -> str:
    """Markdown as a careless renderer would make it: raw HTML kept, every link scheme kept."""
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table"])
    renderer.validateLink = lambda url: True  # type: ignore[method-assign]
    return renderer.render(text)


def raw_page(payload: Payload) -> str:
    """The payload written raw into every context, and escaped quotes only (as a naive JSON
    writer would), and through an unsafe Markdown renderer."""
    quoted = payload.text.replace('"', '\\"')
    parts = [context.format(payload.text) for context in RAW_CONTEXTS]
    parts.append(f'<script nonce="n">var data = {{"a": "{quoted}"}};</script>')
    parts.append(_unsafe_markdown(payload.text))
    body = "\n".join(f"<section>{part}</section>" for part in parts)
    return f"<!DOCTYPE html><html><head><title>raw</title></head><body>{body}</body></html>"


def test_the_detector_catches_every_payload_written_raw_into_a_page(browser: Any) -> None:
    """Each payload written without escaping — into text, attributes, a textarea, a link, script
    strings, and through a careless Markdown renderer — is caught: so a clean sweep means that
    the text was escaped, not that the payloads were harmless. Payloads that stay plain text
    even raw (encoded forms, server-side template syntax) are marked inert in the corpus; they
    check that nothing is decoded or evaluated twice."""
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(RECORD_DIALOGS)
    page = context.new_page()
    frames = "".join(
        f'<iframe name="payload-{p.number}" srcdoc="{escape(raw_page(p))}"></iframe>'
        for p in PAYLOADS
    )
    page.set_content(f"<!DOCTYPE html><html><body>{frames}</body></html>", wait_until="load")
    page.wait_for_timeout(200)
    caught: set[int] = {
        int(value) for value in page.evaluate("window.__dialogs || []") if value.isdigit()
    }
    for frame in page.frames:
        if frame.name.startswith("payload-") and frame.evaluate(INJECTION_PROBE):
            caught.add(int(frame.name.removeprefix("payload-")))
    context.close()
    undetected = [
        f"{p.number}: {p.text!r}" for p in PAYLOADS if not p.inert and p.number not in caught
    ]
    acting = [f"{p.number}: {p.text!r}" for p in PAYLOADS if p.inert and p.number in caught]
    assert undetected == [], "Payloads the detector misses:\n" + "\n".join(undetected)
    assert acting == [], "Payloads marked inert that act:\n" + "\n".join(acting)
