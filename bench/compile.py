"""Compile-engine benchmark: how long compiling N responses into the full report takes, and how
much memory it needs (SPEC §5: 100,000 responses with 3 closed and 2 free-text questions in
60 seconds or less on a 2-core machine with PostgreSQL, in 1 GB, growing linearly; the
closed-question counts within twice a raw SQL GROUP BY over the same rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lepportal_bench \\
        .venv/bin/python manage.py migrate --settings lepportal.settings.test
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lepportal_bench \\
        .venv/bin/python bench/compile.py --responses 100000 [--workers 2]

It works on whatever database DATABASE_URL names (migrated first). Untimed, it seeds its own
organisation, strategy, version and consultation with 3 closed and 2 free-text questions and N
varied responses (bulk inserts in batches, not the per-response service): profiles of every
kind, several wordings of about a dozen subjects, blank answers, and an organised campaign.
Then it compiles — in this process with no broker (the default), or with ``--workers W`` on W
real ``celery worker`` processes through the broker CELERY_BROKER_URL names (use a Redis
database nothing else uses) — and measures the wall time and the peak resident memory (the
larger of this process and its children, from getrusage). Then, warm, it times the raw SQL
GROUP BY (``aggregate.raw_groupby_seconds``) and ``aggregate.closed_questions`` in seven
alternating runs and keeps the best of each. It prints one JSON line last:
{"responses", "compile_seconds", "peak_rss_mb", "sql_groupby_seconds", "workers",
"closed_aggregation_seconds", "closed_to_groupby_ratio"}."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000
TIMED_RUNS = 7

CLOSED = [
    ("single", "Do you support the vision in our draft strategy?", ["Yes", "No", "Not sure"]),
    (
        "multiple",
        "What would help your business grow?",
        ["Skills", "Premises", "Finance", "Digital connectivity", "Exporting", "Transport"],
    ),
    ("scale", "Our five priorities are the right ones.", []),
]
FREE_TEXT = [
    "What should we change in the draft strategy?",
    "What is the one thing that would most help businesses like yours?",
]

# Subjects people raise. Each wording has slots filled from small lists of alternatives, so
# that a subject is said in hundreds of ways and two answers are rarely near-identical unless
# they come from the campaign (as with real responses).
SUBJECTS = {
    "broadband": [
        "{rural} broadband is {bad} for {who}",
        "we need full fibre {where}, {now}",
        "mobile signal and broadband {where} keep dropping, which {hurts}",
        "gigabit broadband would let {who} sell online and work from home",
    ],
    "skills": [
        "there are not enough apprenticeships in {trade} {where}",
        "colleges {where} should train young people in the {trade} skills employers need",
        "we cannot recruit {trade} staff, {now}",
        "adult retraining in {trade} skills should be funded for {who}",
    ],
    "transport": [
        "buses to the industrial estates {where} do not fit shift patterns, {now}",
        "rail links to {city} need improving, {now}",
        "congestion {where} {hurts}, {now}",
        "there is no safe cycle route {where} and {who} would use one",
    ],
    "premises": [
        "{who} cannot find affordable workshop space {where}",
        "flexible office space {where} is scarce, {now}",
        "rents on industrial units {where} have doubled, which {hurts}",
        "planning rules make it hard for {who} to extend premises {where}",
    ],
    "finance": [
        "grants for {who} are hard to find and slow to pay, {now}",
        "access to finance is the biggest barrier for {who} {where}",
        "banks will not lend to {who} without security, {now}",
        "business rates {where} are {bad} for {who}",
    ],
    "net zero": [
        "help with the cost of decarbonising {who} {now}",
        "support for solar panels and heat pumps would help {who} {where}",
        "the strategy should say more about clean growth and net zero {where}, {now}",
        "electric vehicle charging points are needed for {who} {where}",
    ],
    "exporting": [
        "exporting to Europe has become much harder for {who} and we need advice, {now}",
        "trade missions and export support would help {who} {where}",
        "help {who} find overseas customers, {now}",
    ],
    "town centres": [
        "high streets {where} need investment and more footfall, {now}",
        "empty shops {where} should become homes and workspace for {who}",
        "markets and independent shops make {city} worth visiting, {now}",
    ],
    "health": [
        "an ageing workforce at {who} needs better occupational health, {now}",
        "life sciences and the hospitals should work with {who} {where}",
        "care homes {where} cannot find staff, which {hurts}",
    ],
    "tourism": [
        "the visitor economy {where} is missing from the priorities, {now}",
        "heritage and the canals could bring more visitors to {city}, {now}",
        "hotels and attractions {where} need better marketing, {now}",
    ],
}
SLOTS = {
    "rural": ["rural", "village", "our", "local", "the", "business park"],
    "bad": [
        "far too slow",
        "painfully slow",
        "unreliable",
        "not good enough",
        "patchy at best",
        "crippling",
        "a real problem",
        "holding us back",
    ],
    "who": [
        "small firms",
        "micro businesses",
        "freelancers",
        "sole traders",
        "family businesses",
        "start-ups",
        "manufacturers",
        "independent shops",
        "farms",
        "social enterprises",
        "firms like ours",
        "young companies",
        "rural businesses",
        "employers",
    ],
    "where": [
        "in the villages",
        "on the business parks",
        "in the town centre",
        "across the county",
        "on our estate",
        "in rural areas",
        "near the motorway",
        "around the station",
        "in the north of the area",
        "along the canal",
        "in the new towns",
        "locally",
    ],
    "now": [
        "and it is getting worse",
        "especially since the pandemic",
        "as prices keep rising",
        "more than ever",
        "and nothing has changed in years",
        "which everyone knows",
        "and it is urgent",
        "in our experience",
        "as we found last winter",
        "according to our members",
        "judging by our order book",
        "as the survey last spring showed",
        "after two difficult years",
        "if we are honest",
        "before it is too late",
        "for the next decade",
    ],
    "hurts": [
        "wastes hours every week",
        "loses us customers",
        "puts applicants off",
        "makes planning impossible",
        "means we may have to move",
        "hurts recruitment",
        "drives young people away",
        "damages our reputation",
        "stops us taking on orders",
        "adds to our overheads",
        "frustrates everybody",
        "slows deliveries",
    ],
    "trade": [
        "engineering",
        "welding",
        "electrical",
        "construction",
        "digital",
        "chemistry",
        "logistics",
        "hospitality",
        "care",
        "automotive",
    ],
    "city": [
        "Manchester",
        "Liverpool",
        "Chester",
        "Crewe",
        "Warrington",
        "the airport",
        "Birmingham",
        "London",
    ],
}
OPENINGS = [
    "",
    "",
    "As an owner-manager, ",
    "Speaking for our firm, ",
    "In my view ",
    "Frankly, ",
    "From our experience, ",
    "Please note that ",
    "We think ",
    "Above all, ",
    "One thing: ",
]
PLACES = [
    "Crewe",
    "Warrington",
    "Chester",
    "Macclesfield",
    "Northwich",
    "Runcorn",
    "Ellesmere Port",
    "Congleton",
    "Nantwich",
    "Winsford",
    "Knutsford",
    "Middlewich",
]
CAMPAIGN = (
    "I support the Save Our Market campaign. The strategy must protect the historic covered "
    "market in {place} and keep rents affordable for independent traders."
)
PROFILE_MIX = [
    # (responding_as, organisation_type, respondent_type, weight)
    ("individual", "", "individual", 30),
    ("organisation", "business", "business", 45),
    ("organisation", "public-sector", "public-sector", 6),
    ("organisation", "education", "education", 5),
    ("organisation", "voluntary", "voluntary", 6),
    ("organisation", "trade-body", "trade-body", 4),
    ("organisation", "other", "other", 4),
]
SIZES = ["sole-trader", "micro", "small", "medium", "large", ""]
SIZE_WEIGHTS = [20, 35, 20, 10, 5, 10]
SECTORS = [*"ABCDEFGHIJKLMNOPQRSTU", ""]
CONSENTS = ["with-name", "anonymous", "none"]
CONSENT_WEIGHTS = [25, 60, 15]


def setup_django(settings_module: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    # DEBUG would keep every query in memory and distort the figures.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


CONTEXTS = [
    "We are a {size} {kind} in {place} and have traded for {years} years.",
    "I run a {size} {kind} near {place} with {staff} staff.",
    "Our {kind} employs {staff} people in {place}.",
    "As a {size} {kind} based in {place}, this matters to us.",
    "I have worked in {place} for {years} years.",
    "Our {kind} moved to {place} {years} years ago.",
]
KINDS = [
    "engineering firm",
    "bakery",
    "design studio",
    "haulage company",
    "law practice",
    "software company",
    "garden centre",
    "care provider",
    "chemicals manufacturer",
    "farm",
    "hotel",
    "accountancy practice",
    "bicycle shop",
    "printing business",
    "food processor",
    "charity",
    "training provider",
    "builders' merchant",
    "dental practice",
    "brewery",
]
SIZES_IN_WORDS = ["small", "family", "growing", "local", "independent", "new", "long-standing"]
CLOSINGS = [
    "",
    "",
    "Thank you for asking.",
    "Please act on this quickly.",
    "This is urgent for us.",
    "Otherwise the draft looks sensible.",
    "I hope this helps.",
    "We would be glad to help.",
    "The rest of the strategy is fine.",
    "Many of our neighbours say the same.",
]


def answer_text(rng: random.Random) -> str:
    """One to three subjects in varied words; sometimes who is writing, and a closing remark."""
    subjects = rng.sample(list(SUBJECTS), k=rng.choice([1, 2, 2, 3, 3]))
    clauses = [
        rng.choice(SUBJECTS[subject]).format(**{k: rng.choice(v) for k, v in SLOTS.items()})
        for subject in subjects
    ]
    if rng.random() < 0.5:
        clauses[0] += f" in {rng.choice(PLACES)}"
    # Most people just say what they think; some say who they are first.
    context = (
        ""
        if rng.random() < 0.7
        else rng.choice(CONTEXTS).format(
            size=rng.choice(SIZES_IN_WORDS),
            kind=rng.choice(KINDS),
            place=rng.choice(PLACES),
            years=rng.randint(1, 40),
            staff=rng.randint(1, 250),
        )
    )
    body = rng.choice(OPENINGS) + "; ".join(clauses) + "."
    parts = [context, body[0].upper() + body[1:], rng.choice(CLOSINGS)]
    if rng.random() < 0.5:
        parts[0], parts[1] = parts[1], parts[0]
    return " ".join(part for part in parts if part)


def seed(responses: int, rng: random.Random) -> Any:
    """An organisation, strategy, version and consultation, and ``responses`` submitted
    responses with answers, inserted in batches."""
    from django.utils import timezone
    from django.utils.text import slugify

    from accounts.models import Membership, Organisation, User
    from consultations import services
    from consultations.models import Answer, Question, Response
    from strategies import services as strategy_services

    token = uuid.uuid4().hex[:8]
    organisation = Organisation.objects.create(
        name=f"Bench Partnership {token}", slug=slugify(f"bench-partnership-{token}"), wave=3
    )
    lead = User.objects.create_user(
        email=f"bench-{token}@example.org", password=None, display_name="Bench Lead"
    )
    Membership.objects.create(user=lead, organisation=organisation, role=Membership.Role.LEAD)
    strategy = strategy_services.strategy_create(
        organisation=organisation, title="Local Industrial Strategy", author=lead
    )
    for section in strategy.sections.all():
        strategy_services.section_revise(
            section=section,
            title=section.title,
            body=f"Our plans for {section.title.lower()}.\n\n" + "Text of the draft. " * 80,
            author=lead,
            base_revision=None,
        )
    version = strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=lead
    )
    now = timezone.now()
    consultation = services.consultation_create(
        strategy=strategy,
        version=version,
        title=f"Benchmark consultation {token}",
        summary="Tell us what you think of our draft strategy.",
        body="",
        how_to_respond="Answer online.",
        privacy_notice="Our lawful basis is public task.",
        opens_at=now - timedelta(days=42),
        closes_at=now + timedelta(days=30),
        allow_anonymous=True,
        moderation="pre",
        author=lead,
    )
    sections = list(version.sections.order_by("position"))
    questions = []
    for index, (kind, text, options) in enumerate(CLOSED):
        questions.append(
            services.question_save(
                consultation=consultation,
                kind=kind,
                text=text,
                options=options,
                allow_other=kind == "multiple",
                section_id=sections[3 + index].pk,
            )
        )
    for index, text in enumerate(FREE_TEXT):
        questions.append(
            services.question_save(
                consultation=consultation,
                kind=Question.Kind.FREE_TEXT,
                text=text,
                hint="Up to 2,000 characters.",
                section_id=sections[8 + index].pk if index == 0 else None,
            )
        )
    single, multiple, scale, first_free, second_free = questions
    option_ids = {q.pk: list(q.options.values_list("pk", flat=True)) for q in questions}
    mix = [entry[:3] for entry in PROFILE_MIX]
    mix_weights = [entry[3] for entry in PROFILE_MIX]
    scale_weights = [25, 35, 20, 12, 8]
    started = now - timedelta(days=42)
    made = 0
    while made < responses:
        size = min(BATCH, responses - made)
        batch = []
        for n in range(made, made + size):
            responding_as, organisation_type, respondent_type = rng.choices(mix, mix_weights)[0]
            batch.append(
                Response(
                    consultation=consultation,
                    status=Response.Status.SUBMITTED,
                    reference=f"BN{token}-{n:07d}",
                    source=Response.Source.WEB,
                    responding_as=responding_as,
                    organisation_type=organisation_type,
                    organisation_name="Bench Firm Ltd" if organisation_type else "",
                    respondent_type=respondent_type,
                    size_band=rng.choices(SIZES, SIZE_WEIGHTS)[0],
                    sector=rng.choice(SECTORS),
                    location=rng.choice(PLACES),
                    consent=rng.choices(CONSENTS, CONSENT_WEIGHTS)[0],
                    submitted_at=started + timedelta(seconds=rng.randrange(42 * 24 * 3600)),
                )
            )
        created = Response.objects.bulk_create(batch)
        answers = []
        for response in created:
            rid = response.pk
            answers.append(
                Answer(
                    response_id=rid,
                    question_id=single.pk,
                    option_id=rng.choices(option_ids[single.pk], [55, 25, 20])[0],
                )
            )
            for option in rng.sample(option_ids[multiple.pk], k=rng.choice([1, 1, 2, 2, 3])):
                answers.append(Answer(response_id=rid, question_id=multiple.pk, option_id=option))
            if rng.random() < 0.04:
                answers.append(Answer(response_id=rid, question_id=multiple.pk, text="Mentoring"))
            if rng.random() < 0.95:
                answers.append(
                    Answer(
                        response_id=rid,
                        question_id=scale.pk,
                        option_id=rng.choices(option_ids[scale.pk], scale_weights)[0],
                    )
                )
            if rng.random() < 0.03:
                text = CAMPAIGN.format(place=rng.choice(PLACES))
            elif rng.random() < 0.9:
                text = answer_text(rng)
            else:
                text = ""
            if text:
                answers.append(Answer(response_id=rid, question_id=first_free.pk, text=text))
            if rng.random() < 0.7:
                answers.append(
                    Answer(response_id=rid, question_id=second_free.pk, text=answer_text(rng))
                )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        made += size
        print(f"seeded {made:,} of {responses:,} responses", file=sys.stderr, flush=True)
    return consultation, lead


WORKER_MAIN = (
    "import django, sys; django.setup(); "
    "from lepportal.celery import app; "
    "app.conf.task_always_eager = False; "
    "app.conf.task_default_queue = sys.argv[1]; "
    "app.worker_main(['worker', '--pool=solo', '--queues', sys.argv[1], "
    "'--hostname', sys.argv[2] + '@%h', '--loglevel=WARNING', '--without-gossip', "
    "'--without-mingle'])"
)


def start_workers(count: int, queue: str) -> list[subprocess.Popen[bytes]]:
    from celery import current_app

    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, queue, f"{queue}-{n}"],
            cwd=ROOT,
            env=environment,
        )
        for n in range(count)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = current_app.control.ping(timeout=1.0)
        ready = [name for reply in replies for name in reply if name.startswith(queue)]
        if len(ready) >= count:
            return workers
    stop_workers(workers)
    raise SystemExit("the workers did not start within 60 seconds")


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Real celery workers to start (needs CELERY_BROKER_URL); 0 compiles in-process.",
    )
    parser.add_argument("--settings", default="lepportal.settings.test")
    parser.add_argument("--seed", type=int, default=20190301)
    arguments = parser.parse_args()
    if arguments.workers and not os.environ.get("CELERY_BROKER_URL"):
        raise SystemExit("--workers needs CELERY_BROKER_URL (a Redis database nothing else uses)")
    setup_django(arguments.settings)

    from django.db import connection

    from consultations.models import Compilation
    from consultations.reporting import aggregate
    from consultations.reporting.compile import compilation_start
    from lepportal.celery import app

    rng = random.Random(arguments.seed)
    seeded = time.perf_counter()
    consultation, lead = seed(arguments.responses, rng)
    seed_seconds = time.perf_counter() - seeded
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    seed_rss = peak_rss_mb()

    workers: list[subprocess.Popen[bytes]] = []
    if arguments.workers:
        queue = f"lepportal-bench-{uuid.uuid4().hex[:10]}"
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        workers = start_workers(arguments.workers, queue)
    else:
        app.conf.task_always_eager = True
    try:
        began = time.perf_counter()
        compilation = compilation_start(consultation=consultation, user=lead)
        while compilation.is_active:
            time.sleep(0.2)
            compilation.refresh_from_db()
        compile_seconds = time.perf_counter() - began
    finally:
        if workers:
            stop_workers(workers)
    if compilation.status != Compilation.Status.SUCCEEDED:
        raise SystemExit(f"the compilation failed: {compilation.error}")

    # The yardstick and the counts it is compared with, measured after the compile (warm),
    # in alternation so that both see the same load on a shared machine; the best of each.
    raw_timings, timings = [], []
    for _ in range(TIMED_RUNS):
        raw_timings.append(aggregate.raw_groupby_seconds(consultation.pk))
        started = time.perf_counter()
        aggregate.closed_questions(consultation.pk)
        timings.append(time.perf_counter() - started)
    raw_seconds = min(raw_timings)
    result = compilation.result
    print(
        json.dumps(
            {
                "seed_seconds": round(seed_seconds, 1),
                "seed_peak_rss_mb": seed_rss,
                "database": connection.vendor,
                "themes": [len(entry["themes"]) for entry in result["free_text"]],
                "campaigns": [len(entry["campaigns"]) for entry in result["free_text"]],
                "compiled_version": compilation.version.number if compilation.version else None,
            }
        ),
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "responses": result["overview"]["responses"],
                "compile_seconds": round(compile_seconds, 2),
                "peak_rss_mb": peak_rss_mb(),
                "sql_groupby_seconds": round(raw_seconds, 4),
                "workers": arguments.workers,
                "closed_aggregation_seconds": round(min(timings), 4),
                "closed_to_groupby_ratio": round(min(timings) / raw_seconds, 2),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
