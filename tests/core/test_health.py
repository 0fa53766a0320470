from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client) -> None:
    response = client.get(reverse("core:healthz"))
    payload = json.loads(response.content)
    assert response.status_code == 200
    assert payload["status"] == "ok"
    assert payload["checks"]["database"]["ok"] is True
    assert payload["checks"]["broker"]["ok"] is True


def test_healthz_is_503_when_the_database_fails(client, monkeypatch) -> None:
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"]["ok"] is False


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("core:healthz"))
    payload = json.loads(response.content)
    assert response.status_code == 503
    assert payload["status"] == "degraded"
    assert payload["checks"]["broker"]["ok"] is False
