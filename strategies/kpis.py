"""Progress of a key performance indicator, derived from its trajectory.

The expected value on a date is the straight line from the baseline to the target. A reading
is *achieved* when it has reached the target, *on track* when it is at least as far along as
the line expects, and *behind* otherwise; "along" follows the direction from baseline to
target, so indicators that should fall (say, carbon emissions) work the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum


class KpiStatus(Enum):
    NO_READINGS = "No readings yet"
    ON_TRACK = "On track"
    BEHIND = "Behind"
    ACHIEVED = "Achieved"


@dataclass(frozen=True)
class Reading:
    date: date
    value: Decimal


def expected_value(
    *,
    baseline_value: Decimal,
    baseline_date: date,
    target_value: Decimal,
    target_date: date,
    on: date,
) -> Decimal:
    """The value the straight line from baseline to target expects on a date."""
    span = (target_date - baseline_date).days
    if span <= 0:
        return target_value
    elapsed = min(max((on - baseline_date).days, 0), span)
    return baseline_value + (target_value - baseline_value) * Decimal(elapsed) / Decimal(span)


def kpi_status(
    *,
    baseline_value: Decimal,
    baseline_date: date,
    target_value: Decimal,
    target_date: date,
    readings: Sequence[Reading],
) -> KpiStatus:
    if not readings:
        return KpiStatus.NO_READINGS
    latest = max(readings, key=lambda reading: reading.date)
    rising = target_value >= baseline_value
    sign = 1 if rising else -1
    if sign * (latest.value - target_value) >= 0:
        return KpiStatus.ACHIEVED
    expected = expected_value(
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        on=latest.date,
    )
    return KpiStatus.ON_TRACK if sign * (latest.value - expected) >= 0 else KpiStatus.BEHIND
