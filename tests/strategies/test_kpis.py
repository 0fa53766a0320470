from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from strategies.kpis import KpiStatus, Reading, expected_value, kpi_status

RISING = {
    "baseline_value": D(100),
    "baseline_date": date(2020, 1, 1),
    "target_value": D(200),
    "target_date": date(2030, 1, 1),
}
FALLING = {
    "baseline_value": D(10),
    "baseline_date": date(2020, 1, 1),
    "target_value": D(0),
    "target_date": date(2030, 1, 1),
}


def test_expected_value_follows_the_straight_line_and_stops_at_the_ends() -> None:
    # 2025-01-01 is 1827 of 3653 days in: 100 + 100 * 1827 / 3653 = 150.01...
    assert expected_value(**RISING, on=date(2025, 1, 1)).quantize(D("0.01")) == D("150.01")
    assert expected_value(**RISING, on=date(2019, 1, 1)) == D(100)
    assert expected_value(**RISING, on=date(2035, 1, 1)) == D(200)


@pytest.mark.parametrize(
    ("readings", "status"),
    [
        ([], KpiStatus.NO_READINGS),
        ([Reading(date(2025, 1, 1), D(160))], KpiStatus.ON_TRACK),
        ([Reading(date(2025, 1, 1), D(140))], KpiStatus.BEHIND),
        ([Reading(date(2025, 1, 1), D(200))], KpiStatus.ACHIEVED),
        # The latest reading decides, whatever the order given.
        ([Reading(date(2026, 1, 1), D(120)), Reading(date(2021, 1, 1), D(199))], KpiStatus.BEHIND),
    ],
)
def test_status_of_a_rising_indicator(readings, status) -> None:
    assert kpi_status(**RISING, readings=readings) is status


@pytest.mark.parametrize(
    ("value", "status"),
    [(D(4), KpiStatus.ON_TRACK), (D(6), KpiStatus.BEHIND), (D(0), KpiStatus.ACHIEVED)],
)
def test_status_of_a_falling_indicator(value, status) -> None:
    # Halfway through, the line expects 5: below it is on track for a falling target.
    assert kpi_status(**FALLING, readings=[Reading(date(2025, 1, 1), value)]) is status


def test_exactly_on_the_line_is_on_track() -> None:
    on = date(2025, 1, 1)
    exact = expected_value(**RISING, on=on)
    assert kpi_status(**RISING, readings=[Reading(on, exact)]) is KpiStatus.ON_TRACK
