"""Write ``themes_corpus.jsonl``: a labelled corpus of free-text answers to "What are the
biggest challenges for businesses in our area, and what should the strategy do about them?",
shaped like what a Local Enterprise Partnership consultation receives.

It is the evidence that the theme finder works (item 7): eight known topics in varied wording,
some answers raising two topics (``labels`` lists them, the main one first), two planted
campaigns of near-identical answers (``campaign`` names them), off-topic answers and empty
ones. Text is written from sentence templates by ``random.Random(SEED)``: ``[a|b|c]`` picks one
wording, ``{town}`` and friends fill in places and numbers. Nothing here is known to the
analysis code, which sees only the text.

Run ``python tests/data/make_themes_corpus.py`` to rewrite the file (it is deterministic)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

SEED = 2024
OUTPUT = Path(__file__).resolve().parent / "themes_corpus.jsonl"
ORDINARY_COUNT = 520
OFF_TOPIC_COUNT = 24
EMPTY_COUNT = 14
SECOND_TOPIC_RATE = 0.28

TOWNS = (
    "Crewe", "Nantwich", "Macclesfield", "Congleton", "Wilmslow", "Knutsford", "Sandbach",
    "Middlewich", "Northwich", "Winsford", "Chester", "Ellesmere Port", "Neston", "Frodsham",
    "Warrington", "Birchwood", "Lymm", "Runcorn", "Widnes", "Alsager",
)  # fmt: skip
TRADES = (
    "engineering firm", "joinery", "bakery", "software company", "haulage firm", "garage",
    "printing business", "design agency", "food manufacturer", "farm shop", "café",
    "accountancy practice", "chemicals company", "care home", "builders' merchant",
    "recruitment agency", "brewery", "hotel", "plumbing business", "laboratory",
)  # fmt: skip
RESPONDENT_TYPES = (
    ("business", 0.46),
    ("individual", 0.24),
    ("public-sector", 0.07),
    ("education", 0.06),
    ("voluntary", 0.08),
    ("trade-body", 0.06),
    ("other", 0.03),
)

# Topics: problems, details and asks. Anyone may say any of them.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "skills": {
        "problems": (
            "We [cannot|can't|struggle to] find [skilled|qualified|experienced] [engineers|"
            "technicians|welders|electricians] [anywhere in the area|locally|round here].",
            "Recruiting people with the right skills is [our biggest headache|the main thing "
            "holding us back|a constant battle].",
            "There is a [serious|real|chronic] skills shortage in [manufacturing|construction|"
            "engineering|the care sector] and it is getting worse.",
            "[Young people|School leavers] [leave school|come out of college] without the "
            "[practical|technical|basic work] skills employers [need|are looking for].",
            "Half of our [workforce|skilled staff] will retire in the next [ten|fifteen] years "
            "and nobody is [coming through|being trained] to replace them.",
            "A vacancy for a [maintenance fitter|CNC machinist|qualified chef|HGV mechanic] has "
            "been open for {months} months.",
            "[The skills gap|The lack of trained people] is the single biggest [barrier|"
            "constraint] on growth [here|in {town}].",
            "The courses [on offer|available] at the colleges do not match the jobs that "
            "[actually exist|are actually here].",
            "Adults who want to retrain [have almost nowhere to go|find very few evening "
            "courses|cannot find part-time courses].",
            "We train apprentices and then [bigger firms|larger employers] poach them [as soon "
            "as|the moment] they qualify.",
        ),
        "details": (
            "The apprenticeship levy is [too rigid|far too complicated] for [a firm our size|"
            "small employers] to use.",
            "Careers advice in schools still [treats|presents] [manufacturing|engineering] as "
            "a [dead-end|dirty] job.",
            "We end up recruiting from [Manchester|Liverpool|Stoke] and paying a premium.",
            "Getting to college from {town} takes [two buses|over an hour] for our trainees.",
            "[Training|Upskilling] our own staff costs us [thousands|a fortune] every year.",
        ),
        "asks": (
            "The strategy should fund [short|practical|flexible] courses [designed|built] with "
            "employers.",
            "Let small firms share apprentices so that [one business|no single firm] carries "
            "the whole cost.",
            "We need an [employer-led|business-led] skills board with small firms on it.",
            "Put [money|funding] into retraining adults, not only school leavers.",
            "[Please make|Make] technical training and apprenticeships a [top|named] priority.",
            "Link the colleges and the university more closely to [local employers|the firms "
            "that are hiring].",
        ),
    },
    "transport": {
        "problems": (
            "HS2 [coming to Crewe|and the Crewe hub] [is|could be] a huge opportunity, but "
            "[there is little planning for|nobody is planning] how people will get to the "
            "station.",
            "Congestion on the [M6|M56|A556|A49] [costs us hours every week|is getting worse "
            "every year|makes deliveries unpredictable].",
            "Public transport between [our towns|the towns] is [poor|dreadful|patchy]: you "
            "[cannot|can't] get from {town} to {town2} without a car.",
            "[Rural bus services|Bus routes to the villages] have been cut [to the bone|"
            "again], so people without a car [cannot|can't] get to work.",
            "Our [vans|lorries|drivers] spend more time [queuing|stuck in traffic] around "
            "junction {junction} than driving.",
            "The rail [service|links] from {town} to [Manchester|Liverpool|the airport] [is|"
            "are] [slow|unreliable|overcrowded].",
            "[There is no bus|No buses run] after [7pm|8pm] on most routes, which rules out "
            "shift work.",
            "Roads around the [business parks|industrial estates] [are gridlocked|grind to a "
            "halt] at peak times.",
        ),
        "details": (
            "If HS2 is delayed again the [growth plan|regeneration plan] for Crewe falls apart.",
            "The car park at {town} station is full by half past seven.",
            "[Potholed|Crumbling] roads [damage|wreck] our vehicles.",
            "Staff on night shifts [have to|must] drive because [there is no bus|trains stop "
            "running].",
        ),
        "asks": (
            "Plan the local connections now: buses, cycle routes and [parking|park and ride] "
            "around the station.",
            "Invest in bus routes that [match|fit] the shift patterns of [big employers|local "
            "employers].",
            "[Push for|Campaign for] [a railway line|the old railway line] to reopen to "
            "passengers.",
            "Make sure HS2 brings [jobs|investment] to the surrounding towns, not just Crewe.",
            "Fix the [pinch points|bottlenecks] on the [motorway|M6] and the A roads.",
            "Improve rail and bus [connectivity|links] between the towns and the main "
            "employment sites.",
        ),
    },
    "digital": {
        "problems": (
            "Broadband in the rural parts of [the county|Cheshire] is still [shocking|"
            "appalling|painfully slow].",
            "The mobile signal [in the villages|at our site|around {town}] [drops out|"
            "disappears] completely.",
            "Full fibre has not reached our [business park|industrial estate], [five|ten] "
            "minutes from {town} town centre.",
            "We lose video calls with [clients|customers] every week because our [connection|"
            "broadband] cannot cope.",
            "Many small firms [lack|do not have] the digital skills to sell online or use "
            "cloud software [safely|properly].",
            "[Poor connectivity|Slow internet] makes card payments and online orders a lottery.",
            "We pay for a leased line that costs more than our rent because [fibre|gigabit "
            "broadband] is not available.",
            "[Cyber attacks|Online fraud] [are|is] a growing worry and nobody offers practical "
            "help.",
        ),
        "details": (
            "Working from home is impossible on a connection this slow.",
            "The [voucher schemes|broadband vouchers] are too complicated for a business with "
            "no IT person.",
            "Our download speed is under [two|three|five] megabits.",
        ),
        "asks": (
            "Make gigabit broadband for rural businesses a named priority.",
            "Offer free, hands-on digital support for [micro-businesses|small firms], not just "
            "webinars.",
            "Use public buildings to bring fibre into the villages.",
            "Work with the councils to get mobile masts [approved|built] where they are needed.",
            "Fund [digital skills|cyber security] training for [sole traders|small businesses].",
        ),
    },
    "net_zero": {
        "problems": (
            "The [ambition|plan] for a net zero industrial cluster is welcome, but small "
            "suppliers have no idea where to start.",
            "The hydrogen [plans|projects] around [Ellesmere Port|Stanlow|the Mersey] could "
            "transform the area if they happen at scale.",
            "Energy [is now|has become] our [second biggest|biggest] cost after wages.",
            "[Decarbonising|Cutting carbon from] our processes will cost millions and the "
            "payback is too long without support.",
            "Net zero is mentioned [a lot|often] but there is [little|nothing] about how "
            "[manufacturers|small firms] will pay for it.",
            "Grid connections are a [real|serious] bottleneck: we were quoted [six|seven] years "
            "for an upgrade.",
            "[Our customers|Large buyers] now ask for carbon figures on every order and we "
            "[do not know how|struggle] to provide them.",
            "Energy prices [have doubled|went through the roof] and [we cannot|nobody can] "
            "plan investment.",
        ),
        "details": (
            "Installers of heat pumps and solar panels are booked [months|half a year] ahead.",
            "We would switch to hydrogen [tomorrow|straight away] if there were a pipeline to "
            "our site.",
            "The [chemicals cluster|industrial cluster]'s emissions are among the highest in "
            "the country.",
        ),
        "asks": (
            "Set up a simple net zero advice service for small and medium firms.",
            "Back the hydrogen and carbon capture projects and make sure local firms win work "
            "in the supply chain.",
            "Help businesses share the cost of energy audits and [efficiency measures|solar "
            "panels].",
            "[Offer|Provide] grants for low carbon [equipment|heating] and energy efficiency.",
            "Press for faster grid connections so firms can [electrify|decarbonise].",
        ),
    },
    "premises": {
        "problems": (
            "There is nowhere affordable for a growing small business to move to [in|near] {town}.",
            "Business rates are [crippling|killing] [shops|small firms] with premises.",
            "We have outgrown our unit, but there are no small industrial units [free|"
            "available] [anywhere nearby|for miles].",
            "Most new commercial space is [huge|giant] warehousing, not the small units "
            "[local firms|start-ups] need.",
            "Flexible workspace for [freelancers|start-ups] is [scarce|hard to find] outside "
            "[Chester|Warrington].",
            "Our rates bill went up by [a third|forty per cent] at the last revaluation.",
            "We have been on a waiting list for a [2,000|1,500] square foot unit for over a year.",
        ),
        "details": (
            "Landlords want [five-year|ten-year] leases that no start-up can sign.",
            "[Rents|Rents and service charges] for workshop space have gone up [sharply|by a "
            "quarter].",
            "Planning permission for a [mezzanine|small extension] took [a year|eighteen months].",
        ),
        "asks": (
            "Build or convert small, flexible units on short leases.",
            "Support co-working spaces in the market towns, not just the big centres.",
            "Lobby the government to reform business rates for small firms.",
            "Use empty council buildings as [space|workshops] for start-ups.",
            "[Bring forward|Release] [employment land|sites] for small [industrial|workshop] "
            "units.",
        ),
    },
    "finance": {
        "problems": (
            "[Small businesses|Firms like ours] find it almost impossible to get finance to grow.",
            "The banks will not lend without personal guarantees secured on our homes.",
            "Cash flow is our biggest problem: [big customers|large clients] take [90|120] days "
            "or more to pay.",
            "There is very little equity [finance|investment] for early-stage firms in the "
            "North West.",
            "Grant schemes change so often that nobody knows what is [available|on offer].",
            "We had to turn down a [large|big] order because we could not pay for the "
            "materials up front.",
            "[Access to finance|Getting a loan] is the main thing stopping us [investing|"
            "buying new equipment].",
        ),
        "details": (
            "Grant forms take days to fill in and we rarely hear back.",
            "Every funding programme seems to close just as [people|firms] hear about it.",
            "Interest rates on [business loans|asset finance] have [doubled|risen sharply].",
        ),
        "asks": (
            "Create one simple place to find out about grants and loans.",
            "Set up a local investment fund for small and growing firms.",
            "Use the Growth Hub to help businesses become ready for investment.",
            "Press large firms and public bodies to pay suppliers within 30 days.",
            "[Offer|Provide] small, fast grants and loans for equipment.",
        ),
    },
    "town_centres": {
        "problems": (
            "[Our|The] town centre is full of empty shops.",
            "{town} town centre has been declining for years and the strategy [barely|hardly] "
            "mentions it.",
            "High streets need more than shops now: people want somewhere to meet, eat and work.",
            "Fewer people come into {town} since the bank and the post office closed.",
            "[Footfall|Trade] on the high street has [fallen|dropped] [by a third|sharply] "
            "since the retail park opened.",
            "[Independent shops|Market traders] in {town} are [closing|giving up] one after "
            "another.",
        ),
        "details": (
            "Parking charges drive [people|shoppers] to the retail parks out of town.",
            "Some buildings have been empty for a decade because their owners live elsewhere.",
            "Anti-social behaviour in the evenings puts [people|visitors] off.",
        ),
        "asks": (
            "Bring empty upper floors back into use as homes and workspace.",
            "Give town centres a fair share of the investment, not just the big growth sites.",
            "Support independent [shops|businesses] and markets rather than more chains.",
            "Fund events and culture that bring people back into [town|the high street].",
            "[Introduce|Offer] free short-stay parking to help the high street.",
        ),
    },
    "housing": {
        "problems": (
            "Our staff cannot afford to live [near work|anywhere near the site].",
            "House prices in places like [Wilmslow|Knutsford|Lymm] force young people to move "
            "away.",
            "We struggle to recruit because there is not enough affordable housing to rent "
            "near [our site|{town}].",
            "New [estates|housing developments] are going up without the schools, GP surgeries "
            "and roads they need.",
            "[Young people|Graduates] cannot afford to live near where the jobs are.",
            "Key workers in [health and care|the hospital|our care homes] are priced out of "
            "[the area|{town}].",
            "Rents in {town} have [risen|gone up] far faster than wages.",
        ),
        "details": (
            "A one-bedroom flat in {town} costs more than half an apprentice's wage.",
            "Two of our graduates left last year because they could not find anywhere to rent.",
            "[Waiting lists|Housing waiting lists] for social homes run to years.",
        ),
        "asks": (
            "Link new housing to where the new jobs will be.",
            "Build more affordable homes to rent near the employment sites.",
            "Make sure [roads, schools and surgeries|infrastructure] come before the new "
            "houses, not after.",
            "Work with the councils on housing for key workers.",
            "[Build|Support] starter homes for young people who work locally.",
        ),
    },
}

OPENERS = {
    "business": (
        "As a [small|family-run] {trade} in {town}, we want to make a few points.",
        "We are a {trade} employing {staff} people in {town}.",
        "I run a {trade} [just outside|in] {town}.",
        "Speaking as the owner of a {trade},",
        "",
    ),
    "individual": (
        "I live in {town}.",
        "I've lived in {town} [all my life|for twenty years].",
        "As a [parent|resident|commuter] in {town},",
        "",
    ),
    "public-sector": (
        "[Officers at|This is the response of] {town} Council[.| and we welcome the draft.]",
        "We support the [overall direction|ambition] of the draft strategy.",
        "",
    ),
    "education": (
        "As a provider of education and training to [thousands of|many] local learners, we "
        "welcome the draft.",
        "[Our college|The university] is keen to work with the partnership.",
        "",
    ),
    "voluntary": (
        "We work with [some of the most|many] disadvantaged communities in {town}.",
        "As a charity [supporting|working with] local people, we want growth that reaches "
        "everyone.",
        "",
    ),
    "trade-body": (
        "We represent over {members} member businesses across the sub-region.",
        "Our members have asked us to [make|raise] the following points.",
        "",
    ),
    "other": (
        "We are a partnership working to improve {town}.",
        "",
    ),
}
SECOND_TOPIC_LEADS = (
    "Separately, ",
    "We would also say that ",
    "Another point: ",
    "On top of that, ",
    "Also, ",
    "A second issue. ",
)
SIGN_OFFS = (
    "Thank you for the opportunity to respond.",
    "We would be happy to discuss this further.",
    "Good luck with the strategy.",
    "Thanks.",
    "We look forward to the final version.",
)
OFF_TOPIC = (
    "The potholes on [the A530|Mill Lane|our road] are a disgrace. When will they be fixed?",
    "My bin was not collected last [Tuesday|week] and nobody answers the phone.",
    "[test|testing]",
    "Please stop putting leaflets through my door.",
    "Why has my council tax gone up again?",
    "I could not find the planning application for the house next door on your website.",
    "Dog fouling in the park by the school is [terrible|a disgrace].",
    "When does the swimming pool reopen?",
    "Not sure what this is about to be honest.",
    "n/a",
    "No comment.",
    "[None|Nothing to add].",
    "The form kept logging me out.",
    "Who is paying for this consultation?",
)

# Planted campaigns: a shared body with small personal edits, as organised campaigns look.
CAMPAIGNS: tuple[dict[str, Any], ...] = (
    {
        "id": "fair-deal-for-high-streets",
        "size": 30,
        "labels": ["town_centres", "premises"],
        "openers": (
            "I am responding as a supporter of the Fair Deal for High Streets campaign.",
            "I support the Fair Deal for High Streets campaign.",
            "I am writing in support of the Fair Deal for High Streets campaign.",
        ),
        "body": (
            "Our high street in {town} is dying: {closed} shops have closed in the last two "
            "years and the ones left are struggling with business rates and parking charges. "
            "The draft strategy talks about hydrogen and HS2 but says almost nothing about "
            "town centres, where most local people shop and work. We ask the LEP to create a "
            "fund to bring empty shops back into use, to press for business rates relief for "
            "independent shops and to support free parking for the first two hours."
        ),
        "personal": (
            "",
            "",
            "",
            " My family have shopped in {town} for forty years.",
            " I run a shop there myself.",
        ),
        "closings": (
            "Please put town centres at the heart of this strategy.",
            "Please put town centres at the heart of the strategy.",
            "Please put our town centres at the heart of this strategy!",
            "Please put town centres at the heart of this strategy. Thank you.",
        ),
    },
    {
        "id": "reopen-the-line",
        "size": 12,
        "labels": ["transport"],
        "openers": ("", "As a member of the Rail Users Group,", "I back the Reopen The Line call."),
        "body": (
            "The railway through {town} closed to passengers decades ago but the track is "
            "still there and freight trains use it every day. Reopening it to passengers, with "
            "new stations, would take cars off the roads, connect people to jobs and link the "
            "town to Crewe and HS2. It should be named in the strategy as a transport priority "
            "and the LEP should fund the business case now."
        ),
        "personal": ("", "", " I would use it every day to get to work."),
        "closings": ("", "Thank you.", "Please listen to local people."),
    },
)
CLOSED_COUNTS = ("six", "seven", "eight", "nine", "ten", "11", "12", "15")

_CHOICE = re.compile(r"\[([^\[\]]*)\]")


def vary(rng: random.Random, template: str) -> str:
    """Choose one wording for every ``[a|b|c]`` in the template."""
    return _CHOICE.sub(lambda match: rng.choice(match.group(1).split("|")), template)


def fill(rng: random.Random, template: str, town: str) -> str:
    values = {
        "town": town,
        "town2": rng.choice([t for t in TOWNS if t != town]),
        "months": rng.choice(("six", "nine", "eleven", "14", "18")),
        "junction": rng.choice(("16", "17", "18", "19", "20", "21")),
        "trade": rng.choice(TRADES),
        "staff": rng.choice(("four", "12", "35", "80", "140", "600")),
        "members": rng.choice(("200", "450", "1,200", "3,000")),
        "closed": rng.choice(CLOSED_COUNTS),
    }
    return vary(rng, template).format(**values)


def lower_first(sentence: str) -> str:
    first = sentence.split(" ", 1)[0]
    if first in {"I", "I've", "HS2"} or any(c.isupper() for c in first[1:]):
        return sentence
    return sentence[0].lower() + sentence[1:]


def topic_text(rng: random.Random, topic: str, town: str, *, short: bool) -> str:
    parts = TOPICS[topic]
    sentences = [fill(rng, rng.choice(parts["problems"]), town)]
    if not short and rng.random() < 0.55:
        sentences.append(fill(rng, rng.choice(parts["details"]), town))
    if not short and rng.random() < 0.2:
        sentences.append(fill(rng, rng.choice(parts["problems"]), town))
    if rng.random() < (0.6 if short else 0.9):
        sentences.append(fill(rng, rng.choice(parts["asks"]), town))
    return " ".join(dict.fromkeys(sentences))


def respondent_type(rng: random.Random) -> str:
    kinds, weights = zip(*RESPONDENT_TYPES, strict=True)
    return rng.choices(kinds, weights=weights)[0]


def ordinary(rng: random.Random, number: int) -> dict[str, Any]:
    kind = respondent_type(rng)
    town = rng.choice(TOWNS)
    topics = list(TOPICS)
    first = topics[number % len(topics)] if number < 2 * len(topics) else rng.choice(topics)
    labels = [first]
    if rng.random() < SECOND_TOPIC_RATE:
        labels.append(rng.choice([t for t in topics if t != first]))
    opener = fill(rng, rng.choice(OPENERS[kind]), town)
    body = topic_text(rng, first, town, short=False)
    if opener.endswith(","):
        body = opener + " " + lower_first(body)
    elif opener:
        body = opener + " " + body
    paragraphs = [body]
    if len(labels) > 1:
        lead = rng.choice(SECOND_TOPIC_LEADS)
        second = topic_text(rng, labels[1], town, short=True)
        continues = lead.endswith((", ", "that "))
        paragraphs.append(lead + (lower_first(second) if continues else second))
    if rng.random() < 0.25:
        paragraphs.append(rng.choice(SIGN_OFFS))
    joiner = "\n\n" if rng.random() < 0.3 else " "
    return {"text": joiner.join(paragraphs), "labels": labels, "respondent_type": kind}


def campaign_member(rng: random.Random, campaign: dict[str, Any]) -> dict[str, Any]:
    town = rng.choice(("Crewe", "Winsford", "Northwich", "Ellesmere Port", "Macclesfield"))
    opener = rng.choice(campaign["openers"])
    text = campaign["body"].format(town=town, closed=rng.choice(CLOSED_COUNTS))
    text += rng.choice(campaign["personal"]).format(town=town)
    closing = rng.choice(campaign["closings"])
    if opener.endswith(","):
        text = opener + " " + lower_first(text)
    elif opener:
        text = opener + " " + text
    if closing:
        text += " " + closing
    # People edit the template a little: case, spacing, a dropped word.
    edit = rng.random()
    if edit < 0.15:
        text = text.lower()
    elif edit < 0.3:
        text = text.replace(". ", ".  ").replace(",", " ,")
    elif edit < 0.4:
        text = text.replace(" almost ", " ").replace("decades ago", "years ago")
    kind = "individual" if rng.random() < 0.8 else "business"
    return {"text": text, "labels": list(campaign["labels"]), "respondent_type": kind}


def corpus() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    rows = [ordinary(rng, number) for number in range(ORDINARY_COUNT)]
    for row in rows:
        row["campaign"] = None
    for campaign in CAMPAIGNS:
        for _ in range(campaign["size"]):
            row = campaign_member(rng, campaign)
            row["campaign"] = campaign["id"]
            rows.append(row)
    for _ in range(OFF_TOPIC_COUNT):
        rows.append(
            {
                "text": vary(rng, rng.choice(OFF_TOPIC)),
                "labels": ["off-topic"],
                "respondent_type": respondent_type(rng),
                "campaign": None,
            }
        )
    for _ in range(EMPTY_COUNT):
        rows.append(
            {
                "text": rng.choice(("", " ", "\n", "  \n ")),
                "labels": [],
                "respondent_type": respondent_type(rng),
                "campaign": None,
            }
        )
    rng.shuffle(rows)
    return [
        {
            "response_id": 1000 + index,
            "text": row["text"],
            "labels": row["labels"],
            "campaign": row["campaign"],
            "respondent_type": row["respondent_type"],
            "can_quote": rng.random() < 0.75,
        }
        for index, row in enumerate(rows)
    ]


def main() -> None:
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for row in corpus():
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
