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
