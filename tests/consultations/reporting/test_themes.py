from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

from consultations.reporting import themes as theme_finder
from consultations.reporting.quality import (
    corpus_documents,
    corpus_load,
    corpus_score,
)
from consultations.reporting.text import tokenise
from consultations.reporting.themes import (
    FreeTextResult,
    ReviewedTheme,
    TextDocument,
    analyse_free_text,
    free_text_analysis,
)

CORPUS = Path(__file__).resolve().parents[2] / "data" / "themes_corpus.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return corpus_load(CORPUS)


@pytest.fixture(scope="module")
def corpus(rows) -> list[TextDocument]:
    return corpus_documents(rows)


@pytest.fixture(scope="module")
def result(corpus) -> FreeTextResult:
    return analyse_free_text(corpus)


def reviewed_from(result: FreeTextResult) -> list[ReviewedTheme]:
    return [
        ReviewedTheme(
            key=theme.key,
            label=theme.label,
            term_weights=theme.term_weights,
            hidden=False,
            merged_into=None,
        )
        for theme in result.themes
    ]


def membership(result: FreeTextResult) -> dict[str, set[int]]:
    return {theme.key: set(theme.response_ids) for theme in result.themes}


# Quality against the labelled corpus ------------------------------------------------------------


def test_labelled_corpus_topics_and_campaigns_are_recovered(rows, corpus) -> None:
    scores = corpus_score(rows, free_text_analysis(corpus))
    assert scores["nmi"] >= 0.6
    assert scores["campaign_recall"] >= 0.95
    assert scores["campaign_precision"] >= 0.9
    assert scores["topic_recall"] >= 0.6


def test_themes_have_readable_labels_keywords_and_weights(result) -> None:
    assert 2 <= len(result.themes) <= 12
    for theme in result.themes:
        assert theme.label == ", ".join(theme.label.split(", ")[:3])
        assert theme.label.split(", ")[0] == theme.keywords[0]
        assert 1 <= len(theme.keywords) <= 8
        assert len(theme.term_weights) <= 50
        assert max(theme.term_weights.values()) == 1.0
        assert theme.count == len(theme.response_ids)
        assert sum(theme.by_type.values()) == theme.count
    assert len({theme.key for theme in result.themes}) == len(result.themes)
    assert [t.count for t in result.themes] == sorted(
        (t.count for t in result.themes), reverse=True
    )


# Counting ---------------------------------------------------------------------------------------


def test_empty_answers_are_counted_not_analysed(rows, result) -> None:
    empty = [row["response_id"] for row in rows if not row["text"].strip()]
    assert result.empty_count == len(empty) > 0
    assert result.answered == len(rows) - len(empty)
    assert not set(empty) & set(result.unassigned_ids)
    assert not any(set(empty) & set(theme.response_ids) for theme in result.themes)


def test_each_campaign_counts_once_and_is_reported_with_its_size(rows, result) -> None:
    planted = {row["campaign"] for row in rows if row["campaign"]}
    assert sorted(c.size for c in result.campaigns) == sorted(
        sum(1 for row in rows if row["campaign"] == name) for name in planted
    )
    assert result.analysed == result.answered - sum(c.size - 1 for c in result.campaigns)
    in_themes = set().union(*(theme.response_ids for theme in result.themes))
    seen = in_themes | set(result.unassigned_ids)
    for campaign in result.campaigns:
        assert len(set(campaign.response_ids) & seen) == 1


def test_answers_matching_no_theme_are_counted_as_unassigned(rows, result) -> None:
    off_topic = {row["response_id"] for row in rows if row["labels"] == ["off-topic"]}
    unassigned = set(result.unassigned_ids)
    assert result.unassigned_count == len(unassigned)
    assert len(off_topic & unassigned) >= 0.8 * len(off_topic)
    in_themes = set().union(*(theme.response_ids for theme in result.themes))
    assert not in_themes & unassigned
    assert len(in_themes | unassigned) == result.analysed


def test_a_response_may_raise_two_themes(rows, result) -> None:
    counted = sum(theme.count for theme in result.themes)
    assert counted > result.analysed - result.unassigned_count


# Quality rules ----------------------------------------------------------------------------------


def test_no_theme_is_below_the_minimum_coverage(corpus) -> None:
    strict = analyse_free_text(corpus, min_coverage=0.15)
    assert strict.themes
    assert all(theme.count >= 0.15 * strict.analysed for theme in strict.themes)


def test_overlapping_themes_merge_and_rare_ones_are_dropped(corpus) -> None:
    answered = [d for d in corpus if d.text.strip()]
    stream = tokenise([d.text for d in answered])
    rows = np.arange(len(answered))
    terms = theme_finder._TermMatrix.build(stream, rows, rows)
    skills = {"skills": 1.0, "apprentices": 0.8, "employers": 0.6, "courses": 0.5, "training": 0.4}
    specs = [
        theme_finder._spec_from_weights(skills),
        theme_finder._spec_from_weights({**skills, "colleges": 0.7, "training": 0.3}),
        theme_finder._spec_from_weights({"broadband": 1.0, "fibre": 0.8, "mobile": 0.6}),
        theme_finder._spec_from_weights({"swimming": 1.0, "pool": 0.9}),
    ]
    kept, assignment = theme_finder._apply_quality_rules(terms, specs, min_coverage=0.03)
    labels = [spec.label for spec in kept]
    assert len(kept) == 2
    assert any(label.startswith("skills") for label in labels)
    assert any(label.startswith("broadband") for label in labels)
    assert assignment.member.shape == (len(answered), 2)


# Quotes -----------------------------------------------------------------------------------------


def test_quotes_come_only_from_documents_that_may_be_quoted(corpus, result) -> None:
    quotable = {d.response_id for d in corpus if d.can_quote}
    quotes = [quote for theme in result.themes for quote in theme.quotes]
    assert quotes
    assert all(quote["response_id"] in quotable for quote in quotes)
    for theme in result.themes:
        assert 2 <= len(theme.quotes) <= 3
        assert {q["response_id"] for q in theme.quotes} <= set(theme.response_ids)
        for quote in theme.quotes:
            assert len(quote["text"]) <= 301
            original = next(d.text for d in corpus if d.response_id == quote["response_id"])
            if len(" ".join(original.split())) > 300:
                assert quote["text"].endswith("…")


def test_nobody_is_quoted_without_consent(corpus) -> None:
    private = [replace(document, can_quote=False) for document in corpus]
    result = analyse_free_text(private)
    assert result.themes
    assert all(theme.quotes == [] for theme in result.themes)
    assert all(campaign.example_text == "" for campaign in result.campaigns)


# Reviewed themes --------------------------------------------------------------------------------


def test_an_unchanged_review_gives_the_same_themes(corpus, result) -> None:
    again = analyse_free_text(corpus, reviewed=reviewed_from(result))
    assert membership(again) == membership(result)
    assert again.unassigned_ids == result.unassigned_ids


def test_renamed_theme_keeps_its_responses_under_the_new_label(corpus, result) -> None:
    reviewed = reviewed_from(result)
    reviewed[0] = replace(reviewed[0], label="Skills and apprenticeships")
    again = analyse_free_text(corpus, reviewed=reviewed)
    renamed = next(theme for theme in again.themes if theme.key == reviewed[0].key)
    assert renamed.label == "Skills and apprenticeships"
    assert set(renamed.response_ids) == set(result.themes[0].response_ids)


def test_hidden_theme_is_dropped_and_its_responses_go_elsewhere_or_unassigned(
    corpus, result
) -> None:
    reviewed = reviewed_from(result)
    hidden = reviewed[1]
    reviewed[1] = replace(hidden, hidden=True)
    again = analyse_free_text(corpus, reviewed=reviewed)
    assert hidden.key not in membership(again)
    before = membership(result)
    only_hidden = before[hidden.key] - set().union(
        *(ids for key, ids in before.items() if key != hidden.key)
    )
    assert only_hidden
    newly_unassigned = set(again.unassigned_ids) - set(result.unassigned_ids)
    moved = only_hidden & set().union(*membership(again).values())
    assert only_hidden == newly_unassigned | moved
    assert again.unassigned_count > result.unassigned_count


def test_merged_theme_counts_towards_the_theme_it_was_merged_into(corpus, result) -> None:
    reviewed = reviewed_from(result)
    target, source = reviewed[0], reviewed[2]
    reviewed[2] = replace(source, merged_into=target.key)
    again = analyse_free_text(corpus, reviewed=reviewed)
    before, after = membership(result), membership(again)
    assert source.key not in after
    assert after[target.key] == before[target.key] | before[source.key]
    assert next(t for t in again.themes if t.key == target.key).label == target.label
    for key in after.keys() - {target.key}:
        assert after[key] == before[key]


def test_merging_into_a_hidden_theme_counts_for_neither(corpus, result) -> None:
    reviewed = reviewed_from(result)
    reviewed[0] = replace(reviewed[0], hidden=True)
    reviewed[1] = replace(reviewed[1], merged_into=reviewed[0].key)
    again = analyse_free_text(corpus, reviewed=reviewed)
    assert {reviewed[0].key, reviewed[1].key}.isdisjoint(membership(again))
    assert len(again.themes) == len(result.themes) - 2


# Determinism, output and edge cases -----------------------------------------------------------


def test_same_input_gives_the_same_output(corpus, result) -> None:
    assert asdict(analyse_free_text(corpus)) == asdict(result)


def test_result_is_json_serialisable(result) -> None:
    data = asdict(result)
    assert json.loads(json.dumps(data)) == data


def test_no_answers_gives_an_empty_result() -> None:
    result = analyse_free_text([])
    assert (result.themes, result.campaigns, result.answered, result.empty_count) == ([], [], 0, 0)
    blanks = [TextDocument(i, " ", "individual", True) for i in range(3)]
    assert analyse_free_text(blanks).empty_count == 3


def test_a_handful_of_answers_does_not_fail(corpus) -> None:
    few = [d for d in corpus if d.text.strip()][:4]
    result = analyse_free_text(few)
    assigned = set().union(*(t.response_ids for t in result.themes)) if result.themes else set()
    assert len(assigned | set(result.unassigned_ids)) == 4
