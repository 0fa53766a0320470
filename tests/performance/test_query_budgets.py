"""Query budgets: every list and detail page and every API list costs the same number of
queries whether 10 or 1,000 rows of what it shows exist. The budgets are declared in
tests/performance/declarations.py; every URL pattern must have one or an exemption."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.security.matrix import url_names

from .conftest import MEASURED
from .declarations import BUDGETS, EXEMPT, Budget
from .growth import BUILDERS, Growth, grow
from .world import BudgetWorld

# Patterns that are no view of their own: DRF's format-suffix catch-all.
IGNORED = {"api:?"}
SMALL, LARGE = 10, 1000


def test_every_url_pattern_has_a_budget_or_an_exemption() -> None:
    names = set(url_names()) - IGNORED
    budgeted = {budget.name for budget in BUDGETS}
    undeclared = sorted(names - budgeted - set(EXEMPT))
    assert undeclared == [], (
        "Declare what grows under these views (or why nothing does) in "
        "tests/performance/declarations.py: " + ", ".join(undeclared)
    )
    stale = sorted((budgeted | set(EXEMPT)) - names)
    assert stale == [], f"Budgets for views that no longer exist: {', '.join(stale)}"
    both = sorted(budgeted & set(EXEMPT))
    assert both == [], f"Both budgeted and exempt: {', '.join(both)}"


def test_every_budget_names_known_rows_and_is_declared_once() -> None:
    unknown = sorted({kind for b in BUDGETS for kind in b.grows} - set(BUILDERS))
    assert unknown == [], f"No builder in growth.py for: {', '.join(unknown)}"
    assert all(budget.grows for budget in BUDGETS)
    repeated = [i for i, n in Counter(b.id for b in BUDGETS).items() if n > 1]
    assert repeated == [], f"Declared twice: {', '.join(repeated)}"


def _sql_shape(sql: str) -> str:
    """A query with its literals and IN lists blurred, to compare two runs by kind."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"IN \([^)]*\)", "IN (...)", sql)


def _measure(client: Client, url: str) -> tuple[int, list[str], int]:
    """The queries of one GET with an empty cache: what the first visitor after a change
    costs (a cached fragment would otherwise hide what it costs to make)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        status = response.status_code
        # A streamed body (the CSV exports) queries as it is read; the test client closes the
        # response once it is read (closing it here would close the database connection).
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert status == 200, f"{url} answered {status}"
    return len(queries), [q["sql"] for q in queries.captured_queries], len(body)


def _explain(small: list[str], large: list[str]) -> str:
    grown = Counter(map(_sql_shape, large)) - Counter(map(_sql_shape, small))
    lines = [f"{count} more times: {shape[:400]}" for shape, count in grown.most_common(5)]
    return "\n".join(lines) or "(the same kinds of query, in different numbers)"


@pytest.mark.django_db
@pytest.mark.parametrize("budget", BUDGETS, ids=lambda budget: budget.id)
def test_queries_stay_constant_as_rows_grow(
    client: Client, budget_world: BudgetWorld, budget: Budget
) -> None:
    world = budget_world
    user = getattr(world.cast, budget.role)
    if user is not None:
        client.force_login(user)
    kwargs = world.kwargs[budget.kwargs] if budget.kwargs else None
    url = reverse(budget.name, kwargs=kwargs)
    if budget.query:
        url += "?" + budget.query.format(**world.kwargs)
    growth = Growth(consultation=getattr(world, budget.consultation), user=user)

    grow(world, budget.grows, SMALL, growth)
    _measure(client, url)  # in-process caches (templates, content types), warmed alike
    small, small_sql, small_size = _measure(client, url)
    grow(world, budget.grows, LARGE - SMALL, growth)
    large, large_sql, large_size = _measure(client, url)

    MEASURED[budget.id] = (small, large)
    assert small <= large <= small + budget.allowance, (
        f"{budget.id}: {small} queries with {SMALL} of each of {', '.join(budget.grows)}, "
        f"{large} with {LARGE}.\n{_explain(small_sql, large_sql)}"
    )
    if budget.lists:
        assert large_size > small_size, (
            f"{budget.id} looks the same with {LARGE} rows as with {SMALL}: the rows grown "
            "no longer reach it (or declare lists=False for a page about one object)"
        )
