"""The web server as shipped: gunicorn's settings in one file that the Docker image, docker
compose and the web benchmark all use, and production's database connection defaults."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "3f9a0c1b7e2d4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5"


def production_settings(**env: str) -> dict:
    """Database and cache settings as lepportal.settings.production computes them."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "CACHE_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="lepportal.settings.production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.org",
        **env,
    )
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(json.dumps({'age': d['CONN_MAX_AGE'], 'checks': d['CONN_HEALTH_CHECKS'], "
        "'cache': s.CACHES['default']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_database_connections_and_checks_them_before_reuse() -> None:
    assert production_settings() | {"cache": None} == {"age": 60, "checks": True, "cache": None}
    assert production_settings(CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false")["age"] == 0


def test_without_redis_the_cache_is_per_process_and_with_it_fails_fast() -> None:
    assert production_settings()["cache"]["BACKEND"].endswith("LocMemCache")
    redis = production_settings(CACHE_URL="redis://redis:6379/1")["cache"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


def gunicorn_conf(monkeypatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_workers_are_sized_by_the_environment(monkeypatch) -> None:
    conf = gunicorn_conf(monkeypatch)
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 1, "sync")
    assert conf["preload_app"] is True and conf["accesslog"] == "-"
    conf = gunicorn_conf(monkeypatch, WEB_CONCURRENCY="5", WEB_THREADS="8")
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (5, 8, "gthread")


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_the_image_and_compose_leave_workers_and_threads_to_gunicorn_conf(path: str) -> None:
    text = (ROOT / path).read_text()
    assert "gunicorn lepportal.wsgi:application" in text or '"gunicorn",' in text
    for flag in ("--workers", "--threads", "--worker-class", "-w ", "--config"):
        assert flag not in text, f"{path} sets {flag}: gunicorn.conf.py would not apply"


def test_the_benchmark_measures_gunicorn_conf_unless_told_otherwise() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench import web
    finally:
        sys.path.remove(str(ROOT))
    environment = web.server_environment("x" * 64, None, web.REDIS)
    assert "CONN_MAX_AGE" not in environment  # production's default applies
    assert environment["CELERY_BROKER_URL"].startswith("redis://")
    assert environment["CACHE_URL"].startswith("redis://")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    chosen = web.gunicorn_settings(environment, {"workers": None, "threads": None})
    assert chosen == {k: conf[k] for k in ("workers", "threads", "worker_class")}
    # compose gives the Celery worker a quarter of the web server's CPU weight; the bench's
    # worker runs at the niceness whose weight is nearest (nice 6: 272 of 1024).
    compose = (ROOT / "docker-compose.yml").read_text()
    worker = compose[compose.index("\n  worker:") : compose.index("\n  beat:")]
    assert "cpu_shares: 256" in worker
    assert web.WORKER_NICE == 6
