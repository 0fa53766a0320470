from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/accounts/sign-up/",
    "/accounts/sign-in/",
    "/accounts/password/reset/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/organisations/cheshire-and-warrington/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violations(page: Any, path: str) -> None:
    page.goto(path)
    assert page.locator("h1").count() == 1
    # GOV.UK Frontend's module script ran under the CSP.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


def test_newcomer_signs_up_sees_profile_and_signs_out(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("E-mail address").fill("newcomer@example.com")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("short")
    page.get_by_role("button", name="Create account").click()
    # The error summary appears and what was typed is still there.
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("E-mail address").input_value() == "newcomer@example.com"
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("a-much-longer-passphrase")
    page.get_by_label("Password confirmation").fill("a-much-longer-passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/profile/")
    assert page.get_by_text("Signed in as Nia Newcomer").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_lead_sees_members_and_the_add_member_form(page: Any, cast: Any) -> None:
    sign_in(page, cast.lead.email, TEST_PASSWORD)
    assert_accessible(page)
    page.goto("/organisations/cheshire-and-warrington/")
    assert page.get_by_role("cell", name=cast.editor.email).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a member").click()
    assert_accessible(page)
    page.goto("/accounts/password/change/")
    assert_accessible(page)


def test_wrong_password_shows_an_accessible_error(page: Any) -> None:
    user = UserFactory()
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("not-" + TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").get_by_text("Enter a correct e-mail").is_visible()
    assert_accessible(page)
