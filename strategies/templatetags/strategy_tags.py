from __future__ import annotations

from django import template

from strategies.constants import Foundation, GrandChallenge, PlaceKind

register = template.Library()

_LABELS = {
    "foundation": dict(Foundation.choices),
    "challenge": dict(GrandChallenge.choices),
    "place": dict(PlaceKind.choices),
}


@register.filter
def tag_labels(values: list[str] | None, kind: str) -> str:
    """'ideas, people' -> 'Ideas, People' using the vocabulary's labels."""
    labels = _LABELS.get(kind, {})
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def percent(value: float | None) -> str:
    """0.2301 -> '23.0%'."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}%"
