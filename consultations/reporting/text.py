"""Text helpers shared by campaign detection and theme finding: one tokenisation pass over
every document into a flat array of word ids (numpy), so that everything after it is
vectorised and stays near-linear in the number of responses."""

from __future__ import annotations

import re
import zlib
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

import numpy as np

# A word is a run of letters or digits: punctuation, underscores and whitespace all fold away.
WORD = re.compile(r"[^\W_]+")
QUOTE_LENGTH = 300


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: punctuation and whitespace folded."""
    return " ".join(WORD.findall(text.lower()))


@dataclass(frozen=True)
class TokenStream:
    """Every document's words as ids, concatenated: document ``i`` is
    ``ids[offsets[i]:offsets[i + 1]]``; ``words[id]`` is the word."""

    ids: np.ndarray  # int32
    offsets: np.ndarray  # int64, one more than the number of documents
    words: list[str]
    index_of: dict[str, int]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def document_of_token(self) -> np.ndarray:
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    def word_hashes(self) -> np.ndarray:
        """A stable 32-bit hash of every word (independent of the order words were seen)."""
        return np.fromiter(
            (zlib.crc32(word.encode("utf-8")) for word in self.words),
            dtype=np.uint64,
            count=len(self.words),
        )


def tokenise(texts: Sequence[str]) -> TokenStream:
    """Tokenise ``texts`` in one pass. The per-word work is a C-level dict lookup."""
    vocabulary: defaultdict[str, int] = defaultdict(count().__next__)
    lookup = vocabulary.__getitem__
    ids = array("i")
    lengths = np.zeros(len(texts), dtype=np.int64)
    findall = WORD.findall
    for index, text in enumerate(texts):
        words = findall(text.lower())
        lengths[index] = len(words)
        ids.extend(map(lookup, words))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return TokenStream(
        ids=np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32),
        offsets=offsets,
        words=list(vocabulary),
        index_of=dict(vocabulary),
    )


def truncate(text: str, limit: int = QUOTE_LENGTH) -> str:
    """``text`` with whitespace folded, cut at a word boundary near ``limit`` characters with
    an ellipsis when it is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    # Cut at the last space unless that would lose much of the text (a very long word).
    cut = cut[:space] if space > limit * 0.6 else cut[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"
