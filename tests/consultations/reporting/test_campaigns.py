from __future__ import annotations

import json
import random
from dataclasses import asdict

from consultations.reporting.campaigns import TextDocument, find_campaigns
from consultations.reporting.text import normalise

TEMPLATE = (
    "Our high street in {town} is dying: {count} shops have closed in the last two years and "
    "the ones left are struggling with business rates and parking charges. The draft strategy "
    "talks about hydrogen and HS2 but says almost nothing about town centres, where most local "
    "people shop and work. We ask the LEP to create a fund to bring empty shops back into use "
    "and to support free parking for the first two hours."
)
BROADBAND = (
    "Broadband in the villages is hopeless and the strategy should fix it.",
    "Our business park still has no full fibre, which costs us customers every week.",
    "Please make gigabit broadband for rural firms a named priority in the plan.",
    "Mobile signal drops out completely at our farm, so card payments fail.",
    "We pay more for a leased line than for our rent because fibre never arrived.",
    "Rural broadband vouchers are far too complicated for a one-person business.",
    "The connection at our unit is so slow that video calls with clients keep failing.",
    "Fibre to the villages would let people work from home instead of commuting.",
)


def documents(texts: list[str], *, quotable: bool = True, start: int = 1) -> list[TextDocument]:
    return [
        TextDocument(start + i, text, respondent_type="individual", can_quote=quotable)
        for i, text in enumerate(texts)
    ]


def test_identical_responses_are_one_campaign_with_its_size() -> None:
    campaign_docs = documents([TEMPLATE.format(town="Crewe", count="ten")] * 7)
    others = documents(list(BROADBAND), start=100)
    campaigns = find_campaigns(campaign_docs + others)
    assert len(campaigns) == 1
    assert campaigns[0].size == 7
    assert campaigns[0].response_ids == list(range(1, 8))


def test_near_identical_responses_with_small_edits_are_grouped() -> None:
    rng = random.Random(3)
    texts = []
    for town in ("Crewe", "Winsford", "Northwich", "Ellesmere Port", "Macclesfield", "Chester"):
        text = TEMPLATE.format(town=town, count=rng.choice(("six", "nine", "12")))
        texts.append(text)
        texts.append(text.upper().replace(",", " ,"))  # case and punctuation fold away
    texts.append("I support this campaign. " + TEMPLATE.format(town="Crewe", count="ten"))
    texts.append(
        TEMPLATE.format(town="Sandbach", count="ten").replace(" almost ", " ") + " Thanks!"
    )
    campaigns = find_campaigns(documents(texts) + documents(list(BROADBAND), start=100))
    assert [campaign.size for campaign in campaigns] == [len(texts)]


def test_answers_on_the_same_topic_are_not_a_campaign_even_sharing_a_sentence() -> None:
    ask = "Make gigabit broadband for rural businesses a named priority."
    texts = list(BROADBAND) + [f"{problem} {ask}" for problem in BROADBAND]
    assert find_campaigns(documents(texts)) == []


def test_groups_smaller_than_the_minimum_are_not_reported() -> None:
    texts = [TEMPLATE.format(town="Crewe", count="ten")] * 4
    assert find_campaigns(documents(texts)) == []
    assert [c.size for c in find_campaigns(documents(texts), min_size=3)] == [4]


def test_short_stock_answers_are_not_a_campaign() -> None:
    texts = ["No comment.", "No comment", "n/a", "N/A", "Agree.", "agree"] * 5
    assert find_campaigns(documents(texts)) == []


def test_empty_answers_are_ignored() -> None:
    texts = [TEMPLATE.format(town="Crewe", count="ten")] * 5 + ["", "   ", "\n"] * 4
    campaigns = find_campaigns(documents(texts))
    assert [c.size for c in campaigns] == [5]


def test_example_text_comes_only_from_a_member_who_may_be_quoted() -> None:
    text = TEMPLATE.format(town="Crewe", count="ten")
    hidden = documents([text] * 5, quotable=False)
    assert find_campaigns(hidden)[0].example_text == ""
    mixed = hidden + documents([text.replace("Crewe", "Nantwich")], start=50)
    campaign = find_campaigns(mixed)[0]
    assert campaign.size == 6
    assert "Nantwich" in campaign.example_text


def test_campaigns_are_json_serialisable_and_deterministic() -> None:
    texts = [TEMPLATE.format(town=t, count="ten") for t in ("Crewe", "Winsford")] * 5
    first = [asdict(c) for c in find_campaigns(documents(texts))]
    again = [asdict(c) for c in find_campaigns(documents(texts))]
    assert first == again
    assert json.loads(json.dumps(first)) == first


def test_normalise_folds_case_punctuation_and_whitespace() -> None:
    assert (
        normalise("  Save OUR high-streets!!\n\nNow,please ") == "save our high streets now please"
    )
