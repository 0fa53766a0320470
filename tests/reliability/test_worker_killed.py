"""Workers killed with SIGKILL in the middle of a compilation.

The whole worker (main process and pool) killed: nothing tells the portal. The row still says
running and Redis still holds the part that was being worked on as delivered but never
acknowledged. A new worker starts; beat's sweep finds the heartbeat stale and queues the
compilation again as a new attempt, which finishes. Exactly one compilation succeeds, and
exactly one compiled strategy version is made, with the complete report. When Redis finally
hands back the killed part's own message (after its visibility timeout), it runs for the old
attempt and writes nothing.

Only the pool process killed (as the kernel's out-of-memory killer does): the worker's main
process sees it and the part is retried; a part that kills its process every time is retried
a bounded number of times and then fails the compilation in plain words, never looping."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.utils import timezone
from django_celery_results.models import TaskResult
from kombu import Connection
from redis import Redis

from consultations.models import Compilation, Consultation
from consultations.reporting import aggregate
from consultations.reporting import compile as engine
from consultations.reporting import tasks as reporting_tasks
from consultations.reporting.compile.record import jsonable
from strategies.models import StrategyVersion
from tests.consultations.reporting.test_compile import fill
from tests.core.test_worker import database_url

from . import test_broker_outage as outage
from .conftest import FIGURES

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

# A throwaway redis-server on its own port, and the portal publishing to it (never the
# machine's shared Redis, so the queue holds only this test's messages).
redis = outage.redis
broker = outage.broker

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = 30
# Beat's sweep runs every five minutes and takes a compilation for dead after fifteen without
# a heartbeat (COMPILATION_STALE_AFTER_SECONDS); the workers here are told two seconds.
STALE_SECONDS = 2
PART = "consultations.reporting.compile_free_text_question"
ASSEMBLE = "consultations.reporting.assemble_compilation"

# A real worker: prefork pool (as in production), one pool process so that the chord's parts
# run one after the other. The test settings send tasks in-process, so that is switched off:
# a worker publishes the chord's parts to the broker. Given a file, the free-text analysis
# waits while that file exists, so that a kill lands in the middle of a part.
WORKER_MAIN = """
import os, sys, time
import django
django.setup()
from lepportal.celery import app
app.conf.task_always_eager = False
if sys.argv[2]:
    from consultations.reporting.compile import parts
    analyse = parts.analyse_free_text
    def stalled(*args, **kwargs):
        while os.path.exists(sys.argv[2]):
            time.sleep(0.05)
        return analyse(*args, **kwargs)
    parts.analyse_free_text = stalled
app.worker_main([
    "worker", "--pool=prefork", "--concurrency=1", "--hostname", sys.argv[1],
    "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
])
"""

T = TypeVar("T")


@dataclass
class Worker:
    """A ``celery worker`` process in a session of its own, so that its pool processes can be
    signalled with it as one process group."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    killed: bool = False

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def group_members(self) -> list[int]:
        """Processes of the worker's group still running (zombies waiting to be reaped are
        dead already)."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                members.append(int(stat.parent.name))
        return members

    def kill_pool_process(self) -> None:
        """SIGKILL to the pool process alone: the main process sees it die."""
        (pool_process,) = [pid for pid in self.group_members() if pid != self.process.pid]
        os.kill(pool_process, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL to the worker and its pool process at once: no shutdown, no requeue."""
        self.killed = True
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown, then SIGKILL to whatever of the group is left."""
        with contextlib.suppress(ProcessLookupError):
            if self.alive:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
            if self.group_members():
                os.killpg(self.process.pid, signal.SIGKILL)


class Workers:
    def __init__(self, broker_url: str, media_root: str, directory: Path) -> None:
        self.broker_url, self.media_root, self.directory = broker_url, media_root, directory
        self.started: list[Worker] = []

    def start(self, name: str, *, stall: Path | None = None) -> Worker:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lepportal.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "MEDIA_ROOT": self.media_root,
            "COMPILATION_STALE_AFTER_SECONDS": str(STALE_SECONDS),
        }
        log = self.directory / f"worker-{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER_MAIN,
                    f"{name}-{os.getpid()}@test",
                    str(stall or ""),
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name, process, log)
        self.started.append(worker)
        return worker

    def outputs(self) -> str:
        return "\n".join(f"--- worker {w.name}:\n{w.output()}" for w in self.started)


@pytest.fixture
def workers(broker: outage.ThrowawayRedis, settings: Any, tmp_path: Path) -> Iterator[Workers]:
    made = Workers(broker.url, str(settings.MEDIA_ROOT), tmp_path)
    try:
        yield made
    finally:
        for worker in made.started:
            worker.stop()


def wait_for(condition: Callable[[], T | None], *, seconds: float, what: str, on: Workers) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        running = [worker for worker in on.started if not worker.killed]
        if running and not all(worker.alive for worker in running):
            break
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}\n{on.outputs()}")


def held_by_redis(broker: outage.ThrowawayRedis) -> list[dict[str, Any]]:
    """The messages Redis has delivered and not had acknowledged (kombu's ack emulation)."""
    client = Redis.from_url(broker.url)
    try:
        held = []
        for raw in client.hvals("unacked"):
            message, _exchange, _routing_key = json.loads(raw)
            held.append(message["headers"])
        return held
    finally:
        client.close()


def hand_back_as_after_the_visibility_timeout(broker: outage.ThrowawayRedis) -> None:
    """What a worker's Redis transport does once a message has been out longer than the
    visibility timeout (an hour): put it back on its queue."""
    with Connection(broker.url, transport_options={"visibility_timeout": 0}) as connection:
        connection.default_channel.qos.restore_visible(interval=1)


def test_a_worker_killed_mid_compilation_leaves_one_report_and_one_version(
    broker: outage.ThrowawayRedis,
    workers: Workers,
    consultation: Consultation,
    cast: Any,
    tmp_path: Path,
) -> None:
    fill(consultation, RESPONSES)
    strategy = consultation.strategy
    compiled = StrategyVersion.objects.filter(
        strategy=strategy, source=StrategyVersion.Source.COMPILED
    )
    assert not compiled.exists()
    began = time.monotonic()

    # A compilation starts on the first worker, which is killed in the middle of a part.
    stall = tmp_path / "stall"
    stall.touch()
    first = workers.start("killed", stall=stall)
    compilation = engine.compilation_start(consultation=consultation, user=cast.editor)
    rows = Compilation.objects.filter(pk=compilation.pk)

    def mid_part() -> Compilation | None:
        row = rows.get()
        return row if row.stage.startswith("Finding themes") else None

    mid_run = wait_for(mid_part, seconds=60, what="the free-text part to start", on=workers)
    assert mid_run.status == Compilation.Status.RUNNING and mid_run.attempts == 1
    assert (mid_run.parts_done, mid_run.parts_total) == (1, 2)  # closed questions are done
    assert mid_run.progress >= 40
    first.kill()
    killed_at = time.monotonic()
    wait_for(
        lambda: not first.group_members(),
        seconds=5,
        what="the killed worker's pool process to die with it",
        on=workers,
    )

    # Nothing noticed: the row says running, Redis holds the part as delivered, unacknowledged.
    after_kill = rows.get()
    assert after_kill.status == Compilation.Status.RUNNING and after_kill.attempts == 1
    held = held_by_redis(broker)
    assert [headers["task"] for headers in held] == [PART], held
    killed_part_id = held[0]["id"]

    # A new worker starts, and beat's sweep runs once the heartbeat is stale (as every five
    # minutes in production). Redis does not hand the killed part back for an hour.
    workers.start("new")

    def stale() -> bool | None:
        cutoff = timezone.now() - timedelta(seconds=STALE_SECONDS + 0.5)
        return rows.filter(heartbeat_at__lt=cutoff).exists() or None

    wait_for(stale, seconds=10, what="the heartbeat to go stale", on=workers)
    reporting_tasks.sweep_stale_compilations.delay()
    finished = wait_for(
        lambda: (row := rows.get()) and (None if row.is_active else row),
        seconds=60,
        what="the compilation to finish on the new worker",
        on=workers,
    )
    recovered_at = time.monotonic()

    # Exactly one compilation of the consultation, succeeded at the second attempt.
    assert finished.status == Compilation.Status.SUCCEEDED, (finished.error, workers.outputs())
    assert finished.attempts == 2
    assert list(consultation.compilations.values_list("pk", "status")) == [
        (finished.pk, Compilation.Status.SUCCEEDED)
    ]
    assert not Compilation.objects.filter(status__in=engine.ACTIVE).exists()
    # Exactly one compiled version, the one the compilation points to.
    assert list(compiled.values_list("pk", flat=True)) == [finished.version_id]
    assert finished.version.label == f"Compiled from consultation: {consultation.title}"
    # The report is complete: every part, every response, every closed question as counted
    # directly, themes in the written answers, the files.
    assert (finished.parts_done, finished.parts_total, finished.progress) == (2, 2, 100)
    result = finished.result
    assert result["overview"] == jsonable(aggregate.overview(consultation.pk))
    assert result["closed_questions"] == jsonable(aggregate.closed_questions(consultation.pk))
    assert result["overview"]["responses"] == RESPONSES
    assert len(result["closed_questions"]) == 3
    (free_text,) = result["free_text"]
    assert free_text["answered"] == RESPONSES and len(free_text["themes"]) >= 2
    assert result["you_said_we_did"] and result["summary_markdown"]
    assert result["version"]["id"] == finished.version_id
    assert finished.pdf.read()[:5] == b"%PDF-"
    assert finished.docx.size > 0 and finished.xlsx.size > 0

    # An hour later Redis hands back the killed part's message: it runs for attempt 1, is told
    # it has been superseded, completes the old chord, whose assembly writes nothing.
    hand_back_as_after_the_visibility_timeout(broker)
    wait_for(
        lambda: TaskResult.objects.filter(task_name=ASSEMBLE).count() == 2 or None,
        seconds=30,
        what="the old attempt's assembly to run",
        on=workers,
    )
    redone = TaskResult.objects.get(task_id=killed_part_id)
    assert json.loads(redone.result) == {"kind": "superseded"}
    assemblies = TaskResult.objects.filter(task_name=ASSEMBLE).order_by("date_done")
    assert [json.loads(row.result) for row in assemblies] == [True, False]
    assert rows.get().version_id == finished.version_id
    assert rows.get().finished_at == finished.finished_at
    assert list(compiled.values_list("pk", flat=True)) == [finished.version_id]
    assert consultation.compilations.count() == 1
    assert held_by_redis(broker) == []
    ended = time.monotonic()

    FIGURES["Worker killed"] = (
        f"SIGKILL {killed_at - began:.1f} s after the start, at {mid_run.progress}% "
        f"(part {mid_run.parts_done + 1} of {mid_run.parts_total}); a new worker and one sweep "
        f"finished it {recovered_at - killed_at:.1f} s after the kill (worker start included); "
        f"the killed part, handed back, wrote nothing ({ended - recovered_at:.1f} s); one "
        "succeeded compilation, one compiled version"
    )


def compiled_versions(consultation: Consultation) -> Any:
    return StrategyVersion.objects.filter(
        strategy=consultation.strategy, source=StrategyVersion.Source.COMPILED
    )


def wait_for_a_run_stalled_since(
    rows: Any, since: datetime | None, workers: Workers
) -> Compilation:
    """The free-text part, in a run started after ``since``, waiting in the analysis."""

    def stalled() -> Compilation | None:
        row = rows.get()
        fresh = since is None or (row.heartbeat_at and row.heartbeat_at > since)
        return row if fresh and row.stage.startswith("Finding themes") else None

    return wait_for(stalled, seconds=60, what="the free-text part to start", on=workers)


def test_a_pool_process_killed_mid_part_is_retried_and_the_compilation_finishes(
    workers: Workers, consultation: Consultation, cast: Any, tmp_path: Path
) -> None:
    fill(consultation, RESPONSES)
    stall = tmp_path / "stall"
    stall.touch()
    worker = workers.start("pool", stall=stall)
    compilation = engine.compilation_start(consultation=consultation, user=cast.editor)
    rows = Compilation.objects.filter(pk=compilation.pk)

    wait_for_a_run_stalled_since(rows, None, workers)
    worker.kill_pool_process()
    killed_at = time.monotonic()
    stall.unlink()  # the retried part runs through
    finished = wait_for(
        lambda: (row := rows.get()) and (None if row.is_active else row),
        seconds=60,
        what="the compilation to finish",
        on=workers,
    )

    assert finished.status == Compilation.Status.SUCCEEDED, (finished.error, workers.outputs())
    assert finished.attempts == 1  # the part was retried within the attempt: no sweep needed
    assert (finished.parts_done, finished.parts_total) == (2, 2)
    assert list(compiled_versions(consultation).values_list("pk", flat=True)) == [
        finished.version_id
    ]
    assert finished.result["free_text"][0]["answered"] == RESPONSES
    assert worker.alive
    FIGURES["Pool process killed"] = (
        f"the part was retried and the compilation finished {time.monotonic() - killed_at:.1f} s "
        "after the kill (5 s retry delay included), attempt 1, one compiled version"
    )


def test_a_part_that_kills_its_pool_process_every_time_fails_in_plain_words(
    broker: outage.ThrowawayRedis,
    workers: Workers,
    consultation: Consultation,
    cast: Any,
    tmp_path: Path,
) -> None:
    fill(consultation, RESPONSES)
    stall = tmp_path / "stall"
    stall.touch()
    worker = workers.start("poisoned", stall=stall)
    compilation = engine.compilation_start(consultation=consultation, user=cast.editor)
    rows = Compilation.objects.filter(pk=compilation.pk)
    tries = 1 + reporting_tasks.PART_OPTIONS["max_retries"]

    since = None
    first_kill = 0.0
    for _ in range(tries):
        wait_for_a_run_stalled_since(rows, since, workers)
        since = timezone.now()
        worker.kill_pool_process()
        first_kill = first_kill or time.monotonic()
    failed = wait_for(
        lambda: (row := rows.get()) and (None if row.is_active else row),
        seconds=30,
        what="the compilation to fail",
        on=workers,
    )

    failed_after = time.monotonic() - first_kill
    assert failed.status == Compilation.Status.FAILED, workers.outputs()
    assert failed.error.startswith("The worker compiling the report stopped every time")
    assert failed.attempts == 1
    assert not compiled_versions(consultation).exists()
    # Nothing is left to run again: no message queued or held, and the part is not retried.
    client = Redis.from_url(broker.url)
    try:
        assert client.llen("celery") == 0
    finally:
        client.close()
    wait_for(
        lambda: not held_by_redis(broker) or None,
        seconds=10,
        what="the last try to be acknowledged",
        on=workers,
    )
    time.sleep(reporting_tasks.PART_OPTIONS["default_retry_delay"] + 1)
    assert rows.get().heartbeat_at == failed.heartbeat_at
    assert worker.alive
    FIGURES["Pool process killed every time"] = (
        f"{tries} tries, then failed in plain words {failed_after:.1f} s after the first kill; "
        "nothing queued or held, not run again"
    )
