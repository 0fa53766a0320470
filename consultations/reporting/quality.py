"""How well the free-text analysis recovers known topics and campaigns in a labelled corpus
(``tests/data/themes_corpus.jsonl``). Shared by ``bench/themes.py`` and the tests, so the
figures they print and assert are the same computation.

- ``nmi``: normalised mutual information between each answered response's strongest theme
  (unassigned is a label of its own; a campaign member takes its representative's theme) and
  its main labelled topic (off-topic is a label of its own).
- ``topic_recall``: for each labelled topic, the theme that best matches its responses (by F1,
  counting every topic a response raises and every theme it was assigned to) and the share of
  the topic's responses that theme holds; averaged over topics.
- ``campaign_precision`` / ``campaign_recall``: of responses put in any campaign, the share that
  were planted campaign members; of planted members, the share found."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import normalized_mutual_info_score

from .themes import FreeTextAnalysis, TextDocument, free_text_analysis

OFF_TOPIC = "off-topic"
UNASSIGNED = "(unassigned)"


def corpus_load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def corpus_documents(rows: Sequence[dict[str, Any]]) -> list[TextDocument]:
    return [
        TextDocument(
            response_id=row["response_id"],
            text=row["text"],
            respondent_type=row["respondent_type"],
            can_quote=row["can_quote"],
        )
        for row in rows
    ]


def corpus_score(rows: Sequence[dict[str, Any]], analysis: FreeTextAnalysis) -> dict[str, float]:
    result = analysis.result
    answered = [row for row in rows if row["text"].strip()]
    found = [analysis.strongest_theme.get(row["response_id"]) or UNASSIGNED for row in answered]
    truth = [row["labels"][0] if row["labels"] else OFF_TOPIC for row in answered]
    nmi = normalized_mutual_info_score(truth, found)

    campaign_of = {
        response_id: campaign.response_ids
        for campaign in result.campaigns
        for response_id in campaign.response_ids
    }
    theme_members = []
    for theme in result.themes:
        members = set(theme.response_ids)
        for response_id in theme.response_ids:
            members.update(campaign_of.get(response_id, ()))
        theme_members.append(members)
    topics = sorted({label for row in answered for label in row["labels"]} - {OFF_TOPIC})
    recalls = []
    for topic in topics:
        raised = {row["response_id"] for row in answered if topic in row["labels"]}
        best_f1, best_recall = 0.0, 0.0
        for members in theme_members:
            hits = len(raised & members)
            if not hits:
                continue
            precision, recall = hits / len(members), hits / len(raised)
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best_f1:
                best_f1, best_recall = f1, recall
        recalls.append(best_recall)

    planted = {row["response_id"] for row in rows if row.get("campaign")}
    flagged = set(campaign_of)
    caught = len(planted & flagged)
    return {
        "nmi": round(float(nmi), 4),
        "topic_recall": round(sum(recalls) / len(recalls), 4) if recalls else 0.0,
        "campaign_precision": round(caught / len(flagged), 4) if flagged else 0.0,
        "campaign_recall": round(caught / len(planted), 4) if planted else 1.0,
    }


def corpus_evaluate(path: Path, **options: Any) -> tuple[dict[str, float], FreeTextAnalysis]:
    """Analyse the corpus at ``path`` and score the analysis."""
    rows = corpus_load(path)
    analysis = free_text_analysis(corpus_documents(rows), **options)
    return corpus_score(rows, analysis), analysis
