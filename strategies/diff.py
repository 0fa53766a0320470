"""Word-level comparison of two texts, rendered accessibly: insertions in ``<ins>`` and
deletions in ``<del>``, each also announced in words, so nothing depends on colour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffStats:
    inserted_words: int
    deleted_words: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted_words or self.deleted_words)


def _words(text: str) -> int:
    return len(text.split())


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op one of 'equal', 'insert', 'delete'; replacements are a deletion
    followed by an insertion."""
    old_tokens, new_tokens = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    chunks: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(("equal", "".join(old_tokens[a1:a2])))
        if op in {"delete", "replace"}:
            chunks.append(("delete", "".join(old_tokens[a1:a2])))
        if op in {"insert", "replace"}:
            chunks.append(("insert", "".join(new_tokens[b1:b2])))
    return chunks


def diff_stats(chunks: list[tuple[str, str]]) -> DiffStats:
    return DiffStats(
        inserted_words=sum(_words(text) for op, text in chunks if op == "insert"),
        deleted_words=sum(_words(text) for op, text in chunks if op == "delete"),
    )


def render_diff(chunks: list[tuple[str, str]]) -> SafeString:
    """HTML for a diff; whitespace is kept by the ``portal-diff`` style (pre-wrap)."""
    parts: list[str] = []
    for op, text in chunks:
        if op == "equal":
            parts.append(escape(text))
        elif op == "insert":
            parts.append(
                '<ins class="portal-diff__ins"><span class="govuk-visually-hidden">'
                f"[inserted: </span>{escape(text)}"
                '<span class="govuk-visually-hidden">]</span></ins>'
            )
        else:
            parts.append(
                '<del class="portal-diff__del"><span class="govuk-visually-hidden">'
                f"[deleted: </span>{escape(text)}"
                '<span class="govuk-visually-hidden">]</span></del>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
