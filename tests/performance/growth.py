"""Builders that add N rows of one kind to the budget world, cheaply (bulk_create), shaped like
the rows the pages show: each kind brings the related rows a real one has (a section its
revision, a response its answers, a comment its author), so that a page that fetches them one
row at a time shows it in its query count.

Every builder takes the world, how many rows to add, and the request's context (which
consultation grows, who is signed in). Rows are rolled back after each test."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from consultations.models import (
    Answer,
    Comment,
    CommentReport,
    Compilation,
    Consultation,
    ModerationLog,
    ModeratorNote,
    OutcomeRow,
    Question,
    QuestionOption,
    Response,
    ThemeEdit,
)
from strategies.constants import SectionKind
from strategies.models import (
    EvidenceDataset,
    Kpi,
    KpiReading,
    Priority,
    Section,
    SectionRevision,
    Strategy,
    StrategyVersion,
    VersionSection,
    WorkflowEvent,
)

from .world import BudgetWorld

_serial = itertools.count(1)


def _block(n: int) -> list[int]:
    """``n`` numbers never handed out before in this process: unique names and slugs."""
    return [next(_serial) for _ in range(n)]


@dataclass(frozen=True)
class Growth:
    consultation: Consultation
    user: User | None


Builder = Callable[[BudgetWorld, int, Growth], None]


def _users(n: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(email=f"{prefix}-{i}@budget.example", display_name=f"Person {i}", password="!")
        for i in _block(n)
    )


# Organisations and people -------------------------------------------------------------------


def organisations(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Organisations, each with a strategy (every other one published), as on the tracker."""
    now = timezone.now()
    created = Organisation.objects.bulk_create(
        Organisation(
            name=f"Budget Partnership {i:06d}",
            slug=f"budget-partnership-{i:06d}",
            ons_code=f"E98{i:06d}",
            wave=i % 3 + 1,
        )
        for i in _block(n)
    )
    Strategy.objects.bulk_create(
        Strategy(
            organisation=organisation,
            title="Local Industrial Strategy",
            slug="local-industrial-strategy",
            status=Strategy.Status.PUBLISHED if index % 2 else Strategy.Status.DRAFTING,
            created_by=world.cast.lead,
            status_changed_at=now,
            published_version=world.version if index % 2 else None,
            published_at=now if index % 2 else None,
        )
        for index, organisation in enumerate(created)
    )


def members(world: BudgetWorld, n: int, growth: Growth) -> None:
    roles = list(Membership.Role.values)
    Membership.objects.bulk_create(
        Membership(user=user, organisation=world.cast.organisation, role=roles[index % len(roles)])
        for index, user in enumerate(_users(n, "member"))
    )


def memberships(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Roles in further organisations for the signed-in user."""
    assert growth.user is not None
    created = Organisation.objects.bulk_create(
        Organisation(name=f"Budget Body {i:06d}", slug=f"budget-body-{i:06d}", wave=i % 3 + 1)
        for i in _block(n)
    )
    Membership.objects.bulk_create(
        Membership(user=growth.user, organisation=organisation, role=Membership.Role.VIEWER)
        for organisation in created
    )


# Strategies -------------------------------------------------------------------------------


def strategies(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Strategies of the world's organisation, every other one published."""
    now = timezone.now()
    Strategy.objects.bulk_create(
        Strategy(
            organisation=world.cast.organisation,
            title=f"Strategy {i}",
            slug=f"budget-strategy-{i}",
            status=Strategy.Status.PUBLISHED if i % 2 else Strategy.Status.DRAFTING,
            created_by=world.cast.editor,
            status_changed_at=now,
            published_version=world.version if i % 2 else None,
            published_at=now if i % 2 else None,
        )
        for i in _block(n)
    )


def sections(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Live sections of the world's strategy, each with a saved revision."""
    top = world.strategy.sections.aggregate(top=Max("position"))["top"] or 0
    created = Section.objects.bulk_create(
        Section(
            strategy=world.strategy,
            kind=SectionKind.CUSTOM,
            anchor=f"budget-section-{i}",
            title=f"Section {i}",
            position=top + offset,
        )
        for offset, i in enumerate(_block(n), start=1)
    )
    revisions = SectionRevision.objects.bulk_create(
        SectionRevision(
            section=section,
            number=1,
            title=section.title,
            body=f"Text of *{section.title}*.",
            author=world.cast.editor,
        )
        for section in created
    )
    for section, revision in zip(created, revisions, strict=True):
        section.latest_revision = revision
    Section.objects.bulk_update(created, ["latest_revision"])


def version_sections(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Sections of the world's version: the published one, which both consultations are on."""
    top = world.version.sections.aggregate(top=Max("position"))["top"] or 0
    VersionSection.objects.bulk_create(
        VersionSection(
            version=world.version,
            position=top + offset,
            kind=SectionKind.CUSTOM,
            anchor=f"budget-section-{i}",
            title=f"Section {i}",
            body=f"Text of *section {i}*.",
        )
        for offset, i in enumerate(_block(n), start=1)
    )


def revisions(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Earlier-numbered history of the world's section (its latest revision stays as it is)."""
    top = world.section.revisions.aggregate(top=Max("number"))["top"] or 0
    editors = [world.cast.editor, world.cast.lead]
    SectionRevision.objects.bulk_create(
        SectionRevision(
            section=world.section,
            number=top + offset,
            title=world.section.title,
            body=f"Draft {offset} of the foreword.",
            author=editors[offset % 2],
        )
        for offset in range(1, n + 1)
    )


def versions(world: BudgetWorld, n: int, growth: Growth) -> None:
    top = world.strategy.versions.aggregate(top=Max("number"))["top"] or 0
    StrategyVersion.objects.bulk_create(
        StrategyVersion(
            strategy=world.strategy,
            number=top + offset,
            label=f"Draft {offset}",
            created_by=world.cast.editor,
            strategy_title=world.strategy.title,
        )
        for offset in range(1, n + 1)
    )


def events(world: BudgetWorld, n: int, growth: Growth) -> None:
    WorkflowEvent.objects.bulk_create(
        WorkflowEvent(
            strategy=world.strategy,
            from_status=Strategy.Status.REVISING,
            to_status=Strategy.Status.SUBMITTED,
            actor=world.cast.lead,
            note=f"Step {i}",
            version=world.version if i % 2 else None,
        )
        for i in _block(n)
    )


def priorities(world: BudgetWorld, n: int, growth: Growth) -> None:
    Priority.objects.bulk_create(
        Priority(
            strategy=world.strategy,
            title=f"Priority {i}",
            description="What we will do.",
            foundations=["people", "ideas"][: i % 2 + 1],
            grand_challenges=["ageing-society"] if i % 2 else [],
            place_kinds=[],
            position=i,
        )
        for i in _block(n)
    )


def kpis(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Indicators of the world's strategy, each under its priority and with one reading."""
    created = Kpi.objects.bulk_create(
        Kpi(
            strategy=world.strategy,
            priority=world.priority,
            name=f"Indicator {i}",
            unit="%",
            baseline_value=Decimal("10"),
            baseline_date=date(2017, 1, 1),
            target_value=Decimal("20"),
            target_date=date(2030, 1, 1),
            position=i,
        )
        for i in _block(n)
    )
    KpiReading.objects.bulk_create(
        KpiReading(
            kpi=kpi, date=date(2019, 1, 1), value=Decimal("12"), recorded_by=world.cast.editor
        )
        for kpi in created
    )


def readings(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Readings of the world's indicator, a day apart."""
    start = date(2018, 1, 1) + timedelta(days=world.kpi.readings.count())
    KpiReading.objects.bulk_create(
        KpiReading(
            kpi=world.kpi,
            date=start + timedelta(days=offset),
            value=Decimal("30") + offset,
            note=f"Reading {offset}",
            recorded_by=world.cast.editor,
        )
        for offset in range(n)
    )


def datasets(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Evidence datasets of the world's organisation for further years."""
    top = world.cast.organisation.evidence_datasets.aggregate(top=Max("year"))["top"] or 2017
    EvidenceDataset.objects.bulk_create(
        EvidenceDataset(
            organisation=world.cast.organisation,
            year=max(top, 3000) + offset,
            source_note=f"ONS BRES, year {offset}",
            uploaded_by=world.cast.editor,
            uploaded_at=timezone.now(),
            file_name="figures.csv",
        )
        for offset in range(1, n + 1)
    )


# Consultations ------------------------------------------------------------------------------


def consultations(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Consultations of the world's organisation on its version, every other one closed."""
    now = timezone.now()
    Consultation.objects.bulk_create(
        Consultation(
            organisation=world.cast.organisation,
            strategy=world.strategy,
            version=world.version,
            title=f"Consultation {i}",
            slug=f"budget-consultation-{i}",
            summary="Tell us what you think.",
            how_to_respond="Online.",
            privacy_notice="Public task.",
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(hours=1) if i % 2 else now + timedelta(days=30),
            reference_prefix="BUD",
            created_by=world.cast.editor,
        )
        for i in _block(n)
    )


def _new_questions(consultation: Consultation, n: int) -> list[Question]:
    """Single-choice questions, two options each, on the same page as the first question."""
    first = consultation.questions.order_by("position", "pk").first()
    assert first is not None
    created = Question.objects.bulk_create(
        Question(
            consultation=consultation,
            position=first.position,
            kind=Question.Kind.SINGLE,
            text=f"Question {i}?",
            section_id=first.section_id,
        )
        for i in _block(n)
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, position=position, label=label)
        for question in created
        for position, label in enumerate(("Yes", "No"), start=1)
    )
    return created


def questions(world: BudgetWorld, n: int, growth: Growth) -> None:
    _new_questions(growth.consultation, n)


def answered_questions(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Questions that the world's submitted response (the respondent's) has answered."""
    created = _new_questions(world.consultation, n)
    first_options = {
        option.question_id: option
        for option in QuestionOption.objects.filter(question__in=created, position=1)
    }
    Answer.objects.bulk_create(
        Answer(response=world.response, question=question, option=first_options[question.pk])
        for question in created
    )


def options(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Options of the world's single-choice question."""
    top = world.question.options.aggregate(top=Max("position"))["top"] or 0
    QuestionOption.objects.bulk_create(
        QuestionOption(question=world.question, position=top + offset, label=f"Option {offset}")
        for offset in range(1, n + 1)
    )


PROFILES = [
    {
        "responding_as": "organisation",
        "organisation_name": "Crewe Widgets Ltd",
        "organisation_type": "business",
        "size_band": "small",
        "sector": "C",
        "respondent_type": "business",
        "consent": "with-name",
    },
    {
        "responding_as": "individual",
        "respondent_name": "Jo Bloggs",
        "size_band": "sole-trader",
        "sector": "M",
        "respondent_type": "individual",
        "consent": "anonymous",
    },
]


def _responses(
    world: BudgetWorld, consultation: Consultation, n: int, respondent: User | None
) -> None:
    """Submitted responses (or withdrawn, one in ten) answering every question."""
    now = timezone.now()
    created = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            status=Response.Status.WITHDRAWN if i % 10 == 0 else Response.Status.SUBMITTED,
            reference=f"BUD-{consultation.pk}-{i:07d}",
            respondent=respondent,
            source=Response.Source.WEB,
            location="Crewe",
            email=f"r{i}@budget.example",
            submitted_at=now - timedelta(seconds=i),
            withdrawn_at=now if i % 10 == 0 else None,
            **PROFILES[i % len(PROFILES)],
        )
        for i in _block(n)
    )
    question_list = list(
        consultation.questions.filter(pk__lte=world.last_question_pk).prefetch_related("options")
    )
    answers = []
    for index, response in enumerate(created):
        for question in question_list:
            choices = list(question.options.all())
            if question.kind == Question.Kind.FREE_TEXT:
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        text=f"Answer {index}: more apprenticeships and better buses.",
                    )
                )
            elif choices:
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        option=choices[index % len(choices)],
                    )
                )
    Answer.objects.bulk_create(answers)


def responses(world: BudgetWorld, n: int, growth: Growth) -> None:
    _responses(world, growth.consultation, n, None)


def own_responses(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Responses of the signed-in respondent (the API's my-responses and the data download)."""
    _responses(world, world.consultation, n, world.cast.respondent)


def comments(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Comments on the sections of the version consulted on, by several people: most
    published, one in five a reply to the world's comment, one in seven still waiting (the
    respondent sees their own)."""
    cast = world.cast
    authors = [cast.respondent, cast.other_member, cast.viewer]
    sections = list(world.version.sections.order_by("position")[:3])
    rows = []
    for offset in range(n):
        reply = offset % 5 == 4
        rows.append(
            Comment(
                consultation=world.consultation,
                section=world.version_section if reply else sections[offset % len(sections)],
                parent=world.comment if reply else None,
                author=authors[offset % len(authors)],
                body=f"Comment {offset} on the draft.",
                state=Comment.State.PENDING if offset % 7 == 6 else Comment.State.APPROVED,
            )
        )
    Comment.objects.bulk_create(rows)


def queued_comments(world: BudgetWorld, n: int, growth: Growth) -> None:
    """What the moderation queue holds: comments waiting, held by the spam filter, and
    published but reported (with their report)."""
    created = Comment.objects.bulk_create(
        Comment(
            consultation=world.consultation,
            section=world.version_section,
            author=world.cast.other_member,
            body=f"Comment {offset} to moderate.",
            state=Comment.State.APPROVED if offset % 3 == 2 else Comment.State.PENDING,
            held_reason="It contains a link." if offset % 3 == 1 else "",
            report_count=1 if offset % 3 == 2 else 0,
        )
        for offset in range(n)
    )
    CommentReport.objects.bulk_create(
        CommentReport(comment=comment, reporter=world.cast.respondent, reason="Off topic.")
        for comment in created
        if comment.report_count
    )


def reports(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Reports of the world's comment, each by a different person."""
    CommentReport.objects.bulk_create(
        CommentReport(comment=world.comment, reporter=user, reason="Off topic.")
        for user in _users(n, "reporter")
    )
    Comment.objects.filter(pk=world.comment.pk).update(report_count=F("report_count") + n)


def log_entries(world: BudgetWorld, n: int, growth: Growth) -> None:
    ModerationLog.objects.bulk_create(
        ModerationLog(
            comment=world.comment,
            moderator=world.cast.moderator,
            action="keep",
            from_state=Comment.State.APPROVED,
            to_state=Comment.State.APPROVED,
            reason=f"Decision {offset}",
        )
        for offset in range(n)
    )


def notes(world: BudgetWorld, n: int, growth: Growth) -> None:
    ModeratorNote.objects.bulk_create(
        ModeratorNote(comment=world.comment, author=world.cast.moderator, body=f"Note {offset}")
        for offset in range(n)
    )


# Reports ----------------------------------------------------------------------------------


def compilations(world: BudgetWorld, n: int, growth: Growth) -> None:
    """Earlier compilations that failed (the latest finished report stays the latest)."""
    created = Compilation.objects.bulk_create(
        Compilation(
            consultation=growth.consultation,
            status=Compilation.Status.FAILED,
            stage="Failed",
            error="The worker stopped.",
            created_by=world.cast.editor,
            version=world.version,
        )
        for _ in range(n)
    )
    long_ago = datetime(2019, 1, 1, tzinfo=timezone.get_current_timezone())
    Compilation.objects.filter(pk__in=[c.pk for c in created]).update(created_at=long_ago)


def theme_edits(world: BudgetWorld, n: int, growth: Growth) -> None:
    ThemeEdit.objects.bulk_create(
        ThemeEdit(
            consultation=world.closed,
            question=world.closed_free_text,
            theme_key=f"budget-theme-{i}",
            original_label=f"Theme {i}",
            label=f"Renamed theme {i}",
            edited_by=world.cast.editor,
        )
        for i in _block(n)
    )


def outcome_rows(world: BudgetWorld, n: int, growth: Growth) -> None:
    OutcomeRow.objects.bulk_create(
        OutcomeRow(
            consultation=world.closed,
            key=f"theme:0:budget-{i}",
            topic=f"Topic {i}",
            you_said="More buses.",
            we_did="We will ask the operators.",
            edited_by=world.cast.editor,
        )
        for i in _block(n)
    )


BUILDERS: dict[str, Builder] = {
    builder.__name__: builder
    for builder in (
        organisations,
        members,
        memberships,
        strategies,
        sections,
        version_sections,
        revisions,
        versions,
        events,
        priorities,
        kpis,
        readings,
        datasets,
        consultations,
        questions,
        answered_questions,
        options,
        responses,
        own_responses,
        comments,
        queued_comments,
        reports,
        log_entries,
        notes,
        compilations,
        theme_edits,
        outcome_rows,
    )
}


def grow(world: BudgetWorld, kinds: tuple[str, ...], n: int, growth: Growth) -> None:
    for kind in kinds:
        BUILDERS[kind](world, n, growth)


__all__ = ["BUILDERS", "Growth", "grow"]
