"""Contract tests: schemathesis generates requests for every operation of the OpenAPI schema —
valid ones and, in its negative mode, invalid ones — as a member of staff with a token and as
an anonymous caller, and checks that no answer is a server error, every status code is
documented for its operation, and every body matches the schema.

Bounded for speed: a few examples per operation, derandomised so runs repeat. Path
parameters are steered half the time to rows that exist (the demo-like data made below), so
the generated requests reach real objects rather than only 404s."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from consultations import moderation
from tests.api.conftest import publish

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 12
# Generous rates: throttling is tested on its own; here it would only hide operations.
RATES = {"anon": "100000/minute", "user": "100000/minute"}
STATS: Counter[str] = Counter()


def _openapi() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw, renderer_context={}))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = WSGIHandler()

# Existing ids and slugs, filled in by the data fixture before each operation's examples.
KNOWN: dict[str, Any] = {}


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Half the generated values (chosen by the value itself, so runs repeat) become ids or
    slugs of rows that exist, so both found and not-found paths are exercised."""
    if not KNOWN or not path_parameters:
        return path_parameters
    steer = sum(map(ord, json.dumps(path_parameters, sort_keys=True, default=str))) % 2 == 0
    if not steer:
        return path_parameters
    path = context.operation.path if context.operation else ""
    mapped = dict(path_parameters)
    for name in mapped:
        if name == "slug":
            mapped[name] = (
                KNOWN["org_slug"] if path.startswith("/api/v1/organisations") else KNOWN["slug"]
            )
        elif name == "year":
            mapped[name] = KNOWN["year"]
        elif name == "number":
            mapped[name] = 1
        elif name == "id":
            mapped[name] = KNOWN["ids"].get(path.split("{")[0], KNOWN["strategy"])
    return mapped


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """The WSGI handler closes the database connection when a request ends, as a server should;
    the test's transaction lives on that connection, so keep it open, as Django's test client
    does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast, consultation, version, strategy, settings) -> dict[str, Any]:
    """A published strategy, an open consultation with a response, comments in every state and
    a report, and a token for a member of staff who is also a moderator."""
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0
    publish(strategy, version, cast.lead)
    section = consultation.version.sections.order_by("position").first()
    approved = moderation.comment_post(
        consultation=consultation, section=section, author=cast.editor, body="Published comment"
    )
    moderation.comment_moderate(comment=approved, moderator=cast.moderator, action="approve")
    moderation.comment_post(
        consultation=consultation, section=section, author=cast.viewer, body="Waiting comment"
    )
    from tests.api.factories import submitted_responses

    (response,) = submitted_responses(consultation, 1)
    KNOWN.update(
        slug=consultation.slug,
        org_slug=cast.organisation.slug,
        year=2017,
        strategy=strategy.pk,
        ids={
            "/api/v1/strategies/": strategy.pk,
            "/api/v1/consultations/": response.pk,
            "/api/v1/my-responses/": response.pk,
            "/api/v1/moderation/comments/": approved.pk,
        },
    )
    # Staff of the consultation's LEP: a lead reads drafts and responses; site admins also
    # moderate, so every staff operation is reachable with one token.
    token = Token.objects.create(user=cast.admin)
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture(scope="module", autouse=True)
def report_figures(request: pytest.FixtureRequest) -> Any:
    """Print how many requests the run made, by status, and how long they took."""
    yield
    if not STATS["requests"]:
        return
    by_status = ", ".join(
        f"{key.split()[1]}: {count}"
        for key, count in sorted(STATS.items())
        if key.startswith("status")
    )
    by_operation = Counter(key for key in STATS if key.startswith("op "))
    figures = dict(STATS)
    STATS.clear()
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nschemathesis: {figures['requests']} requests over {len(by_operation)} operation "
            f"and caller pairs in {figures['seconds']:.0f} s; statuses {by_status}"
        )


SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _run(case: Any, headers: dict[str, str] | None) -> None:
    started = time.monotonic()
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES},
        CONSULTATION_ANONYMOUS_STARTS_PER_HOUR=100_000,
    ):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
    STATS["requests"] += 1
    STATS[f"status {response.status_code}"] += 1
    STATS[f"op {case.operation.label} {'staff' if headers else 'anonymous'}"] += 1
    STATS["seconds"] += time.monotonic() - started


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_api_as_staff_with_a_token(case: Any, world: dict[str, str]) -> None:
    _run(case, world)


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_api_anonymously(case: Any, world: dict[str, str]) -> None:
    # The security parameters schemathesis generates are random tokens: a 401 each time.
    _run(case, None)


def test_the_contract_run_covers_every_operation() -> None:
    """Every path and method in the schema is a generated test above."""
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) == sum(
        len([m for m in methods if m in {"get", "post", "put", "patch", "delete"}])
        for methods in _openapi()["paths"].values()
    )
    assert len(operations) >= 27
