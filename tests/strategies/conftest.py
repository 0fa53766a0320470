from __future__ import annotations

import pytest

from strategies.models import Strategy
from strategies.services import strategy_create


@pytest.fixture
def strategy(cast) -> Strategy:
    return strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )
