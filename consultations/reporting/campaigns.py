"""Organised campaigns and near-identical responses (SPEC §3: analysis "does not simply count
votes"): responses whose normalised text is identical or nearly so are grouped, and a group of
at least ``min_size`` is reported as one campaign with its size.

Method (near-linear in the number of responses, all numpy after one tokenising pass):
word pairs (2-shingles) of each normalised response are hashed; a 64-value MinHash signature
is taken per response; identical signatures are grouped at once (exact duplicates); the
remaining signatures go through LSH banding (16 bands of 4 rows), and each bucket proposes
O(size) candidate pairs (every member against the bucket's first member, and against its
neighbour) rather than all pairs. Candidates whose estimated Jaccard similarity reaches the
threshold are joined, and connected components are the groups.

Word pairs rather than word triples: a campaign template personalised with a town, a number
and a different opening line keeps most of its word pairs but loses many more triples, while
two independent answers on the same topic share few pairs either way."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .text import TokenStream, tokenise, truncate

NUM_HASHES = 64
BANDS = 16
ROWS_PER_BAND = NUM_HASHES // BANDS
# Shorter answers ("No comment.", "Agree with all of it") repeat by chance, not by campaign.
MIN_CAMPAIGN_WORDS = 6
EXAMPLE_LENGTH = 400
_SHINGLES_PER_CHUNK = 2_000_000
_PAIRS_PER_CHUNK = 250_000
_SEED = 20190301  # fixed: signatures must not change between runs
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class TextDocument:
    """One free-text answer as the analysis sees it. ``can_quote`` is set by the caller from
    consent and moderation; only such documents are ever quoted."""

    response_id: int
    text: str
    respondent_type: str
    can_quote: bool


@dataclass(frozen=True)
class Campaign:
    """A group of identical or near-identical responses, reported once with its size.
    ``example_text`` is one member's text, and is empty when no member may be quoted."""

    key: str
    size: int
    response_ids: list[int]
    example_text: str


def find_campaigns(
    documents: Sequence[TextDocument], *, threshold: float = 0.8, min_size: int = 5
) -> list[Campaign]:
    """Campaigns among ``documents``, largest first. ``threshold`` is the least estimated
    Jaccard similarity of two responses' word-pair sets for them to count as near-identical;
    groups are the connected components of that relation."""
    documents = [document for document in documents if document.text.strip()]
    stream = tokenise([document.text for document in documents])
    groups = campaign_groups(stream, threshold=threshold, min_size=min_size)
    return [campaign_of(documents, group) for group in groups]


def campaign_groups(
    stream: TokenStream, *, threshold: float = 0.8, min_size: int = 5
) -> list[np.ndarray]:
    """Groups of document indices (each sorted) of at least ``min_size`` near-identical
    documents, largest first."""
    lengths = stream.lengths
    candidates = np.flatnonzero(lengths >= MIN_CAMPAIGN_WORDS)
    if len(candidates) < max(min_size, 2):
        return []
    signatures = _signatures(stream, candidates)
    n = len(candidates)
    # Identical signatures: exact (or practically exact) duplicates, grouped without LSH.
    full_keys = _row_keys(signatures)
    _, first_of_key, key_of_row = np.unique(full_keys, return_index=True, return_inverse=True)
    representative = first_of_key[key_of_row]
    same = representative != np.arange(n)
    edges_from = [np.flatnonzero(same)]
    edges_to = [representative[same]]
    unique_rows = np.sort(first_of_key)
    if len(unique_rows) > 1:
        left, right = _candidate_pairs(signatures[unique_rows])
        left, right = unique_rows[left], unique_rows[right]
        keep = _estimated_jaccard(signatures, left, right) >= threshold
        edges_from.append(left[keep])
        edges_to.append(right[keep])
    sources = np.concatenate(edges_from)
    targets = np.concatenate(edges_to)
    graph = coo_matrix((np.ones(len(sources), dtype=np.int8), (sources, targets)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    big = np.flatnonzero(sizes >= min_size)
    if not len(big):
        return []
    order = np.argsort(component, kind="stable")
    boundaries = np.concatenate(([0], np.cumsum(sizes)))
    groups = [np.sort(candidates[order[boundaries[c] : boundaries[c + 1]]]) for c in big]
    groups.sort(key=lambda group: (-len(group), int(group[0])))
    return groups


def campaign_of(documents: Sequence[TextDocument], group: Iterable[int]) -> Campaign:
    """The campaign made of ``documents[i]`` for every ``i`` in ``group``."""
    indices = [int(index) for index in group]
    members = [documents[index] for index in indices]
    chosen = documents[representative_index(documents, indices)]
    ids = sorted(member.response_id for member in members)
    return Campaign(
        key=hashlib.sha1(f"campaign:{ids[0]}".encode(), usedforsecurity=False).hexdigest()[:10],
        size=len(members),
        response_ids=ids,
        example_text=truncate(chosen.text, EXAMPLE_LENGTH) if chosen.can_quote else "",
    )


def representative_index(documents: Sequence[TextDocument], group: Iterable[int]) -> int:
    """The member that stands for a campaign (its themes, its example): the earliest that may
    be quoted, else the earliest."""
    members = [int(index) for index in group]
    quotable = [index for index in members if documents[index].can_quote]
    return min(quotable or members, key=lambda index: documents[index].response_id)


def _signatures(stream: TokenStream, documents: np.ndarray) -> np.ndarray:
    """MinHash signatures (len(documents) × NUM_HASHES, uint32) over word-pair shingles."""
    rng = np.random.default_rng(_SEED)
    multipliers: np.ndarray = rng.integers(1, 2**63, size=NUM_HASHES, dtype=np.uint64)
    multipliers |= np.uint64(1)  # odd, for multiply-shift hashing
    increments = rng.integers(0, 2**63, size=NUM_HASHES, dtype=np.uint64)
    word_hash = stream.word_hashes()
    signatures = np.empty((len(documents), NUM_HASHES), dtype=np.uint32)
    starts = stream.offsets[documents]
    shingle_counts = stream.lengths[documents] - 1  # every candidate has at least 5
    chunk_start = 0
    while chunk_start < len(documents):
        total = np.cumsum(shingle_counts[chunk_start:])
        chunk_end = chunk_start + max(1, int(np.searchsorted(total, _SHINGLES_PER_CHUNK)))
        chunk_end = min(chunk_end, len(documents))
        counts = shingle_counts[chunk_start:chunk_end]
        # Positions of every shingle's first word in the flat token array.
        first = np.repeat(starts[chunk_start:chunk_end] - np.cumsum(counts) + counts, counts)
        first += np.arange(int(counts.sum()), dtype=np.int64)
        with np.errstate(over="ignore"):
            shingles = word_hash[stream.ids[first]] * _MIX + word_hash[stream.ids[first + 1]]
            shingles ^= shingles >> np.uint64(29)
            offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
            for column in range(NUM_HASHES):
                values = (shingles * multipliers[column] + increments[column]) >> np.uint64(32)
                signatures[chunk_start:chunk_end, column] = np.minimum.reduceat(values, offsets)
        chunk_start = chunk_end
    return signatures


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a uint32 matrix (collisions are checked afterwards by
    similarity, so they only cost time)."""
    rng = np.random.default_rng(_SEED + 1)
    weights = np.asarray(rng.integers(1, 2**63, size=int(rows.shape[1]), dtype=np.uint64))
    weights |= np.uint64(1)
    keys = np.zeros(rows.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(rows.shape[1]):
            keys = (keys ^ (rows[:, column].astype(np.uint64) * weights[column])) * _MIX
    return keys


def _candidate_pairs(signatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows that share all the values of at least one band, O(rows) per band."""
    lefts, rights = [], []
    for band in range(BANDS):
        keys = _row_keys(signatures[:, band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND])
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        same_as_previous = np.concatenate(([False], sorted_keys[1:] == sorted_keys[:-1]))
        if not same_as_previous.any():
            continue
        positions = np.arange(len(order))
        bucket_start = np.maximum.accumulate(np.where(same_as_previous, 0, positions))
        members = np.flatnonzero(same_as_previous)
        # Each member against its bucket's first member, and against its neighbour.
        lefts += [order[bucket_start[members]], order[members - 1]]
        rights += [order[members], order[members]]
    if not lefts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    left = np.concatenate(lefts)
    right = np.concatenate(rights)
    low, high = np.minimum(left, right), np.maximum(left, right)
    pairs = np.unique(low.astype(np.int64) * len(signatures) + high)
    return pairs // len(signatures), pairs % len(signatures)


def _estimated_jaccard(signatures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    estimates = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), _PAIRS_PER_CHUNK):
        end = start + _PAIRS_PER_CHUNK
        equal = signatures[left[start:end]] == signatures[right[start:end]]
        estimates[start:end] = equal.mean(axis=1)
    return estimates
