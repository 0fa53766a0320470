"""Every URL pattern (pages and API) asked by every role, against its declared outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.declarations import DECLARATIONS, ROLES
from tests.security.matrix import url_names
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Patterns that take no part in access control: DRF's format-suffix catch-all.
IGNORED = {"api:?"}


def test_every_url_pattern_has_a_declared_outcome() -> None:
    undeclared = sorted(set(url_names()) - set(DECLARATIONS) - IGNORED)
    assert undeclared == [], (
        "Declare who may see these views in tests/security/declarations.py: "
        + ", ".join(undeclared)
    )
    stale = sorted(set(DECLARATIONS) - set(url_names()))
    assert stale == [], f"Declarations for views that no longer exist: {', '.join(stale)}"


def test_every_view_answers_every_role_as_declared(client, cast) -> None:
    world = build_world(cast)
    mismatches = []
    for name, (kwargs_key, expected) in sorted(DECLARATIONS.items()):
        url = reverse(name, kwargs=world.kwargs[kwargs_key] if kwargs_key else None)
        for role in ROLES:
            client.logout()
            user = getattr(cast, role, None)
            if user is not None:
                client.force_login(user)
            status = client.get(url).status_code
            if status != expected[role]:
                mismatches.append(f"{name} as {role}: {status}, declared {expected[role]}")
    assert mismatches == [], "\n".join(mismatches)


def test_every_html_page_carries_the_content_security_policy(client, cast) -> None:
    world = build_world(cast)
    client.force_login(cast.lead)
    missing = []
    for name, (kwargs_key, _expected) in sorted(DECLARATIONS.items()):
        response = client.get(
            reverse(name, kwargs=world.kwargs[kwargs_key] if kwargs_key else None)
        )
        if response.get("Content-Type", "").startswith("text/html"):
            policy = response.get("Content-Security-Policy", "")
            if (
                "default-src 'self'" not in policy
                or "unsafe-inline" in policy.split("script-src")[-1].split(";")[0]
            ):
                missing.append(f"{name}: {policy or 'no policy'}")
    assert missing == [], "\n".join(missing)


def test_no_state_changing_request_is_accepted_without_a_csrf_token(cast) -> None:
    from django.test import Client

    world = build_world(cast)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.lead)
    accepted = []
    for name, (kwargs_key, _expected) in sorted(DECLARATIONS.items()):
        url = reverse(name, kwargs=world.kwargs[kwargs_key] if kwargs_key else None)
        if name.startswith("api:"):
            status = client.post(url, "{}", content_type="application/json").status_code
        else:
            status = client.post(url, {"title": "x", "body": "y"}).status_code
        if status not in {403, 405}:
            accepted.append(f"{name}: {status}")
    assert accepted == [], "POSTs without a CSRF token that were not refused:\n" + "\n".join(
        accepted
    )
