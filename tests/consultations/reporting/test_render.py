"""The report's tables as the templates receive them (consultations/reporting/render.py)."""

from __future__ import annotations

from consultations.reporting import render


def _rows(counts: dict[str, int]) -> list[dict[str, object]]:
    total = sum(counts.values())
    return [
        {"key": key, "label": key or "Not given", "count": count, "percent": 100 * count / total}
        for key, count in counts.items()
    ]


def test_small_groups_are_lumped_together_but_not_given_stays_on_its_own() -> None:
    counts = {f"S{number:02d}": 30 - number for number in range(render.BREAKDOWN_ROWS + 3)}
    counts[""] = 50
    breakdown = render._breakdown(
        "by-sector", "Sectors", "Sector", _rows(counts), other_label="Other sectors"
    )
    labels = [row["label"] for row in breakdown["rows"]]
    assert labels[: render.BREAKDOWN_ROWS] == [f"S{n:02d}" for n in range(render.BREAKDOWN_ROWS)]
    assert labels[render.BREAKDOWN_ROWS :] == ["Other sectors (3)", "Not given"]
    lumped = breakdown["rows"][render.BREAKDOWN_ROWS]
    assert lumped["count"] == sum(
        30 - n for n in range(render.BREAKDOWN_ROWS, render.BREAKDOWN_ROWS + 3)
    )
    assert breakdown["rows"][-1]["count"] == 50
    assert sum(row["count"] for row in breakdown["rows"]) == sum(counts.values())


def test_a_short_breakdown_lists_every_group_and_not_given_last() -> None:
    breakdown = render._breakdown(
        "by-size",
        "Sizes",
        "Size band",
        _rows({"": 2, "micro": 5, "small": 0}),
        other_label="Other sizes",
    )
    assert [(row["label"], row["count"]) for row in breakdown["rows"]] == [
        ("micro", 5),
        ("Not given", 2),
    ]
