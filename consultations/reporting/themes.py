"""Themes in free-text answers, found offline (no network, no hosted AI): SPEC §4, "for every
free-text question, themes ... each with a label staff can edit, how many raised it, by whom,
and representative quotes from people who consented to publication".

The method, in order:

1. Empty answers are counted, not analysed. Everything else is tokenised once (``text``).
2. Campaigns and near-identical responses are found first (``campaigns``). Each campaign then
   counts once: themes are found over the other responses plus one representative per
   campaign, and campaigns are reported separately with their size.
3. TF-IDF over words (English stop words plus consultation filler words; sublinear term
   frequency), with its vocabulary and weights fitted on a bounded random sample (at most
   ``SAMPLE_SIZE`` responses) and then applied to every response: the sparse matrix is built
   with numpy from the token ids and weighted by scikit-learn's ``TfidfTransformer``. Words
   only: on consultation answers, word pairs mostly tie themes to one stock phrase.
4. NMF on the sample. The number of themes in [min_themes, max_themes] is chosen by split-half
   stability: fit on two random halves, assign the same responses with each, keep the number
   for which both halves agree best (adjusted Rand index). Too many themes split a subject
   differently in each half and too few blend subjects differently, so the stablest number
   is the one the data supports.
5. A theme is its top terms with weights (``term_weights``). Every response is assigned by
   cosine similarity between its TF-IDF vector and each theme's term vector: to its strongest
   theme if that is similar enough, and to any other theme nearly as strong (a response may
   raise two). The same assignment runs after staff review, so an unchanged review gives an
   unchanged result.
6. Quality rules: themes that too few responses raise are dropped, and themes whose top terms
   or responses largely overlap are merged, re-assigning after each change. Responses matching
   no theme are counted as unassigned.
7. Quotes: the most typical responses of each theme, only from documents that may be quoted.

With ``reviewed`` themes, steps 4 and 6 are skipped: responses are assigned to the reviewed
themes (hidden ones left out, merged ones counted towards the theme they were merged into)."""

from __future__ import annotations

import hashlib
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from .campaigns import Campaign, TextDocument, campaign_groups, campaign_of, representative_index
from .text import QUOTE_LENGTH, TokenStream, normalise, tokenise, truncate

__all__ = [
    "Campaign",
    "FreeTextResult",
    "ReviewedTheme",
    "TextDocument",
    "Theme",
    "analyse_free_text",
]

# Words that any consultation answer may use whatever it is about. General, not topical.
FILLER_WORDS = frozenset(
    (
        "also", "really", "just", "like", "think", "feel", "believe", "agree", "disagree", "would",
        "could", "should", "need", "needs", "needed", "want", "wants", "make", "makes", "made",
        "sure", "please", "thank", "thanks", "welcome", "welcomes", "comment", "comments", "point",
        "points", "way", "ways", "thing", "things", "lot", "lots", "strategy", "strategies",
        "draft", "lep", "leps", "partnership", "consultation", "response", "respond", "responding",
        "question", "questions", "area", "areas", "local", "locally", "better", "good", "great",
        "important", "new", "year", "years", "time", "times", "people", "able", "going", "get",
        "gets", "got", "say", "says", "said", "see", "seems", "use", "used", "much", "many", "well",
        "especially", "actually", "currently", "example", "including", "given", "one", "two",
        "three", "first", "second", "another", "add", "nothing",
    )
)  # fmt: skip
STOP_WORDS = ENGLISH_STOP_WORDS | FILLER_WORDS

SAMPLE_SIZE = 5_000
MIN_DF_FRACTION = 0.002  # of the sample, and never below 2 documents
MAX_DF_FRACTION = 0.5
MAX_FEATURES = 20_000
TERM_WEIGHTS = 50
MIN_TERM_WEIGHT = 0.01  # of the theme's strongest term
KEYWORDS = 8
LABEL_TERMS = 3
MIN_DOCUMENTS_PER_THEME = 5
SELECTION_SIZE = 2_000
SELECTION_SPLITS = 2
# Assignment: cosine similarity between a response and a theme's term vector.
MIN_SIMILARITY = 0.1
SECOND_THEME_RATIO = 0.5
# Merging: share of top terms, or of responses, two themes have in common.
MERGE_TERM_OVERLAP = 0.5
MERGE_RESPONSE_OVERLAP = 0.5
QUOTES_PER_THEME = 3
QUOTE_CANDIDATES = 20
CAMPAIGN_THRESHOLD = 0.8
CAMPAIGN_MIN_SIZE = 5


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    keywords: list[str]
    term_weights: dict[str, float]
    count: int
    share: float
    by_type: dict[str, int]
    quotes: list[dict]
    response_ids: list[int]


@dataclass(frozen=True)
class ReviewedTheme:
    """A theme as staff left it: renamed (``label``), hidden, or merged into another."""

    key: str
    label: str
    term_weights: dict[str, float]
    hidden: bool = False
    merged_into: str | None = None


@dataclass(frozen=True)
class FreeTextResult:
    """``answered`` counts non-empty answers (campaign members included); ``analysed`` counts
    what themes were found over: the responses outside campaigns plus one per campaign.
    ``share`` and ``unassigned_count`` are out of ``analysed``."""

    themes: list[Theme]
    campaigns: list[Campaign]
    unassigned_count: int
    unassigned_ids: list[int]
    empty_count: int
    answered: int
    analysed: int = 0


def analyse_free_text(
    documents: Iterable[TextDocument],
    *,
    reviewed: list[ReviewedTheme] | None = None,
    min_themes: int = 2,
    max_themes: int = 12,
    min_coverage: float = 0.03,
    seed: int = 0,
) -> FreeTextResult:
    """Campaigns and themes in the answers to one free-text question. Deterministic for a
    given input and ``seed``."""
    return free_text_analysis(
        documents,
        reviewed=reviewed,
        min_themes=min_themes,
        max_themes=max_themes,
        min_coverage=min_coverage,
        seed=seed,
    ).result


@dataclass(frozen=True)
class FreeTextAnalysis:
    """The result, and each answered response's strongest theme (its key; campaign members
    take their representative's), which quality measures need and reports do not."""

    result: FreeTextResult
    strongest_theme: dict[int, str | None]


def free_text_analysis(
    documents: Iterable[TextDocument],
    *,
    reviewed: list[ReviewedTheme] | None = None,
    min_themes: int = 2,
    max_themes: int = 12,
    min_coverage: float = 0.03,
    seed: int = 0,
) -> FreeTextAnalysis:
    """``analyse_free_text`` with each response's strongest theme as well."""
    # Many small matrix products: one BLAS thread each is faster than threads contending for
    # two cores (and leaves the other core to a second worker).
    with threadpool_limits(limits=1):
        return _free_text_analysis(
            list(documents),
            reviewed=reviewed,
            min_themes=min_themes,
            max_themes=max_themes,
            min_coverage=min_coverage,
            seed=seed,
        )


def _free_text_analysis(
    all_documents: list[TextDocument],
    *,
    reviewed: list[ReviewedTheme] | None,
    min_themes: int,
    max_themes: int,
    min_coverage: float,
    seed: int,
) -> FreeTextAnalysis:
    answered = [document for document in all_documents if document.text.strip()]
    empty_count = len(all_documents) - len(answered)
    stream = tokenise([document.text for document in answered])

    groups = campaign_groups(stream, threshold=CAMPAIGN_THRESHOLD, min_size=CAMPAIGN_MIN_SIZE)
    campaigns = [campaign_of(answered, group) for group in groups]
    representatives = [representative_index(answered, group) for group in groups]
    in_campaign = np.zeros(len(answered), dtype=bool)
    for group in groups:
        in_campaign[group] = True
    in_campaign[representatives] = False
    rows = np.flatnonzero(~in_campaign)
    analysed = _Analysed.of([answered[int(index)] for index in rows])

    if len(rows) > SAMPLE_SIZE:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(len(rows), size=SAMPLE_SIZE, replace=False))
    else:
        sample = np.arange(len(rows))

    extra_terms = [term for theme in reviewed or [] for term in theme.term_weights]
    terms = _TermMatrix.build(stream, rows, sample, extra_terms=extra_terms)

    if reviewed is not None:
        specs, similarity = _reviewed_similarity(terms, reviewed)
        assignment = _assign(similarity)
    else:
        specs = _discover(terms, sample, min_themes, max_themes, seed)
        specs, assignment = _apply_quality_rules(terms, specs, min_coverage)

    themes = [_theme(spec, index, assignment, analysed) for index, spec in enumerate(specs)]
    themes.sort(key=lambda theme: (-theme.count, theme.key))
    unassigned = np.sort(analysed.response_ids[~assignment.any_theme]).tolist()
    keys = [spec.key for spec in specs] + [None]  # index -1: no theme
    strongest: dict[int, str | None] = dict(
        zip(
            analysed.response_ids.tolist(),
            [keys[theme] for theme in assignment.strongest.tolist()],
            strict=True,
        )
    )
    for group, chosen in zip(groups, representatives, strict=True):
        for index in group:
            strongest[answered[int(index)].response_id] = strongest[answered[chosen].response_id]
    result = FreeTextResult(
        themes=themes,
        campaigns=campaigns,
        unassigned_count=len(unassigned),
        unassigned_ids=unassigned,
        empty_count=empty_count,
        answered=len(answered),
        analysed=len(analysed.documents),
    )
    return FreeTextAnalysis(result=result, strongest_theme=strongest)


# The term matrix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TermMatrix:
    """L2-normalised TF-IDF rows (sublinear term frequency) for the analysed documents."""

    matrix: sparse.csr_matrix  # analysed documents × features
    features: list[str]
    column_of: dict[str, int]

    @classmethod
    def build(
        cls,
        stream: TokenStream,
        rows: np.ndarray,
        sample: np.ndarray,
        *,
        extra_terms: Iterable[str] = (),
    ) -> _TermMatrix:
        """Features are the words in at least ``MIN_DF_FRACTION`` (and two) and at most
        ``MAX_DF_FRACTION`` of the sample's documents, plus ``extra_terms`` that occur at all
        (reviewed themes' terms). Only the vocabulary and the IDF weights come from the sample;
        every row of ``rows`` is weighted with them."""
        words = stream.words
        usable = np.fromiter(
            (len(word) > 1 and not word.isdigit() and word not in STOP_WORDS for word in words),
            dtype=bool,
            count=len(words),
        )
        row_of_document = np.full(len(stream), -1, dtype=np.int64)
        row_of_document[rows] = np.arange(len(rows))
        token_row = row_of_document[stream.document_of_token()]
        keep = token_row >= 0
        if len(words):
            keep &= usable[stream.ids]
        word_ids = stream.ids[keep].astype(np.int64)
        word_rows = token_row[keep]

        in_sample = np.zeros(len(rows), dtype=bool)
        in_sample[sample] = True
        n_sample = max(len(sample), 1)
        min_df = max(2, math.ceil(MIN_DF_FRACTION * n_sample))
        max_df = max(min_df, int(MAX_DF_FRACTION * n_sample))
        frequency = _document_frequency(word_rows, word_ids, in_sample, len(words))
        eligible = np.flatnonzero((frequency >= min_df) & (frequency <= max_df))
        if len(eligible) > MAX_FEATURES:
            order = np.lexsort((eligible, -frequency[eligible]))
            eligible = eligible[order[:MAX_FEATURES]]
        selected = {words[int(word)] for word in eligible}
        selected |= {term for term in extra_terms if term in stream.index_of}
        features = sorted(selected)
        column_of = {term: column for column, term in enumerate(features)}

        column_of_word = np.full(len(words), -1, dtype=np.int64)
        for term, column in column_of.items():
            column_of_word[stream.index_of[term]] = column
        columns = column_of_word[word_ids] if len(words) else word_ids
        present = columns >= 0
        counts = sparse.csr_matrix(
            (
                np.ones(int(present.sum()), dtype=np.float64),
                (word_rows[present], columns[present]),
            ),
            shape=(len(rows), len(features)),
        )
        counts.sum_duplicates()
        if len(features) and len(rows):
            weighting = TfidfTransformer(sublinear_tf=True).fit(counts[sample])
            counts = weighting.transform(counts).tocsr()
        return cls(matrix=counts, features=features, column_of=column_of)


def _document_frequency(
    rows: np.ndarray, word_ids: np.ndarray, in_sample: np.ndarray, vocabulary_size: int
) -> np.ndarray:
    """How many sample documents contain each word."""
    mask = in_sample[rows]
    pairs = np.unique(rows[mask] * max(vocabulary_size, 1) + word_ids[mask])
    return np.bincount(pairs % max(vocabulary_size, 1), minlength=vocabulary_size)


# Finding themes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    term_weights: dict[str, float]


def _spec_from_weights(weights: dict[str, float], label: str | None = None) -> _Spec:
    top = sorted(weights, key=lambda term: (-weights[term], term))
    keywords = top[:KEYWORDS]
    key = hashlib.sha1("|".join(sorted(keywords)).encode(), usedforsecurity=False).hexdigest()
    return _Spec(key=key[:10], label=label or _label(top), term_weights=weights)


def _label(terms: Sequence[str]) -> str:
    """The top terms, skipping one whose words are all in terms already chosen."""
    chosen: list[str] = []
    covered: set[str] = set()
    for term in terms:
        words = set(term.split(" "))
        if words <= covered:
            continue
        chosen = [c for c in chosen if not set(c.split(" ")) < words]
        chosen.append(term)
        covered |= words
        if len(chosen) == LABEL_TERMS:
            break
    return ", ".join(chosen)


def _weights_from_row(row: np.ndarray, features: Sequence[str]) -> dict[str, float]:
    """A theme's top terms, weighted relative to its strongest; negligible terms left out."""
    top = np.argsort(-row, kind="stable")[:TERM_WEIGHTS]
    if not len(top) or row[top[0]] <= 0:
        return {}
    relative = row[top] / row[top[0]]
    return {
        features[int(column)]: round(float(weight), 4)
        for column, weight in zip(top, relative, strict=True)
        if weight >= MIN_TERM_WEIGHT
    }


def _discover(
    terms: _TermMatrix, sample: np.ndarray, min_themes: int, max_themes: int, seed: int
) -> list[_Spec]:
    """Themes from NMF on the sample, with the number of themes chosen by stability."""
    sample_matrix = terms.matrix[sample]
    n_documents, n_features = sample_matrix.shape
    highest = min(max_themes, n_features, n_documents // MIN_DOCUMENTS_PER_THEME)
    if highest < 1 or sample_matrix.nnz == 0:
        return []
    lowest = max(1, min(min_themes, highest))
    count = highest
    if lowest < highest:
        count = _stablest_theme_count(sample_matrix, range(lowest, highest + 1), seed)
    components = _nmf(sample_matrix, count, seed)
    specs = []
    for row in components:
        weights = _weights_from_row(row, terms.features)
        if weights:
            specs.append(_spec_from_weights(weights))
    return specs


def _nmf(matrix: sparse.csr_matrix, count: int, seed: int) -> np.ndarray:
    model = NMF(n_components=count, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
    with warnings.catch_warnings():
        # Not converging to 1e-4 within the limit still gives usable themes.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(matrix)
    return model.components_


def _stablest_theme_count(matrix: sparse.csr_matrix, counts: Iterable[int], seed: int) -> int:
    """Split-half stability (Lange et al., 2004): fit the model on two random halves of (a
    sample of) the documents, assign every document of that sample with each, and score how
    well the two assignments agree (adjusted Rand index), averaged over a few splits. Too
    many themes split a subject differently in each half; too few blend subjects differently;
    the number that both halves find alike is kept (the smaller one on a tie)."""
    rng = np.random.default_rng(seed)
    subset = matrix[rng.permutation(matrix.shape[0])[:SELECTION_SIZE]]
    n = subset.shape[0]
    splits = [rng.permutation(n) for _ in range(SELECTION_SPLITS)]
    best_count, best_score = 0, -math.inf
    for count in counts:
        scores = []
        for order in splits:
            halves = (subset[order[: n // 2]], subset[order[n // 2 :]])
            labels = [_strongest_by_component(subset, _nmf(half, count, seed)) for half in halves]
            scores.append(adjusted_rand_score(*labels))
        score = float(np.mean(scores))
        if score > best_score + 1e-9:
            best_count, best_score = count, score
    return best_count


def _strongest_by_component(matrix: sparse.csr_matrix, components: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(components, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix @ (components / norms).T).argmax(axis=1)


# Assigning responses --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Assignment:
    similarity: np.ndarray  # analysed documents × themes
    member: np.ndarray  # bool, analysed documents × themes
    strongest: np.ndarray  # theme index, or -1

    @property
    def any_theme(self) -> np.ndarray:
        return np.asarray(self.member.any(axis=1))

    def counts(self) -> np.ndarray:
        return self.member.sum(axis=0)


def _similarity(terms: _TermMatrix, weights: Sequence[dict[str, float]]) -> np.ndarray:
    """Cosine similarity of every analysed document (rows are L2-normalised) with every
    theme's term vector: documents × themes."""
    vectors = np.zeros((len(terms.features), len(weights)), dtype=np.float64)
    for index, theme_weights in enumerate(weights):
        for term, weight in theme_weights.items():
            column = terms.column_of.get(term)
            if column is not None:
                vectors[column, index] = max(float(weight), 0.0)
    norms = np.linalg.norm(vectors, axis=0)
    norms[norms == 0] = 1.0
    return np.asarray(terms.matrix @ (vectors / norms))


def _assign(similarity: np.ndarray) -> _Assignment:
    """Each document goes to its most similar theme if similar enough, and to every other
    theme at least ``SECOND_THEME_RATIO`` as similar."""
    n, count = similarity.shape
    if count == 0:
        return _Assignment(similarity, np.zeros((n, 0), dtype=bool), np.full(n, -1))
    top = similarity.max(axis=1)
    strongest = np.where(top >= MIN_SIMILARITY, similarity.argmax(axis=1), -1)
    cut = np.maximum(MIN_SIMILARITY, SECOND_THEME_RATIO * top)
    return _Assignment(similarity, similarity >= cut[:, None], strongest)


def _apply_quality_rules(
    terms: _TermMatrix, specs: list[_Spec], min_coverage: float
) -> tuple[list[_Spec], _Assignment]:
    """Drop themes too few responses raise and merge overlapping ones, re-assigning after each
    change, until neither rule applies."""
    n = terms.matrix.shape[0]
    while True:
        assignment = _assign(_similarity(terms, [spec.term_weights for spec in specs]))
        if not specs:
            return specs, assignment
        counts = assignment.counts()
        pair = _most_overlapping(specs, assignment)
        if pair is not None:
            first, second = pair
            merged = _merge_weights(
                specs[first].term_weights, specs[second].term_weights, counts[first], counts[second]
            )
            specs = [spec for i, spec in enumerate(specs) if i not in pair]
            specs.append(_spec_from_weights(merged))
            continue
        smallest = int(np.argmin(counts))
        if counts[smallest] < min_coverage * n or counts[smallest] == 0:
            specs = specs[:smallest] + specs[smallest + 1 :]
            continue
        return specs, assignment


def _most_overlapping(specs: list[_Spec], assignment: _Assignment) -> tuple[int, int] | None:
    member = assignment.member.astype(np.float64)
    shared = member.T @ member
    counts = np.diag(shared)
    best: tuple[float, int, int] | None = None
    keywords = [set(_top_terms(spec.term_weights, KEYWORDS)) for spec in specs]
    for first in range(len(specs)):
        for second in range(first + 1, len(specs)):
            smaller = min(counts[first], counts[second])
            responses = shared[first, second] / smaller if smaller else 0.0
            union = keywords[first] | keywords[second]
            words = len(keywords[first] & keywords[second]) / len(union) if union else 0.0
            overlap = max(
                responses / MERGE_RESPONSE_OVERLAP,
                words / MERGE_TERM_OVERLAP,
            )
            if overlap >= 1.0 and (best is None or overlap > best[0]):
                best = (overlap, first, second)
    return None if best is None else (best[1], best[2])


def _merge_weights(
    first: dict[str, float], second: dict[str, float], first_count: int, second_count: int
) -> dict[str, float]:
    """Two themes' term weights averaged, each weighted by how many responses raised it."""
    total = max(first_count + second_count, 1)
    combined: defaultdict[str, float] = defaultdict(float)
    for weights, count in ((first, first_count), (second, second_count)):
        for term, weight in weights.items():
            combined[term] += weight * max(count, 1) / total
    top = sorted(combined, key=lambda term: (-combined[term], term))[:TERM_WEIGHTS]
    peak = combined[top[0]] if top else 1.0
    return {
        term: round(combined[term] / peak, 4)
        for term in top
        if combined[term] / peak >= MIN_TERM_WEIGHT
    }


def _top_terms(weights: dict[str, float], how_many: int) -> list[str]:
    return sorted(weights, key=lambda term: (-weights[term], term))[:how_many]


def _reviewed_similarity(
    terms: _TermMatrix, reviewed: Sequence[ReviewedTheme]
) -> tuple[list[_Spec], np.ndarray]:
    """The themes staff kept (neither hidden nor merged into another), and each document's
    similarity to each: the best of the theme's own terms and those of every theme merged
    into it. Hidden themes, and themes merged into a hidden or missing one, count for none."""
    by_key = {theme.key: theme for theme in reviewed}
    kept = list({t.key: t for t in reviewed if not t.hidden and t.merged_into is None}.values())
    position = {theme.key: index for index, theme in enumerate(kept)}

    def destination(theme: ReviewedTheme) -> str | None:
        seen: set[str] = set()
        current: ReviewedTheme | None = theme
        while current is not None and current.merged_into is not None:
            if current.hidden or current.key in seen:
                return None
            seen.add(current.key)
            current = by_key.get(current.merged_into)
        if current is None or current.hidden:
            return None
        return current.key

    vectors: list[dict[str, float]] = []
    sources: list[list[int]] = [[] for _ in kept]
    for theme in reviewed:
        target = destination(theme)
        if target is not None and target in position:
            sources[position[target]].append(len(vectors))
            vectors.append(theme.term_weights)
    similarity = _similarity(terms, vectors)
    combined = np.zeros((similarity.shape[0], len(kept)))
    for index, columns in enumerate(sources):
        if columns:
            combined[:, index] = similarity[:, columns].max(axis=1)
    specs = [
        _Spec(key=theme.key, label=theme.label, term_weights=dict(theme.term_weights))
        for theme in kept
    ]
    return specs, combined


# Building the result --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Analysed:
    """The analysed documents, with the columns the result needs as arrays."""

    documents: Sequence[TextDocument]
    response_ids: np.ndarray
    can_quote: np.ndarray
    type_codes: np.ndarray
    types: list[str]

    @classmethod
    def of(cls, documents: Sequence[TextDocument]) -> _Analysed:
        types = sorted({document.respondent_type or "" for document in documents})
        code = {kind: index for index, kind in enumerate(types)}
        return cls(
            documents=documents,
            response_ids=np.array([d.response_id for d in documents], dtype=np.int64),
            can_quote=np.array([d.can_quote for d in documents], dtype=bool),
            type_codes=np.array([code[d.respondent_type or ""] for d in documents], dtype=np.int64),
            types=types,
        )


def _theme(spec: _Spec, index: int, assignment: _Assignment, analysed: _Analysed) -> Theme:
    members = np.flatnonzero(assignment.member[:, index])
    by_type = np.bincount(analysed.type_codes[members], minlength=len(analysed.types))
    n = max(len(analysed.documents), 1)
    return Theme(
        key=spec.key,
        label=spec.label,
        keywords=_top_terms(spec.term_weights, KEYWORDS),
        term_weights=dict(spec.term_weights),
        count=len(members),
        share=round(len(members) / n, 4),
        by_type={kind: int(c) for kind, c in zip(analysed.types, by_type, strict=True) if c},
        quotes=_quotes(index, members, assignment, analysed),
        response_ids=np.sort(analysed.response_ids[members]).tolist(),
    )


def _quotes(
    index: int, members: np.ndarray, assignment: _Assignment, analysed: _Analysed
) -> list[dict]:
    """The responses most like the theme, preferring those for which it is the strongest
    theme and that are not long, from documents that may be quoted, no two alike."""
    quotable = members[analysed.can_quote[members]]
    order = np.lexsort(
        (
            analysed.response_ids[quotable],
            -np.round(assignment.similarity[quotable, index], 6),
            assignment.strongest[quotable] != index,
        )
    )
    candidates = [int(i) for i in quotable[order[:QUOTE_CANDIDATES]]]
    # Among the most typical, short answers first: a quote is read, not skimmed.
    candidates.sort(key=lambda i: len(analysed.documents[i].text) > 2 * QUOTE_LENGTH)
    quotes: list[dict] = []
    seen: set[str] = set()
    for i in candidates:
        document = analysed.documents[i]
        signature = normalise(document.text)
        if signature in seen:
            continue
        seen.add(signature)
        quotes.append(
            {
                "response_id": document.response_id,
                "text": truncate(document.text, QUOTE_LENGTH),
                "respondent_type": document.respondent_type,
            }
        )
        if len(quotes) == QUOTES_PER_THEME:
            break
    return quotes
