"""Redis stops: what needs no broker (responses, comments) carries on, /healthz says so, work
that needs a worker is refused with "try again later" rather than a 500, and when Redis comes
back a real worker finishes the work."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from consultations import abuse
from consultations.models import Comment, Response
from consultations.selectors_public import question_pages
from lepportal.celery import app as celery_app
from strategies.models import VersionExport
from tests.core.test_worker import database_url

from .conftest import FIGURES, PROFILE, full_answers, skip_or_fail

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PREFERRED_PORT = 6391


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


class ThrowawayRedis:
    """A redis-server of our own on its own port, with nothing saved to disk, that the test
    may stop and start again at will (never the machine's shared Redis)."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary, self.directory = binary, directory
        self.port = free_port(PREFERRED_PORT)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers_ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = ThrowawayRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def point_celery_at(broker_url: str, *, eager: bool) -> None:
    """Send tasks to ``broker_url`` from now on. The app keeps its connection and producer
    pools once made; kombu keeps one pool per broker URL, so forgetting the app's is enough."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_always_eager = eager
    if broker_url:
        publishing_to = celery_app.connection_for_write()
        assert f":{publishing_to.port}/" in broker_url, f"Celery would publish to {publishing_to}"


@pytest.fixture
def broker(redis: ThrowawayRedis, settings, tmp_path: Path) -> Iterator[ThrowawayRedis]:
    """The portal configured as in production: tasks go to the throwaway Redis."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI
    # sets it for the shared Redis): point that at the throwaway server too.
    previous_environment = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = redis.url
    settings.CELERY_BROKER_URL = redis.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    try:
        point_celery_at(redis.url, eager=False)
        yield redis
    finally:
        if previous_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_environment
        point_celery_at(previous[0], eager=previous[1])


def start_worker(broker_url: str, media_root: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lepportal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": media_root,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lepportal",
            "worker",
            "--pool=solo",
            "--hostname",
            f"reliability-{os.getpid()}@test",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen[str]) -> str:
    worker.send_signal(signal.SIGTERM)
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output or ""


def healthz(client) -> tuple[int, dict]:
    answer = client.get(reverse("core:healthz"))
    return answer.status_code, json.loads(answer.content)


def submit_a_response(client, consultation) -> Response:
    """The whole response form, anonymously, through the pages."""

    def url(name: str, **kwargs: object) -> str:
        return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})

    answer = client.post(
        url("respond_profile"),
        {**PROFILE, "respondent_name": "", "website": "", "started": abuse.started_token()},
    )
    assert answer.status_code == 302
    raw = full_answers(consultation)
    for page in question_pages(consultation):
        data = {f"q{q.pk}": raw[q.pk] for q in page.questions}
        assert client.post(url("respond_questions", page=page.number), data).status_code == 302
    draft = Response.objects.get(status=Response.Status.DRAFT)
    answer = client.post(url("respond_check"), {"submission_key": str(draft.submission_key)})
    assert answer.status_code == 302 and "/done/" in answer["Location"], answer.content[:2000]
    draft.refresh_from_db()
    return draft


def test_with_redis_stopped_responses_and_comments_are_saved_and_exports_wait_for_its_return(
    broker, client, consultation, version, cast, settings, tmp_path
) -> None:
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0
    status, payload = healthz(client)
    assert status == 200 and payload["checks"]["broker"]["ok"] is True

    broker.stop()
    started = time.monotonic()
    status, payload = healthz(client)
    assert status == 503
    assert payload["status"] == "degraded"
    assert payload["checks"]["broker"]["ok"] is False
    assert payload["checks"]["database"]["ok"] is True
    healthz_seconds = time.monotonic() - started

    # Responses and comments need only the database.
    response = submit_a_response(client, consultation)
    assert response.status == Response.Status.SUBMITTED and response.reference
    client.force_login(cast.respondent)
    section = consultation.version.sections.order_by("position").first()
    answer = client.post(
        reverse(
            "consultations:comment_create",
            kwargs={"slug": consultation.slug, "section_pk": section.pk},
        ),
        {"body": "Please say more about apprenticeships for small firms."},
    )
    assert answer.status_code == 302
    assert Comment.objects.filter(author=cast.respondent, section=section).count() == 1

    # An export needs a worker: the user is told to try again later, nothing pretends to wait.
    client.force_login(cast.editor)
    export_url = reverse(
        "strategies:version_export",
        kwargs={
            "org": version.strategy.organisation.slug,
            "slug": version.strategy.slug,
            "number": version.number,
            "fmt": "docx",
        },
    )
    started = time.monotonic()
    answer = client.get(export_url)
    refused_seconds = time.monotonic() - started
    html = answer.content.decode()
    assert answer.status_code == 503
    assert "The task queue is not reachable right now: try again in a few minutes." in html
    assert "govuk-template" in html and answer["Retry-After"]
    export = VersionExport.objects.get(version=version, format="docx")
    assert export.state == VersionExport.State.FAILED  # so that asking again queues it again

    # Redis returns (same port, empty: nothing was queued while it was away).
    broker.start()
    assert healthz(client)[0] == 200
    answer = client.get(export_url)
    assert answer.status_code == 200
    export.refresh_from_db()
    assert export.state == VersionExport.State.QUEUED

    # The task waits in Redis until a real worker starts, then the file is made.
    worker = start_worker(broker.url, str(settings.MEDIA_ROOT))
    started = time.monotonic()
    try:
        deadline = started + 90
        while time.monotonic() < deadline and worker.poll() is None:
            export.refresh_from_db()
            if export.state in {VersionExport.State.READY, VersionExport.State.FAILED}:
                break
            time.sleep(0.25)
    finally:
        output = stop_worker(worker)
    worker_seconds = time.monotonic() - started
    assert export.state == VersionExport.State.READY, f"{export.error}\n{output}"
    download = client.get(export_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    download.close()
    FIGURES["Redis stopped"] = (
        f"/healthz 503 degraded in {healthz_seconds:.2f} s; response submitted and comment "
        f"saved; export refused with 503 in {refused_seconds:.2f} s; after restart the export "
        f"was queued and a new worker made it in {worker_seconds:.1f} s (worker start included)"
    )
