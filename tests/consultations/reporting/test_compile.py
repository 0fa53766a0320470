"""The compile engine's orchestration: starting, reusing, claiming, failing and recovering a
compilation, and what it produces (the report data, the files and the compiled strategy
version), with consent and moderation respected."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from consultations import services
from consultations.models import Comment, Compilation, Consultation, Question, Response
from consultations.reporting import compile as engine
from consultations.reporting import tasks as reporting_tasks
from consultations.reporting.compile import parts as compile_parts
from lepportal.celery import app as celery_app
from lepportal.core.exceptions import ApplicationError
from strategies.constants import SectionKind
from strategies.models import StrategyVersion
from tests.conftest import required

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SECRET_ANSWER = "Zanzibarquux broadband fibre speeds on the business park are far too slow"
REJECTED_COMMENT = "Quibblewick rejected comment: the skills section is rubbish"
APPROVED_COMMENT = "The skills section should mention apprenticeships for older workers."
COMMENTER_NAME = "Petronella Commentwright"

# Three subjects that the analysis can tell apart, in several wordings each.
ANSWERS = {
    "broadband": [
        "Faster broadband and better fibre connections for rural businesses.",
        "Rural broadband is slow; fibre connections would help our business grow.",
        "Improve broadband speeds and fibre coverage across the rural villages.",
        "We need reliable fibre broadband, the rural connection keeps dropping.",
        "Better rural broadband and fibre would let us trade online.",
    ],
    "skills": [
        "More apprenticeships and training for young people in engineering skills.",
        "Engineering apprenticeships and skills training with local colleges.",
        "Fund skills training and apprenticeships so firms can hire young people.",
        "Young people need engineering skills and more apprenticeship places.",
        "Training and apprenticeships in engineering skills for school leavers.",
    ],
    "transport": [
        "Buses to the industrial estate are too infrequent for shift workers.",
        "Better bus services and rail links to the industrial estate please.",
        "Public transport: buses and trains so staff can reach the estate.",
        "Improve bus routes and rail services for commuting to the estate.",
        "More frequent buses and rail connections to the industrial estate.",
    ],
}

PROFILES = [
    {
        "responding_as": "organisation",
        "organisation_name": "Crewe Widgets Ltd",
        "organisation_type": "business",
        "size_band": "small",
        "sector": "C",
        "location": "Cheshire East",
        "consent": "with-name",
        "email": "boss@crewe.example",
    },
    {
        "responding_as": "individual",
        "respondent_name": "Jo Bloggs",
        "size_band": "sole-trader",
        "sector": "M",
        "location": "CW1",
        "consent": "anonymous",
        "email": "jo@example.com",
    },
    {
        "responding_as": "organisation",
        "organisation_name": "Warrington Council",
        "organisation_type": "public-sector",
        "size_band": "large",
        "location": "Warrington",
        "consent": "anonymous",
    },
]


def option_id(question: Question, label: str) -> str:
    return str(next(o.pk for o in question.options.all() if o.label == label))


def respond(
    consultation: Consultation,
    *,
    text: str,
    profile: dict[str, str],
    vision: str = "Yes",
    helps: tuple[str, ...] = ("Skills",),
    scale: str = "Agree",
) -> Response:
    single, multiple, scale_question, free = list(
        consultation.questions.order_by("position").prefetch_related("options")
    )
    response, _ = services.response_create_complete(
        consultation=consultation,
        profile=profile,
        raw_answers={
            single.pk: option_id(single, vision),
            multiple.pk: [option_id(multiple, label) for label in helps],
            scale_question.pk: option_id(scale_question, scale),
            free.pk: text,
        },
        submission_key=uuid.uuid4(),
        source=Response.Source.WEB,
        check_open=False,
    )
    return response


def fill(consultation: Consultation, count: int = 30) -> list[Response]:
    """``count`` varied responses across three subjects, none of them withheld."""
    subjects = list(ANSWERS.values())
    responses = []
    for n in range(count):
        wordings = subjects[n % 3]
        responses.append(
            respond(
                consultation,
                text=wordings[(n // 3) % len(wordings)],
                profile=PROFILES[n % len(PROFILES)],
                vision=["Yes", "No", "Not sure"][n % 3],
                helps=(("Skills", "Finance"), ("Premises",), ("Digital", "Skills"))[n % 3],
                scale=["Strongly agree", "Agree", "Disagree"][n % 3],
            )
        )
    return responses


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def filled(consultation: Consultation) -> Consultation:
    fill(consultation)
    return consultation


def start(consultation: Consultation, user: Any, **kwargs: Any) -> Compilation:
    """Start a compilation and run what waits for the commit (the task, eagerly)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        compilation = engine.compilation_start(consultation=consultation, user=user, **kwargs)
    compilation.refresh_from_db()
    return compilation


def close(consultation: Consultation) -> Consultation:
    services.consultation_update(
        consultation=consultation,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    consultation.refresh_from_db()
    return consultation


def free_text(compilation: Compilation) -> dict[str, Any]:
    return compilation.result["free_text"][0]


# The eager path, end to end -----------------------------------------------------------------------


def test_without_a_broker_a_compilation_runs_to_the_end_and_produces_everything(
    filled: Consultation, cast: Any
) -> None:
    versions_before = StrategyVersion.objects.filter(strategy=filled.strategy).count()

    compilation = start(filled, cast.editor)

    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error
    assert compilation.progress == 100
    assert compilation.stage == "Finished"
    assert compilation.is_final is False
    result = compilation.result
    assert result["overview"]["responses"] == 30
    vision = next(
        q for q in result["closed_questions"] if q["text"] == "Do you support our vision?"
    )
    assert vision["answered"] == 30
    assert {o["label"]: o["count"] for o in vision["options"]} == {
        "Yes": 10,
        "No": 10,
        "Not sure": 10,
    }
    themes = free_text(compilation)["themes"]
    assert len(themes) >= 2
    assert sum(theme["count"] for theme in themes) >= 20
    assert result["you_said_we_did"], "one row per theme"
    assert all(row["we_did"] == "" for row in result["you_said_we_did"])
    # The compiled draft version of the strategy.
    assert StrategyVersion.objects.filter(strategy=filled.strategy).count() == versions_before + 1
    assert compilation.version.source == StrategyVersion.Source.COMPILED
    assert compilation.version.label == f"Compiled from consultation: {filled.title}"
    # The files.
    assert compilation.pdf.read()[:5] == b"%PDF-"
    with zipfile.ZipFile(compilation.docx.open("rb")) as docx:
        assert "word/document.xml" in docx.namelist()
    workbook = openpyxl.load_workbook(io.BytesIO(compilation.xlsx.open("rb").read()))
    assert "Closed questions" in workbook.sheetnames
    rows = list(workbook["Closed questions"].iter_rows(values_only=True))
    assert rows[1][:3] == ("Q1. Do you support our vision?", "Yes", 10)


def test_the_chord_runs_eagerly_through_the_tasks_with_no_broker(
    filled: Consultation, cast: Any
) -> None:
    compilation = Compilation.objects.create(consultation=filled, input_hash="x")

    outcome = reporting_tasks.run_compilation.delay(compilation.pk)

    assert outcome.successful()
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error
    assert compilation.attempts == 1
    assert compilation.parts_total == 2  # closed questions, and the one free-text question


# Reuse and one at a time --------------------------------------------------------------------------


def test_nothing_changed_returns_the_same_compilation(filled: Consultation, cast: Any) -> None:
    first = start(filled, cast.editor)
    versions = StrategyVersion.objects.count()

    again = start(filled, cast.lead)

    assert again.pk == first.pk
    assert StrategyVersion.objects.count() == versions


def test_a_new_response_or_an_approved_comment_makes_a_new_compilation(
    filled: Consultation, cast: Any
) -> None:
    first = start(filled, cast.editor)
    respond(filled, text=ANSWERS["skills"][0], profile=PROFILES[0])

    second = start(filled, cast.editor)
    assert second.pk != first.pk
    assert second.result["overview"]["responses"] == 31

    section = filled.version.sections.first()
    comment = Comment.objects.create(
        consultation=filled, section=section, author=cast.respondent, body="Pending for now."
    )
    assert start(filled, cast.editor).pk == second.pk, "a pending comment changes nothing"
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.APPROVED)
    assert start(filled, cast.editor).pk != second.pk


def test_only_one_compilation_is_queued_or_running_at_a_time(
    filled: Consultation, cast: Any
) -> None:
    running = Compilation.objects.create(
        consultation=filled, status=Compilation.Status.RUNNING, input_hash="old"
    )

    assert engine.compilation_start(consultation=filled, user=cast.editor).pk == running.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Compilation.objects.create(consultation=filled, status=Compilation.Status.QUEUED)
    # Finished and failed ones do not count.
    Compilation.objects.create(consultation=filled, status=Compilation.Status.FAILED)
    Compilation.objects.create(consultation=filled, status=Compilation.Status.SUCCEEDED)


# Claiming -----------------------------------------------------------------------------------------


def test_running_one_compilation_twice_does_the_work_once(filled: Consultation) -> None:
    compilation = Compilation.objects.create(consultation=filled, input_hash="x")
    versions = StrategyVersion.objects.count()

    first = engine.compilation_run(compilation_id=compilation.pk)
    second = engine.compilation_run(compilation_id=compilation.pk)

    assert (first, second) == (True, False)
    compilation.refresh_from_db()
    assert compilation.attempts == 1
    assert StrategyVersion.objects.count() == versions + 1
    # A repeated delivery of the chord's callback writes nothing either.
    assert not engine.compilation_assemble(compilation_id=compilation.pk, attempt=1, parts=[])
    assert StrategyVersion.objects.count() == versions + 1


def test_an_attempt_given_up_for_dead_cannot_write_its_result(filled: Consultation) -> None:
    compilation = Compilation.objects.create(consultation=filled, input_hash="x")
    first = engine.compilation_claim(compilation_id=compilation.pk)
    parts = [engine.closed_part(compilation_id=compilation.pk, attempt=first)]
    Compilation.objects.filter(pk=compilation.pk).update(status=Compilation.Status.QUEUED)
    second = engine.compilation_claim(compilation_id=compilation.pk)

    assert second == first + 1
    with pytest.raises(engine.Superseded):
        engine.closed_part(compilation_id=compilation.pk, attempt=first)
    assert not engine.compilation_assemble(
        compilation_id=compilation.pk, attempt=first, parts=parts
    )
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.RUNNING
    assert compilation.version is None


# Failure and retry --------------------------------------------------------------------------------


def test_a_failure_is_recorded_in_plain_words_and_starting_again_retries(
    filled: Consultation, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("matrix of shape (0, 0) has no columns")

    monkeypatch.setattr(compile_parts, "analyse_free_text", broken)
    failed = start(filled, cast.editor)

    assert failed.status == Compilation.Status.FAILED
    assert failed.error.startswith("Something unexpected went wrong while compiling the report")
    assert "Try again" in failed.error
    assert "matrix of shape" not in failed.error and "Traceback" not in failed.error
    assert failed.version is None and not failed.pdf

    monkeypatch.undo()
    retried = start(filled, cast.editor)
    assert retried.pk != failed.pk
    assert retried.status == Compilation.Status.SUCCEEDED


def test_an_unreachable_queue_answers_503_and_marks_the_compilation_failed(
    filled: Consultation, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(reporting_tasks.run_compilation, "delay", unreachable)

    with pytest.raises(ApplicationError) as raised:
        start(filled, cast.editor)

    assert raised.value.status == 503
    assert raised.value.message == (
        "The task queue is not reachable right now: try again in a few minutes."
    )
    compilation = filled.compilations.get()
    assert compilation.status == Compilation.Status.FAILED
    assert compilation.error == raised.value.message


def test_the_final_report_waits_for_the_consultation_to_close(
    filled: Consultation, cast: Any
) -> None:
    with pytest.raises(ApplicationError) as raised:
        engine.compilation_start(consultation=filled, user=cast.editor, final=True)
    assert raised.value.status == 409

    close(filled)
    compilation = start(filled, cast.editor)
    assert compilation.is_final, "once closed, every compilation is final"


# What it produces ---------------------------------------------------------------------------------


def test_the_compiled_version_differs_from_the_consulted_one_in_its_summary_and_notes(
    filled: Consultation, cast: Any
) -> None:
    compilation = start(filled, cast.editor)

    consulted = {s.anchor: s for s in filled.version.sections.all()}
    compiled = {s.anchor: s for s in compilation.version.sections.all()}
    assert set(compiled) == set(consulted)
    summary_anchor = next(
        a for a, s in compiled.items() if s.kind == SectionKind.CONSULTATION_SUMMARY
    )
    assert compiled[summary_anchor].body != consulted[summary_anchor].body
    assert "We received 30 responses" in compiled[summary_anchor].body
    assert "### Who responded" in compiled[summary_anchor].body
    # The sections that questions were about keep their text and gain "What we heard".
    linked = Question.objects.filter(consultation=filled, section__isnull=False)
    for question in linked:
        body = compiled[question.section.anchor].body
        assert body.startswith(consulted[question.section.anchor].body)
        assert "### What we heard" in body
        assert question.text in body
    # Sections nobody answered or commented on are unchanged.
    untouched = set(consulted) - {q.section.anchor for q in linked} - {summary_anchor}
    assert untouched
    for anchor in untouched:
        assert compiled[anchor].body == consulted[anchor].body


def test_quotes_respect_consent_and_moderation_and_never_name_anyone(
    filled: Consultation, cast: Any
) -> None:
    withheld = {**PROFILES[0], "consent": "none", "organisation_name": "Secretive Ltd"}
    for _ in range(3):
        respond(filled, text=SECRET_ANSWER, profile=withheld)
    cast.respondent.display_name = COMMENTER_NAME
    cast.respondent.save()
    section = filled.version.sections.order_by("position").first()
    Comment.objects.create(
        consultation=filled,
        section=section,
        author=cast.respondent,
        body=REJECTED_COMMENT,
        state=Comment.State.REJECTED,
    )
    Comment.objects.create(
        consultation=filled,
        section=section,
        author=cast.respondent,
        body=APPROVED_COMMENT,
        state=Comment.State.APPROVED,
    )

    compilation = start(filled, cast.editor)

    everything = json.dumps(compilation.result)
    assert "Zanzibarquux" not in everything
    assert "Quibblewick" not in everything
    assert COMMENTER_NAME not in everything
    for personal in ("Crewe Widgets", "Secretive Ltd", "Jo Bloggs", "boss@crewe.example"):
        assert personal not in everything
    commented = next(s for s in compilation.result["sections"] if s["section_id"] == section.pk)
    assert commented["comment_count"] == 1
    assert commented["quotes"] == [{"text": APPROVED_COMMENT}]
    # The answer still counts; it is only never quoted.
    assert free_text(compilation)["answered"] == 33
    quoted = [q for t in free_text(compilation)["themes"] for q in t["quotes"]]
    assert quoted and all(q["text"] != SECRET_ANSWER for q in quoted)
    # The files carry none of it either.
    with zipfile.ZipFile(compilation.docx.open("rb")) as docx:
        document = docx.read("word/document.xml").decode()
    assert "Zanzibarquux" not in document and "Quibblewick" not in document
    assert APPROVED_COMMENT in document
    assert "Zanzibarquux" not in compilation.version.sections.get(anchor=section.anchor).body


def test_a_renamed_theme_keeps_its_name_on_the_next_compilation_and_is_marked_edited(
    filled: Consultation, cast: Any
) -> None:
    first = start(filled, cast.editor)
    question = Question.objects.get(consultation=filled, kind=Question.Kind.FREE_TEXT)
    theme = free_text(first)["themes"][0]

    engine.theme_edit_save(
        consultation=filled,
        question=question,
        theme_key=theme["key"],
        action="rename",
        label="Getting online",
        user=cast.editor,
    )
    second = start(filled, cast.editor)

    assert second.pk != first.pk
    renamed = next(t for t in free_text(second)["themes"] if t["key"] == theme["key"])
    assert renamed["label"] == "Getting online"
    assert renamed["edited"] is True
    assert renamed["original_label"] == theme["label"]
    assert second.reviewed_theme_keys == [f"{question.pk}:{theme['key']}"]
    assert second.result["edited_themes"][0]["action"] == "renamed"
    assert "Getting online" in json.dumps(second.result["you_said_we_did"])


def test_hidden_and_merged_themes_leave_the_report(filled: Consultation, cast: Any) -> None:
    first = start(filled, cast.editor)
    question = Question.objects.get(consultation=filled, kind=Question.Kind.FREE_TEXT)
    themes = free_text(first)["themes"]
    assert len(themes) >= 3, [t["label"] for t in themes]
    keep, merge, hide = themes[0], themes[1], themes[2]

    engine.theme_edit_save(
        consultation=filled,
        question=question,
        theme_key=merge["key"],
        action="merge",
        merge_into=keep["key"],
        user=cast.editor,
    )
    engine.theme_edit_save(
        consultation=filled, question=question, theme_key=hide["key"], action="hide", user=None
    )
    second = start(filled, cast.editor)

    entry = free_text(second)
    keys = {t["key"] for t in entry["themes"]}
    assert merge["key"] not in keys and hide["key"] not in keys
    kept = next(t for t in entry["themes"] if t["key"] == keep["key"])
    assert kept["edited"] and kept["merged_from"]
    assert kept["count"] >= keep["count"]
    assert [t["key"] for t in entry["hidden_themes"]] == [hide["key"]]
    assert [t["key"] for t in entry["merged_themes"]] == [merge["key"]]
    rows = {row["key"] for row in second.result["you_said_we_did"]}
    assert f"theme:{question.pk}:{hide['key']}" not in rows

    with pytest.raises(ApplicationError):
        engine.theme_edit_save(
            consultation=filled,
            question=question,
            theme_key=keep["key"],
            action="merge",
            merge_into=keep["key"],
            user=cast.editor,
        )


def test_what_staff_write_in_you_said_we_did_survives_compiling_again(
    filled: Consultation, cast: Any
) -> None:
    first = start(filled, cast.editor)
    row = first.result["you_said_we_did"][0]

    engine.outcome_rows_save(
        consultation=filled,
        compilation=first,
        texts={row["key"]: ("People want faster broadband.", "We added a digital priority.")},
        user=cast.editor,
    )
    second = start(filled, cast.editor)

    assert second.pk != first.pk, "the table is part of the report's files"
    saved = next(r for r in second.result["you_said_we_did"] if r["key"] == row["key"])
    assert saved["we_did"] == "We added a digital priority."
    workbook = openpyxl.load_workbook(io.BytesIO(second.xlsx.open("rb").read()))
    table = list(workbook["You said, we did"].iter_rows(values_only=True))
    assert any(r[3] == "We added a digital priority." for r in table)


# Publishing ---------------------------------------------------------------------------------------


def test_the_outcome_is_published_only_after_closing_from_a_final_report(
    filled: Consultation, cast: Any
) -> None:
    draft = start(filled, cast.editor)
    with pytest.raises(ApplicationError, match="once the consultation has closed"):
        engine.outcome_publish(consultation=filled, compilation=draft, user=cast.editor)

    close(filled)
    with pytest.raises(ApplicationError, match="final report"):
        engine.outcome_publish(consultation=filled, compilation=draft, user=cast.editor)

    final = start(filled, cast.editor, final=True)
    engine.outcome_publish(consultation=filled, compilation=final, user=cast.editor)

    filled.refresh_from_db()
    assert filled.outcome_published_at is not None
    assert filled.state == Consultation.State.OUTCOME
    assert engine.published_report(filled).pk == final.pk


def test_an_outcome_is_not_published_from_a_report_older_than_its_table(
    filled: Consultation, cast: Any
) -> None:
    """The public page and the downloads come from one compilation: a table completed after
    compiling must be compiled in before it can be published."""
    close(filled)
    final = start(filled, cast.editor, final=True)
    row = final.result["you_said_we_did"][0]
    engine.outcome_rows_save(
        consultation=filled,
        compilation=final,
        texts={row["key"]: (row["you_said"], "We added a digital priority.")},
        user=cast.editor,
    )
    with pytest.raises(ApplicationError, match="Compile the final report again") as refused:
        engine.outcome_publish(consultation=filled, compilation=final, user=cast.editor)
    assert refused.value.code == "out_of_date"
    filled.refresh_from_db()
    assert filled.outcome_published_at is None, "nothing changed"

    again = start(filled, cast.editor, final=True)
    assert again.pk != final.pk
    engine.outcome_publish(consultation=filled, compilation=again, user=cast.editor)
    published = engine.published_report(filled)
    assert published.pk == again.pk
    saved = next(r for r in published.result["you_said_we_did"] if r["key"] == row["key"])
    assert saved["we_did"] == "We added a digital priority."


# Recovery and the schedule ------------------------------------------------------------------------


def test_a_compilation_whose_worker_died_is_queued_again_and_then_finishes(
    filled: Consultation,
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    stale = Compilation.objects.create(
        consultation=filled,
        status=Compilation.Status.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
        progress=40,
    )
    fresh_consultation = Consultation.objects.exclude(pk=filled.pk).first()
    assert fresh_consultation is None  # one consultation: the sweep sees only ours

    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = engine.sweep_stale_compilations(older_than=timedelta(minutes=15))

    assert outcome["requeued"] == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == Compilation.Status.SUCCEEDED, stale.error
    assert stale.attempts == 2


def test_a_compilation_interrupted_three_times_is_failed_not_retried(
    filled: Consultation,
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    stale = Compilation.objects.create(
        consultation=filled,
        status=Compilation.Status.RUNNING,
        attempts=3,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    alive = Compilation.objects.create(
        consultation=Consultation.objects.get(pk=filled.pk),
        status=Compilation.Status.SUCCEEDED,
    )

    outcome = engine.sweep_stale_compilations(older_than=timedelta(minutes=15))

    assert outcome == {"requeued": [], "failed": [stale.pk], "resent": []}
    stale.refresh_from_db()
    assert stale.status == Compilation.Status.FAILED
    assert stale.error == engine.STOPPED_REPEATEDLY
    alive.refresh_from_db()
    assert alive.status == Compilation.Status.SUCCEEDED


def test_a_recent_heartbeat_is_left_alone(filled: Consultation) -> None:
    running = Compilation.objects.create(
        consultation=filled,
        status=Compilation.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now() - timedelta(minutes=1),
    )

    assert engine.sweep_stale_compilations() == {"requeued": [], "failed": [], "resent": []}
    running.refresh_from_db()
    assert running.status == Compilation.Status.RUNNING


def test_a_closed_consultation_gets_its_final_report_once(filled: Consultation) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert engine.compile_closed_consultations() == []  # still open
    close(filled)

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = engine.compile_closed_consultations()
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = engine.compile_closed_consultations()

    assert len(started) == 1 and again == []
    compilation = Compilation.objects.get(pk=started[0])
    assert compilation.is_final and compilation.created_by is None
    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error


# The management command ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_command_compiles_and_prints_the_result(filled: Consultation) -> None:
    out = StringIO()

    call_command("compile_report", filled.slug, "--wait", "--timeout", "120", stdout=out)

    printed = out.getvalue()
    compilation = filled.compilations.get()
    assert f"Compilation {compilation.pk} (draft report)" in printed
    assert "Status: Finished (100%)." in printed
    assert "Responses: 30; approved comments: 0." in printed
    assert f"Compiled strategy version: {compilation.version.number}" in printed
    themes = free_text(compilation)["themes"]
    assert f"Themes for “What should we change?”: {len(themes)}" in printed
    assert "Files: pdf, docx, xlsx." in printed


def test_the_command_refuses_what_cannot_be_compiled(filled: Consultation) -> None:
    with pytest.raises(CommandError, match="No consultation"):
        call_command("compile_report", "no-such-consultation", stdout=StringIO())
    with pytest.raises(CommandError, match="once the consultation has closed"):
        call_command("compile_report", filled.slug, "--final", stdout=StringIO())


# A real worker on a real broker -------------------------------------------------------------------


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


WORKER_MAIN = (
    "import django, sys; django.setup(); "
    "from lepportal.celery import app; "
    "app.conf.task_always_eager = False; "
    "app.conf.task_default_queue = sys.argv[1]; "
    "app.worker_main(['worker', '--pool=solo', '--queues', sys.argv[1], "
    "'--hostname', sys.argv[1] + '@%h', '--loglevel=WARNING', '--without-gossip', "
    "'--without-mingle', '--without-heartbeat'])"
)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_workers_compile_through_the_broker(
    cast: Any, strategy: Any, version: Any, settings: Any
) -> None:
    django_settings = settings
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url or connection.vendor != "postgresql":
        reason = "needs CELERY_BROKER_URL and a PostgreSQL DATABASE_URL (a worker cannot share "
        reason += "the in-memory SQLite test database)"
        if required("LEPPORTAL_REQUIRE_WORKER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from tests.consultations.conftest import make_consultation

    consultation = make_consultation(strategy, version, cast.editor)
    for kind, text, options in (
        (Question.Kind.SINGLE, "Do you support our vision?", ["Yes", "No", "Not sure"]),
        (Question.Kind.MULTIPLE, "What would help?", ["Skills", "Premises", "Finance", "Digital"]),
        (Question.Kind.SCALE, "Our priorities are the right ones.", []),
        (Question.Kind.FREE_TEXT, "What should we change?", []),
    ):
        services.question_save(
            consultation=consultation, kind=kind, text=text, options=options, hint="Say."
        )
    fill(consultation, 30)

    queue = f"lepportal-compile-{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lepportal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, queue],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        compilation = engine.compilation_start(consultation=consultation, user=cast.editor)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and all(w.poll() is None for w in workers):
            compilation.refresh_from_db()
            if not compilation.is_active:
                break
            time.sleep(0.5)
        output = ""
        for worker in workers:
            if worker.poll() is not None and worker.stdout is not None:
                output += worker.stdout.read()
        assert compilation.status == Compilation.Status.SUCCEEDED, (compilation.error, output)
        assert compilation.result["overview"]["responses"] == 30
        assert compilation.version is not None and compilation.pdf
        # The parts ran as their own tasks, through the broker and the result backend.
        from django_celery_results.models import TaskResult

        names = set(TaskResult.objects.filter(status="SUCCESS").values_list("task_name", flat=True))
        assert {
            "consultations.reporting.run_compilation",
            "consultations.reporting.compile_closed_questions",
            "consultations.reporting.compile_free_text_question",
            "consultations.reporting.assemble_compilation",
        } <= names
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
