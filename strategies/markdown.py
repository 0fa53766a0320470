"""Markdown to safe HTML for strategy sections.

Raw HTML in the source is not interpreted, and the rendered HTML is sanitised again with nh3
(an allow-list: no script, no event handlers, no ``javascript:`` URLs). Headings are demoted
by two levels because the section title is the page's ``h2``."""

from __future__ import annotations

from functools import cache, lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

CLASSES = {
    "h3": "govuk-heading-m",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
ALLOWED_TAGS = {
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "s",
}
ALLOWED_ATTRIBUTES = {"*": {"class"}, "a": {"href", "title"}, "th": {"scope"}}


def _demote_and_classify(state: object) -> None:
    tokens: list[Token] = state.tokens  # type: ignore[attr-defined]
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        if token.nesting == 1 or token.type == "hr":
            css = CLASSES.get(token.tag)
            if css:
                token.attrSet("class", css)
            if token.tag == "th":
                token.attrSet("scope", "col")
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    child.attrSet("class", CLASSES["a"])


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("portal_classes", _demote_and_classify)
    return parser


# Texts up to this long are memoised (see render_markdown); longer ones, rare and costly to
# keep, are rendered each time.
MEMO_MAX_CHARACTERS = 100_000


def render_markdown(source: str) -> SafeString:
    """Render Markdown as sanitised HTML, safe to insert into any page.

    The HTML depends on nothing but ``source``, so it is memoised per process, keyed by the
    text itself (never stale, nothing to invalidate). Published versions never change, yet
    their sections were rendered again on every view of the public page, the consultation's
    commentable strategy and each page of the response form: about 4 ms per 1,000 words, over
    60 ms for a 15-section strategy."""
    source = source or ""
    if len(source) > MEMO_MAX_CHARACTERS:
        return _render(source)
    return _render_memoised(source)


@lru_cache(maxsize=512)
def _render_memoised(source: str) -> SafeString:
    return _render(source)


def _render(source: str) -> SafeString:
    html = _parser().render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
