from __future__ import annotations

from html.parser import HTMLParser

import pytest

from strategies.diff import diff_stats, render_diff, word_diff
from strategies.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


class ElementCollector(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_output_is_inert(attack: str) -> None:
    collector = ElementCollector()
    collector.feed(str(render_markdown(f"Intro\n\n{attack}\n\n**end**")))
    for tag, attributes in collector.elements:
        assert tag not in {"script", "iframe", "svg", "img", "object", "embed", "style"}
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        href = (attributes.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_markdown_renders_govuk_markup_with_headings_below_the_section_title() -> None:
    html = str(
        render_markdown("# Big\n\n## Smaller\n\n- one\n- two\n\n[site](https://example.org)")
    )
    assert '<h3 class="govuk-heading-m">Big</h3>' in html
    assert '<h4 class="govuk-heading-s">Smaller</h4>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_markdown_tables_get_header_scope() -> None:
    html = str(render_markdown("| A | B |\n|---|---|\n| 1 | 2 |"))
    assert '<th class="govuk-table__header" scope="col">A</th>' in html or 'scope="col"' in html
    assert '<td class="govuk-table__cell">1</td>' in html


def test_word_diff_marks_insertions_and_deletions_in_text() -> None:
    chunks = word_diff("the quick brown fox", "the slow brown fox jumps")
    html = str(render_diff(chunks))
    assert (
        '<del class="portal-diff__del"><span class="govuk-visually-hidden">[deleted: </span>quick'
        in html
    )
    assert "[inserted: </span>slow" in html
    assert "jumps" in html
    stats = diff_stats(chunks)
    assert (stats.inserted_words, stats.deleted_words) == (2, 1)


def test_diff_escapes_user_text() -> None:
    html = str(render_diff(word_diff("safe", "<script>alert(1)</script>")))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_identical_texts_have_no_changes() -> None:
    assert not diff_stats(word_diff("same words", "same words")).changed
