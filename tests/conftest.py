from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Membership, Organisation, User
from accounts.reference_data import organisations_load_leps
from tests.factories import MembershipFactory, UserFactory


def required(variable: str) -> bool:
    """True when CI demands that a kind of test runs rather than skips."""
    return os.environ.get(variable, "").lower() in {"1", "true", "yes"}


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one for the whole session: the browser tests and
    the XSS corpus share it (a second sync Playwright cannot start while one runs)."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if required("LEPPORTAL_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls
    # there.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Cast:
    """One user for every role the permission rules know, around two LEPs."""

    organisation: Organisation
    other_organisation: Organisation
    anonymous: None
    respondent: User
    viewer: User
    editor: User
    lead: User
    moderator: User
    other_member: User
    site_moderator: User
    admin: User


@pytest.fixture(autouse=True)
def reference_organisations(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database, data migrations included: reload the LEPs."""
    marker = request.node.get_closest_marker("django_db")
    wants_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if wants_db and not Organisation.objects.exists():
        organisations_load_leps(Organisation)


@pytest.fixture
def cheshire(db: None) -> Organisation:
    return Organisation.objects.get(ons_code="E37000003")


def build_cast() -> Cast:
    """One user of every role: members of Cheshire and Warrington LEP, a lead of another LEP,
    a respondent with no role, and the site's moderator and administrator."""
    cheshire = Organisation.objects.get(ons_code="E37000003")
    other = Organisation.objects.get(ons_code="E37000034")

    def member(role: str, organisation: Organisation = cheshire) -> User:
        return MembershipFactory(role=role, organisation=organisation).user

    return Cast(
        organisation=cheshire,
        other_organisation=other,
        anonymous=None,
        respondent=UserFactory(),
        viewer=member(Membership.Role.VIEWER),
        editor=member(Membership.Role.EDITOR),
        lead=member(Membership.Role.LEAD),
        moderator=member(Membership.Role.MODERATOR),
        other_member=member(Membership.Role.LEAD, other),
        site_moderator=UserFactory(site_role=User.SiteRole.MODERATOR),
        admin=UserFactory(site_role=User.SiteRole.ADMIN, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def cast(db: None, cheshire: Organisation) -> Cast:
    return build_cast()
