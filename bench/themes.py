"""How well, and how fast, the offline free-text analysis works.

    python bench/themes.py                      # quality on the labelled corpus
    python bench/themes.py --timing 10000 100000

Quality: runs ``analyse_free_text`` on ``tests/data/themes_corpus.jsonl`` (eight known topics,
two planted campaigns, off-topic and empty answers) and prints, as its last line, one JSON
object: ``nmi``, ``topic_recall``, ``campaign_precision``, ``campaign_recall`` (defined in
``consultations/reporting/quality.py``; targets NMI ≥ 0.6 and campaign recall ≥ 0.95).

Timing: for each size, a fresh Python process makes that many synthetic answers from the
corpus generator's templates (3% of them a campaign, 2% empty) and times one
``analyse_free_text`` call; it prints one JSON line per size with the seconds and the
process's peak resident memory (``resource.getrusage``), before the quality line."""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "themes_corpus.jsonl"
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def synthetic_documents(count: int, seed: int = 7) -> list:
    from consultations.reporting.themes import TextDocument
    from tests.data import make_themes_corpus as corpus

    rng = random.Random(seed)
    documents = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.03:
            row = corpus.campaign_member(rng, corpus.CAMPAIGNS[0])
        elif roll < 0.05:
            row = {"text": "", "respondent_type": "individual"}
        else:
            row = corpus.ordinary(rng, index)
        documents.append(
            TextDocument(
                response_id=index + 1,
                text=row["text"],
                respondent_type=row["respondent_type"],
                can_quote=rng.random() < 0.75,
            )
        )
    return documents


def time_one(count: int) -> dict:
    from consultations.reporting.themes import analyse_free_text

    documents = synthetic_documents(count)
    before = peak_rss_mb()
    started = time.perf_counter()
    result = analyse_free_text(documents)
    seconds = time.perf_counter() - started
    return {
        "documents": count,
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_analysis_mb": before,
        "themes": len(result.themes),
        "campaigns": len(result.campaigns),
        "largest_campaign": max((c.size for c in result.campaigns), default=0),
        "unassigned": result.unassigned_count,
    }


def quality() -> dict:
    from consultations.reporting.quality import corpus_evaluate

    started = time.perf_counter()
    scores, analysis = corpus_evaluate(CORPUS)
    result = analysis.result
    print(
        json.dumps(
            {
                "corpus_answers": result.answered,
                "analysed": result.analysed,
                "seconds": round(time.perf_counter() - started, 2),
                "themes": [f"{theme.label} ({theme.count})" for theme in result.themes],
                "campaign_sizes": [campaign.size for campaign in result.campaigns],
                "unassigned": result.unassigned_count,
            }
        )
    )
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timing", type=int, nargs="*", default=[], metavar="DOCUMENTS")
    parser.add_argument("--time-one", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.time_one:
        print(json.dumps(time_one(options.time_one)))
        return
    for count in options.timing:
        # A process per size, so that peak memory is that size's alone.
        subprocess.run([sys.executable, __file__, "--time-one", str(count)], check=True)
    print(json.dumps(quality()))


if __name__ == "__main__":
    main()
