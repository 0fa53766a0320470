from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.models import Organisation
from accounts.reference_data import organisations_load_leps

from .world import BudgetWorld, build_budget_world

# Query counts measured in this session, for the summary: {budget id: (at 10, at 1,000)}.
MEASURED: dict[str, tuple[int, int]] = {}


@pytest.fixture(scope="module")
def budget_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BudgetWorld]:
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint within it, so what a test adds is gone before the next."""
    media = tmp_path_factory.mktemp("budget-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        if not Organisation.objects.exists():
            organisations_load_leps(Organisation)
        world = build_budget_world()
        yield world
        transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not MEASURED or config.getoption("verbose") < 1:
        return
    terminalreporter.section("query budgets (queries with 10 rows / with 1,000 rows)")
    for budget_id, (small, large) in sorted(MEASURED.items()):
        terminalreporter.write_line(f"{budget_id:<62} {small:>3} {large:>3}")
