"""A real Celery worker process takes a task from a real broker and writes to the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django_celery_results.models import TaskResult

from lepportal.celery import app as celery_app
from lepportal.core.models import WorkerHeartbeat
from lepportal.core.tasks import record_worker_heartbeat
from tests.conftest import required

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker() -> None:
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url or connection.vendor != "postgresql":
        reason = "needs CELERY_BROKER_URL and a PostgreSQL DATABASE_URL (a worker cannot share "
        reason += "the in-memory SQLite test database)"
        if required("LEPPORTAL_REQUIRE_WORKER"):
            pytest.fail(reason)
        pytest.skip(reason)

    queue = f"lepportal-test-{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lepportal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lepportal",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@test",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        result = record_worker_heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        task_result = None
        while time.monotonic() < deadline and worker.poll() is None:
            task_result = TaskResult.objects.filter(task_id=result.id, status="SUCCESS").first()
            if task_result is not None:
                break
            time.sleep(0.25)
        output = ""
        if worker.poll() is not None and worker.stdout is not None:
            output = worker.stdout.read()
        assert task_result is not None, f"the worker did not complete the task\n{output}"
        assert WorkerHeartbeat.objects.filter(hostname=f"{queue}@test").exists()
    finally:
        celery_app.conf.task_always_eager = previous_eager
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.mark.django_db
def test_without_a_broker_tasks_complete_in_process() -> None:
    outcome = record_worker_heartbeat.delay()
    assert outcome.successful()
    assert WorkerHeartbeat.objects.count() == 1
