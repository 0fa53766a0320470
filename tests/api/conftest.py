from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from strategies import services as strategy_services
from strategies.models import Strategy, StrategyVersion

# The consultation fixtures of the consultation tests: a strategy with three written sections,
# a named version, and an open consultation (anonymous responses allowed, pre-moderation)
# with a single-choice, a multiple-choice (with "Other"), a scale and a free-text question.
from tests.consultations.conftest import (  # noqa: F401 - fixtures
    consultation,
    make_consultation,
    strategy,
    version,
)

ROLES = [
    "anonymous",
    "respondent",
    "other_member",
    "viewer",
    "editor",
    "lead",
    "moderator",
    "site_moderator",
    "admin",
]
STAFF = {"viewer", "editor", "lead", "admin"}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Throttles and the anonymous rate limit count in the cache: start every test at zero."""
    cache.clear()


@pytest.fixture
def client_for(cast: Any) -> Callable[[str], APIClient]:
    """An API client acting as one of the cast (by role name), or anonymous."""

    def make(role: str) -> APIClient:
        client = APIClient()
        user = getattr(cast, role)
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


def publish(document: Strategy, named: StrategyVersion, lead: Any) -> Strategy:
    """Walk a strategy through its workflow to published at a version, as a lead would."""
    for target in (
        Strategy.Status.INTERNAL_REVIEW,
        Strategy.Status.CONSULTATION,
        Strategy.Status.REVISING,
        Strategy.Status.SUBMITTED,
        Strategy.Status.AGREED,
    ):
        strategy_services.strategy_transition(strategy=document, target=target, actor=lead)
    strategy_services.strategy_transition(
        strategy=document, target=Strategy.Status.PUBLISHED, actor=lead, version=named
    )
    document.refresh_from_db()
    return document


@pytest.fixture
def published(strategy: Strategy, version: StrategyVersion, cast: Any) -> Strategy:  # noqa: F811
    """The Cheshire and Warrington strategy, published at its first version."""
    return publish(strategy, version, cast.lead)


@pytest.fixture
def draft(cast: Any) -> Strategy:
    """A second Cheshire and Warrington strategy that has never been published."""
    draft = strategy_services.strategy_create(
        organisation=cast.organisation, title="Draft growth plan", author=cast.editor
    )
    section = draft.sections.order_by("position").first()
    strategy_services.section_revise(
        section=section,
        title=section.title,
        body="A secret first draft.",
        author=cast.editor,
        base_revision=None,
    )
    return draft


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response has the status and the API's one error body; returns the error."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error
