from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Membership, User

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "3f9a0c1b7e2d4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_with_no_warnings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="lepportal.settings.production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "django-insecure-" + "x" * 60, "short"])
def test_production_settings_refuse_a_weak_secret_key(key: str) -> None:
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="lepportal.settings.production",
        SECRET_KEY=key,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_migrations_match_the_models() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins() -> None:
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
    assert Membership.objects.filter(user__email="lead@example.org", role="lead").count() == 1
    for account in DEMO_ACCOUNTS:
        assert account.email in second.getvalue()
    assert "demo-password-2026" in second.getvalue()


def test_seed_demo_is_refused_under_production_settings() -> None:
    result = run_manage(
        "seed_demo",
        DJANGO_SETTINGS_MODULE="lepportal.settings.production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="sqlite:////tmp/lepportal-refuse-demo.sqlite3",
    )
    assert result.returncode != 0
    assert "refused under production settings" in result.stderr


@pytest.mark.django_db
def test_demo_logins_work(client) -> None:
    call_command("seed_demo", stdout=StringIO())
    for account in DEMO_ACCOUNTS:
        response = client.post(
            "/accounts/sign-in/", {"username": account.email, "password": "demo-password-2026"}
        )
        assert response.status_code == 302, account.email
        client.post("/accounts/sign-out/")
