"""gunicorn's settings for the portal. gunicorn reads this file from its working directory, so
every gunicorn started at the root of the project uses it: the Docker image's command, docker
compose's web service and bench/web.py (which measures this configuration).

WEB_CONCURRENCY worker processes (3) of WEB_THREADS threads (1: gunicorn's sync workers; more
than 1 makes them threaded). On two cores that also run PostgreSQL, Redis and a Celery worker,
bench/web.py measured three sync workers giving pages the lowest tail latency; threaded
workers served more writes a second but with two to three times the p95 and left the Celery
worker short of CPU (docs/benchmarks.md, "Web"). Size both to the host. Sync workers rely on
something in front (a load balancer or proxy terminating TLS) to absorb slow clients. Each
thread keeps a database connection open (CONN_MAX_AGE): workers x threads, plus Celery's, must
stay within PostgreSQL's max_connections."""

from __future__ import annotations

import os
from typing import Any

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# An access log line per request on standard output (the container's log).
accesslog = "-"
# Load the application (and, below, every view module) once in the master process before it
# starts the workers: they start at once and share that memory, and a worker's first request
# does not import the whole portal (with numpy, scipy and scikit-learn) under gunicorn's timeout.
preload_app = True


def when_ready(server: Any) -> None:
    if not server.cfg.preload_app:
        return  # the application (and Django) is loaded in each worker instead
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the URL configuration imports every view
