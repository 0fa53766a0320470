"""The API's interactive documentation in a real browser: Swagger UI renders every operation
from this site's own files (offline) under the Content Security Policy, with no console
errors (a CSP violation is one). And the token journey on our own account page, which is
checked with axe-core.

Swagger UI itself is a third-party interface that we do not control, so axe-core is run on
our own pages only (the account page and the page showing a new token)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_lists_the_operations_under_the_csp(page: Any, cast: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/strategies/{id}/" in [s.replace("\u200b", "") for s in summaries]
    assert page.locator(".opblock").count() >= 27
    assert page.locator(".opblock-post").count() >= 4
    # Everything came from this site: nothing fetched from elsewhere.
    origin = page.url.split("/api/")[0]
    assert all(url.startswith(origin) or url.startswith("data:") for url in requested), requested
    assert page.probe.console_errors == [], page.probe.console_errors


def test_an_operation_can_be_tried_from_the_docs(page: Any, cast: Any) -> None:
    page.goto("/api/v1/docs/")
    operation = page.locator("#operations-organisations-organisations_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table td.response-col_status:not(.col_header)")
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert page.probe.console_errors == [], page.probe.console_errors


def test_staff_create_a_token_on_their_account_page(page: Any, cast: Any) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.get_by_role("heading", name="API tokens").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Create an API token").click()
    page.get_by_role("heading", name="Your new API token").wait_for()
    token = page.locator("#api-token").inner_text()
    assert len(token) == 40
    assert_accessible(page)
    page.get_by_role("link", name="Back to your account").click()
    assert token not in page.content()
    page.get_by_role("button", name="Revoke your token").click()
    page.get_by_text("Your API token has been revoked").wait_for()
    assert_accessible(page)
