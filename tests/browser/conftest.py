"""Playwright driving Debian's Chromium against pytest-django's live server, with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The session's Chromium is the ``browser`` fixture of tests/conftest.py, shared with the XSS
# corpus in tests/security.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class PageProbe:
    """Records what a person would notice: console errors (CSP violations among them)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        # Failed loads are judged in _on_response, where the page itself may rightly be a 404.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _on_response(self, response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.console_errors.append(f"{response.status} for {response.url}")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.probe = PageProbe(page)
    yield page
    context.close()


def assert_accessible(page: Any) -> None:
    """0 axe-core violations for WCAG 2.0/2.1/2.2 A and AA, and no console errors."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.probe.console_errors == [], f"{page.url}: {page.probe.console_errors}"


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/profile/")
