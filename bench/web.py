"""Web benchmark: gunicorn with the production settings on PostgreSQL, loopback only.

    .venv/bin/python bench/web.py [--duration 12] [--clients 20] [--no-redis]

It measures the configuration the portal ships: gunicorn as ``gunicorn.conf.py`` configures
it (the file the Docker image and docker compose use; ``--workers``, ``--threads`` and
``--worker-class`` override it for comparisons), the production database settings
(``CONN_MAX_AGE`` as production defaults it unless ``--conn-max-age`` is given) and, as in
docker compose, Redis as the cache and the Celery broker with a Celery worker beside the web
server (Redis databases 14 and 15 at ``--redis``, emptied first; ``--no-redis`` measures the
embedded defaults instead: a cache per process and tasks run in the web process).

It recreates the database ``lepportal_webbench``, migrates it, seeds (untimed) a published
15-section strategy, an open consultation with seven questions, 10,000 submitted responses
and a staff user, starts gunicorn (``bench.settings``: production settings over plain HTTP)
and measures, at 20 concurrent clients, each for a bounded time and number of requests:

- the public page of the published strategy,
- the final submit POST of a prepared draft (a different draft every request), and the whole
  response journey (about you, every page of questions, check, submit, confirmation),
- the staff response list with 10,000 responses (signed in, first page),

beside two yardsticks measured in the same run on the same server: a bare template view in the
site's layout, and a bare view doing one INSERT. It prints one JSON object last and writes the
table under "## Web" in docs/benchmarks.md. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lepportal_webbench"
ADMIN_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
STAFF_EMAIL = "bench-lead@example.org"
STAFF_PASSWORD = secrets.token_urlsafe(16)
BENCH_DIR = ROOT / "var" / "bench"
REDIS = "redis://127.0.0.1:6379"
BROKER_DB, CACHE_DB = 14, 15  # the bench's own Redis databases, emptied at the start of a run
# docker compose gives the Celery worker a quarter of the web server's CPU weight (cpu_shares
# 256 against 1024); without containers the nearest per-process weight is nice 6 (272).
WORKER_NICE = 6
SECTION_WORDS = 900  # a realistic section of a Local Industrial Strategy: 600 to 1,500 words

# Text for the strategy and the answers ---------------------------------------------------------

PLACES = ["Crewe", "Warrington", "Chester", "Ellesmere Port", "Macclesfield", "Winsford",
          "Northwich", "Runcorn", "Widnes", "Nantwich", "Congleton", "Middlewich"]  # fmt: skip
SECTORS = ["advanced manufacturing", "chemicals", "life sciences", "energy", "logistics",
           "financial and professional services", "automotive", "digital and creative",
           "agri-tech", "the visitor economy"]  # fmt: skip
SENTENCES = [
    "Productivity in {place} has grown more slowly than the national average since 2010.",
    "Firms in {sector} told us that recruiting technicians is their biggest constraint.",
    "We will work with colleges in {place} to double the number of higher apprenticeships.",
    "Around one in five jobs in {place} depends directly or indirectly on {sector}.",
    "Investment in {sector} has been concentrated in a handful of large sites.",
    "Small businesses find it hard to reach the support on offer, which is fragmented.",
    "Our universities and science parks are a national asset that local firms under-use.",
    "Digital connectivity outside the main towns remains well below what businesses need.",
    "The cost of industrial land has risen faster than rents for offices in {place}.",
    "We will publish an annual report on progress against every indicator in this strategy.",
    "Employers in {sector} expect demand for data skills to rise sharply by 2030.",
    "Public transport links between {place} and the main employment sites are poor.",
    "Decarbonising heat and power in {sector} is both a challenge and an opportunity.",
    "We will pilot a single front door for business support, starting in {place}.",
    "Exports from {sector} have grown steadily, but few small firms export at all.",
    "Housing growth around {place} must be matched by investment in schools and roads.",
    "We heard that planning decisions for employment land take too long.",
    "Our ambition is for every young person to have a clear route into good work.",
    "Research and development spending by businesses is below the England average.",
    "We will measure success by productivity, pay and the share of residents in good jobs.",
    "The visitor economy in {place} supports many part-time and seasonal jobs.",
    "Access to finance for growing firms in {sector} is patchy outside the cities.",
    "Partners will align their budgets behind the priorities set out here.",
    "Towns such as {place} have not shared fully in the growth of the last decade.",
]
BARRIERS = ["Finding skilled staff", "Transport and congestion", "Cost of premises",
            "Access to finance", "Digital connectivity", "Energy costs"]  # fmt: skip
PRIORITY_OPTIONS = ["Net zero industrial cluster", "Skills for high-value jobs",
                    "Growth corridors around HS2 Crewe", "None of these"]  # fmt: skip


def prose(rng: random.Random, sentences: int) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(place=rng.choice(PLACES), sector=rng.choice(SECTORS))
        for _ in range(sentences)
    )


def section_text(rng: random.Random, title: str) -> str:
    """Markdown of about SECTION_WORDS words: paragraphs under subheadings, a list, a table."""
    parts = [prose(rng, 5)]
    for heading in ("Where we are now", "What we heard", "What we will do"):
        parts += [f"## {heading}", prose(rng, 6), prose(rng, 5)]
    parts.append("\n".join(f"- {prose(rng, 1)}" for _ in range(5)))
    rows = "\n".join(
        f"| {place} | {rng.randint(18, 45)}.{rng.randint(0, 9)} | {rng.randint(1, 9)}.{rng.randint(0, 9)}% |"  # noqa: E501
        for place in rng.sample(PLACES, 5)
    )
    parts.append(f"| Place | GVA per hour (£) | Growth |\n|---|---|---|\n{rows}")
    text = "\n\n".join(parts)
    while len(text.split()) < SECTION_WORDS:
        text += "\n\n" + prose(rng, 5)
    return f"{text}\n\n*{title}: last reviewed by the strategy board.*"


# Set-up: database, migrations, static files, seed ------------------------------------------------


def server_environment(
    secret_key: str, conn_max_age: int | None, redis: str | None = None
) -> dict[str, str]:
    """The environment of the server, the worker and this process. ``conn_max_age`` None
    leaves CONN_MAX_AGE to the production default; ``redis`` None means no cache server and no
    broker (the embedded defaults), else the bench's two databases on that server."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",  # production requires it; bench.settings agrees
        "CELERY_BROKER_URL": f"{redis}/{BROKER_DB}" if redis else "",
        "CACHE_URL": f"{redis}/{CACHE_DB}" if redis else "locmemcache://",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "WEB_CONCURRENCY", "WEB_THREADS"):
        environment.pop(name, None)
    if conn_max_age is not None:
        environment["CONN_MAX_AGE"] = str(conn_max_age)
    return environment


def empty_redis(redis: str) -> None:
    """Empty the bench's own Redis databases: no task or cached page from an earlier run."""
    import redis as redis_client

    for number in (BROKER_DB, CACHE_DB):
        redis_client.Redis.from_url(f"{redis}/{number}").flushdb()


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS lepportal_webbench WITH (FORCE)")
        admin.execute("CREATE DATABASE lepportal_webbench")


def manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments, "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


def seed(drafts: int) -> dict[str, Any]:
    """Everything the measurements need, made through the services (responses in bulk)."""
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import Membership, Organisation, User
    from consultations import services as consultation_services
    from consultations.answers import clean_answers
    from consultations.constants import AGREE_SCALE
    from consultations.models import Answer, Consultation, Question, Response
    from strategies import services as strategy_services
    from strategies.demo import PRIORITIES
    from strategies.evidence.services import kpi_reading_add, kpi_save
    from strategies.models import Strategy

    rng = random.Random(2019)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload text)"
        )
    organisation = Organisation.objects.get(ons_code="E37000003")
    lead = User.objects.create_user(
        email=STAFF_EMAIL, password=STAFF_PASSWORD, display_name="Bench Lead"
    )
    Membership.objects.create(user=lead, organisation=organisation, role=Membership.Role.LEAD)

    strategy = strategy_services.strategy_create(
        organisation=organisation, title="Local Industrial Strategy", author=lead
    )
    words = 0
    for section in strategy.sections.order_by("position"):
        body = section_text(rng, section.title)
        words += len(body.split())
        strategy_services.section_revise(
            section=section, title=section.title, body=body, author=lead, base_revision=None
        )
    for priority in PRIORITIES:
        strategy_services.priority_save(strategy=strategy, **priority)
    priorities = list(strategy.priorities.all())
    for number, (name, unit) in enumerate(
        [("GVA per hour worked", "£"), ("Apprenticeship starts", "starts"), ("Emissions", "Mt")]
    ):
        kpi = kpi_save(
            strategy=strategy,
            name=name,
            unit=unit,
            baseline_value=Decimal("100"),
            baseline_date=date(2017, 3, 31),
            target_value=Decimal("120"),
            target_date=date(2030, 3, 31),
            priority=priorities[number % len(priorities)],
        )
        for year in (2019, 2021, 2023):
            kpi_reading_add(
                kpi=kpi, on=date(year, 3, 31), value=Decimal(100 + year % 7), note="", author=lead
            )
    version = strategy_services.version_create(
        strategy=strategy, label="Agreed strategy", author=lead
    )
    for target in ("internal-review", "consultation", "revising", "submitted", "agreed"):
        strategy_services.strategy_transition(strategy=strategy, target=target, actor=lead)
    strategy_services.strategy_transition(
        strategy=strategy, target=Strategy.Status.PUBLISHED, actor=lead, version=version
    )

    now = timezone.now()
    consultation = consultation_services.consultation_create(
        strategy=strategy,
        version=version,
        title="Our Local Industrial Strategy: have your say",
        summary="Tell us whether we have the right priorities, and what is missing.",
        body=prose(rng, 12),
        how_to_respond="Answer online. It takes about 10 minutes.",
        privacy_notice=prose(rng, 8),
        opens_at=now - timedelta(weeks=3),
        closes_at=now + timedelta(weeks=5),
        allow_anonymous=True,
        moderation=Consultation.Moderation.PRE,
        author=lead,
    )
    sections = {s.anchor: s.pk for s in version.sections.all()}
    specs: list[dict[str, Any]] = [
        {"kind": Question.Kind.SINGLE, "text": "Which priority matters most to you?",
         "options": PRIORITY_OPTIONS, "required": True, "section_id": sections["priorities"]},
        {"kind": Question.Kind.SCALE, "text": "Our vision is the right one.", "required": True,
         "section_id": sections["executive-summary"]},
        {"kind": Question.Kind.MULTIPLE, "text": "What holds back organisations like yours?",
         "options": BARRIERS, "allow_other": True,
         "section_id": sections["business-environment"]},
        {"kind": Question.Kind.SCALE, "text": "The strategy does enough for small firms.",
         "section_id": sections["business-environment"]},
        {"kind": Question.Kind.SCALE, "text": "Our skills plans meet employers' needs.",
         "section_id": sections["people"]},
        {"kind": Question.Kind.FREE_TEXT, "text": "What is the biggest challenge you face?",
         "hint": "Up to 2,000 characters.", "max_length": 2000,
         "section_id": sections["our-place-and-economy"]},
        {"kind": Question.Kind.FREE_TEXT, "text": "What should we do for your town?",
         "hint": "Up to 1,000 characters.", "max_length": 1000, "section_id": sections["places"]},
    ]  # fmt: skip
    questions = [
        consultation_services.question_save(consultation=consultation, **spec) for spec in specs
    ]
    options = {q.pk: [o.pk for o in q.options.all()] for q in questions}
    assert len(AGREE_SCALE) == len(options[questions[1].pk])

    def raw_answers() -> dict[int, Any]:
        raw: dict[int, Any] = {}
        for question in questions:
            if question.kind == Question.Kind.FREE_TEXT:
                if rng.random() < 0.6:
                    raw[question.pk] = prose(rng, rng.randint(1, 4))
            elif question.kind == Question.Kind.MULTIPLE:
                raw[question.pk] = rng.sample(options[question.pk], rng.randint(1, 3))
            else:
                raw[question.pk] = [rng.choice(options[question.pk])]
        return raw

    def profile(number: int) -> dict[str, str]:
        organisation_response = number % 3 != 0
        return {
            "responding_as": "organisation" if organisation_response else "individual",
            "organisation_name": f"{rng.choice(PLACES)} Works {number}"
            if organisation_response
            else "",
            "organisation_type": "business" if organisation_response else "",
            "size_band": rng.choice(["micro", "small", "medium", "large", "sole-trader"]),
            "sector": rng.choice("CFGJMQ"),
            "location": rng.choice(PLACES),
            "consent": rng.choice(["with-name", "anonymous", "none"]),
            "email": f"respondent{number}@example.org" if number % 2 else "",
        }

    # 10,000 submitted responses, in bulk (the same rows response_create_complete writes).
    submitted = 10_000
    year = timezone.localtime(consultation.opens_at).year
    for batch_start in range(0, submitted, 1000):
        with transaction.atomic():
            batch = []
            for number in range(batch_start, batch_start + 1000):
                response = Response(
                    consultation=consultation,
                    status=Response.Status.SUBMITTED,
                    submitted_at=consultation.opens_at + timedelta(minutes=3 * number),
                    **profile(number),
                )
                response.respondent_type = consultation_services.respondent_type_of(
                    response.responding_as, response.organisation_type
                )
                batch.append(response)
            Response.objects.bulk_create(batch)
            rows = []
            for response in batch:
                for question_id, value in raw_answers().items():
                    if isinstance(value, list):
                        rows += [
                            Answer(response=response, question_id=question_id, option_id=o)
                            for o in value
                        ]
                    else:
                        rows.append(Answer(response=response, question_id=question_id, text=value))
            Answer.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consultations_response SET reference = %s || lpad(id::text, 6, '0') "
            "WHERE consultation_id = %s AND status = 'submitted'",
            [f"{consultation.reference_prefix}-{year}-", consultation.pk],
        )
    answer_rows = Answer.objects.filter(response__consultation=consultation).count()

    # Drafts for the submit measurement: made through the services the form pages call, each
    # remembered in its own anonymous session as the "about you" page does.
    prepared: list[tuple[str, str]] = []
    expires = now + timedelta(days=1)
    for batch_start in range(0, drafts, 500):
        sessions = []
        with transaction.atomic():
            for number in range(batch_start, min(drafts, batch_start + 500)):
                response = consultation_services.response_start(consultation=consultation)
                consultation_services.response_save_profile(
                    response=response, profile=profile(submitted + number)
                )
                answers, errors = clean_answers(questions, raw_answers())
                assert not errors, errors
                consultation_services.response_save_answers(
                    response=response, answers=answers, questions=questions
                )
                key = get_random_string(32, VALID_KEY_CHARS)
                data = SessionStore().encode(
                    {"consultation-responses": {str(consultation.pk): response.pk}}
                )
                sessions.append(Session(session_key=key, session_data=data, expire_date=expires))
                prepared.append((key, str(response.submission_key)))
            Session.objects.bulk_create(sessions)

    # What the journey posts on each page of questions (always a complete, valid form).
    from consultations.selectors_public import question_pages

    journey_pages = []
    for page in question_pages(consultation):
        data: dict[str, Any] = {}
        for question in page.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.FREE_TEXT:
                data[name] = "Faster broadband and more apprenticeships, please."
            elif question.kind == Question.Kind.MULTIPLE:
                data[name] = [str(o) for o in options[question.pk][:2]]
            else:
                data[name] = str(options[question.pk][0])
        journey_pages.append((page.number, data))

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum would soon gather
    return {
        "strategy_path": f"/strategies/{organisation.slug}/{strategy.slug}/",
        "consultation_slug": consultation.slug,
        "sections": strategy.sections.count(),
        "strategy_words": words,
        "questions": len(questions),
        "submitted_responses": submitted,
        "answer_rows": answer_rows,
        "drafts": prepared,
        "journey_pages": journey_pages,
        "seconds": round(time.monotonic() - started, 1),
    }


# The load generator: processes of threads, each thread one client with its own connection. ---


class Client:
    """One visitor: a connection to 127.0.0.1 (reopened when the server closes it, as gunicorn's
    sync workers do after every response), cookies and a CSRF secret of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.csrf = secrets.token_hex(16)
        self.cookies: dict[str, str] = {"csrftoken": self.csrf}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> tuple:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.csrf, **data}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                reply = self.connection.getresponse()
                text = reply.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        if reply.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return reply.status, reply.getheader("Location", ""), text.decode("utf-8", "replace")


def _one_thread(spec: dict[str, Any], items: list[Any], start_at: float, stop_at: float) -> list:
    """Run one client until stop_at or until its items (drafts) run out; return (start
    offset, seconds, ok) per request or per journey."""
    client = Client(spec["port"])
    client.cookies.update(spec.get("cookies", {}))
    results = []
    time.sleep(max(0.0, start_at - time.time()))
    kind = spec["kind"]
    index = 0
    while time.time() < stop_at:
        began = time.time()
        ok = True
        try:
            if kind == "get":
                status, _, _ = client.request("GET", spec["path"])
                ok = status == 200
            elif kind == "insert":
                status, _, _ = client.request("POST", spec["path"], {"payload": "x" * 200})
                ok = status == 200
            elif kind == "submit":
                if index >= len(items):
                    break
                session_key, submission_key = items[index]
                index += 1
                client.cookies["sessionid"] = session_key
                status, location, _ = client.request(
                    "POST", spec["path"], {"submission_key": submission_key, "website": ""}
                )
                ok = status == 302 and "/respond/done/" in location
            elif kind == "journey":
                ok = _journey(client, spec)
        except (OSError, http.client.HTTPException):
            ok = False
        results.append((began - start_at, time.time() - began, ok))
    if client.connection is not None:
        client.connection.close()
    return results


def _journey(client: Client, spec: dict[str, Any]) -> bool:
    """A new respondent from "about you" to the confirmation: every page fetched, then sent."""
    client.cookies = {"csrftoken": client.csrf}
    base = f"/consultations/{spec['slug']}/respond/"
    status, _, html = client.request("GET", base + "about-you/")
    started = re.search(r'name="started" value="([^"]+)"', html)
    if status != 200 or started is None:
        return False
    profile = {
        "responding_as": "organisation",
        "organisation_name": "Crewe Widgets Ltd",
        "organisation_type": "business",
        "size_band": "small",
        "sector": "C",
        "location": "CW1",
        "consent": "anonymous",
        "email": "owner@crewe.example",
        "respondent_name": "",
        "website": "",
        "started": started.group(1),
    }
    status, _, _ = client.request("POST", base + "about-you/", profile)
    if status != 302:
        return False
    for number, data in spec["pages"]:
        path = f"{base}questions/{number}/"
        if client.request("GET", path)[0] != 200 or client.request("POST", path, data)[0] != 302:
            return False
    status, _, html = client.request("GET", base + "check/")
    key = re.search(r'name="submission_key" value="([^"]+)"', html)
    if status != 200 or key is None:
        return False
    status, location, _ = client.request(
        "POST", base + "check/", {"submission_key": key.group(1), "website": ""}
    )
    if status != 302 or "/respond/done/" not in location:
        return False
    return client.request("GET", location)[0] == 200


def _client_process(args: tuple) -> list:
    spec, item_lists, start_at, stop_at = args
    with concurrent.futures.ThreadPoolExecutor(len(item_lists)) as pool:
        futures = [pool.submit(_one_thread, spec, items, start_at, stop_at) for items in item_lists]
        return [r for f in futures for r in f.result()]


def measure(
    pool: concurrent.futures.ProcessPoolExecutor,
    processes: int,
    spec: dict[str, Any],
    *,
    clients: int,
    duration: float,
    items: list[Any] | None = None,
) -> dict[str, Any]:
    """``clients`` concurrent clients for ``duration`` seconds (or until ``items`` run out)."""
    per_client = [items[i::clients] if items else [] for i in range(clients)]
    groups = [per_client[p::processes] for p in range(processes)]
    start_at = time.time() + 1.0
    stop_at = start_at + duration
    jobs = [pool.submit(_client_process, (spec, g, start_at, stop_at)) for g in groups if g]
    results = [r for job in jobs for r in job.result()]
    ended = max((offset + seconds for offset, seconds, _ in results), default=duration)
    latencies = sorted(seconds for _, seconds, ok in results if ok)
    errors = sum(1 for _, _, ok in results if not ok)

    def percentile(p: float) -> float:
        if not latencies:
            return float("nan")
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "requests": len(results),
        "errors": errors,
        "seconds": round(ended, 2),
        "per_second": round(len(latencies) / ended, 1) if ended else 0.0,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


# The server -------------------------------------------------------------------------------------


def gunicorn_settings(environment: dict[str, str], overrides: dict[str, Any]) -> dict[str, Any]:
    """Workers, threads and worker class as gunicorn will run them: gunicorn.conf.py read with
    the server's environment, then the command line's overrides."""
    import runpy

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    try:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    chosen = {name: conf.get(name) for name in ("workers", "threads", "worker_class")}
    chosen.update({k: v for k, v in overrides.items() if v is not None})
    return chosen


def start_gunicorn(
    environment: dict[str, str], port: int, overrides: dict[str, Any]
) -> subprocess.Popen[bytes]:
    """gunicorn started at the root of the project, so that it reads gunicorn.conf.py as the
    Docker image's does; ``overrides`` (workers, threads, worker_class) replace its values."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "lepportal.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        # As the Docker image: an access log line per request (here to a file).
        "--access-logfile",
        str(BENCH_DIR / "gunicorn-access.log"),
        "--error-logfile",
        str(BENCH_DIR / "gunicorn-error.log"),
    ]
    for name, value in overrides.items():
        if value is not None:
            command += [f"--{name.replace('_', '-')}", str(value)]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.25)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def start_celery_worker(
    environment: dict[str, str], nice: int = WORKER_NICE
) -> subprocess.Popen[bytes]:
    """A Celery worker as docker compose runs one (two processes, at a lower CPU weight than
    the web server's), on the same cores."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = (BENCH_DIR / "celery-worker.log").open("wb")
    return subprocess.Popen(
        (["nice", "-n", str(nice)] if nice else [])
        + [sys.executable, "-m", "celery", "-A", "lepportal", "worker", "--concurrency=2",
           "--loglevel=WARNING", "--hostname", f"webbench-{os.getpid()}@%h"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def tasks_waiting(redis: str) -> int:
    """Tasks still in the broker's default queue."""
    import redis as redis_client

    return int(redis_client.Redis.from_url(f"{redis}/{BROKER_DB}").llen("celery"))


def sign_in(port: int) -> dict[str, str]:
    """A real sign-in through the sign-in page: returns the session cookie."""
    client = Client(port)
    status, _, html = client.request("GET", "/accounts/sign-in/")
    assert status == 200, status
    status, _, html = client.request(
        "POST", "/accounts/sign-in/", {"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert status == 302, html[:2000]
    return {"sessionid": client.cookies["sessionid"]}


def query_counts(seeded: dict[str, Any]) -> dict[str, int]:
    """Queries each measured request makes (Django's test client in this process)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    counts = {}
    slug = seeded["consultation_slug"]
    staff = DjangoClient(HTTP_HOST=HOST)
    staff.force_login(User.objects.get(email=STAFF_EMAIL))
    anonymous = DjangoClient(HTTP_HOST=HOST)
    session_key, submission_key = seeded["drafts"].pop()
    anonymous.cookies["sessionid"] = session_key
    requests = {
        "bare_template": lambda: anonymous.get("/bench/bare/"),
        "bare_insert": lambda: anonymous.post("/bench/insert/", {"payload": "x"}),
        "public_strategy_page": lambda: anonymous.get(seeded["strategy_path"]),
        "submit": lambda: anonymous.post(
            f"/consultations/{slug}/respond/check/", {"submission_key": submission_key}
        ),
        "staff_response_list": lambda: staff.get(f"/consultations/{slug}/responses/"),
    }
    for name, send in requests.items():
        with CaptureQueriesContext(connection) as captured:
            status = send().status_code
        assert status in {200, 302}, (name, status)
        counts[name] = len(captured)
    # The public page renders its document and indicators on the first visit, then serves
    # them from the cache: the count above is the first visit's; the table shows a later one.
    counts["public_strategy_page_first"] = counts["public_strategy_page"]
    with CaptureQueriesContext(connection) as captured:
        assert requests["public_strategy_page"]().status_code == 200
    counts["public_strategy_page"] = len(captured)
    return counts


# The report -------------------------------------------------------------------------------------


INTRO = """## Web

`bench/web.py` serves the portal as it ships: gunicorn configured by `gunicorn.conf.py` (the
file the Docker image and docker compose use) with the production settings (`bench.settings`:
`lepportal.settings.production` over plain HTTP on 127.0.0.1) on PostgreSQL, and, as docker
compose runs it, Redis as the cache and the Celery broker with a Celery worker (two processes,
at a quarter of the web server's CPU weight, as compose's `cpu_shares` gives it) beside it. It
loads it from 20 concurrent clients (threads in four processes) on the same two cores as the
server, the worker, Redis and the database. Each row runs for 12 s or until its prepared drafts
run out, after a short warm-up of every worker; "alone" is the median with a single client (the
latency floor).
The seed, made untimed through the services: a published strategy with 15 sections of about
900 words each, three priorities and three indicators; an open consultation with seven
questions on six pages; 10,000 submitted responses (made in bulk) and a staff user who signs in
through the sign-in page. "Submit" is the final POST of check-your-answers for a prepared draft
(a different draft, in its own anonymous session, every request; half of them ask for an
e-mailed receipt, which is queued once the submission commits and rendered and handed to a
dummy mail backend by the worker); a "journey" is a new
respondent fetching and posting every page from "about you" to the confirmation. The yardsticks
run in the same server in the same run: a bare view rendering a small template in the site's
layout, and a bare view doing one `INSERT` (both through the full middleware stack, the
`INSERT` as a CSRF-checked POST like the submission)."""


def _configuration_section(report: dict[str, Any], command: str) -> str:
    results = report["results"]
    ratios = report["ratios"]
    rows = [
        ("Bare template view (yardstick)", "bare_template"),
        ("Public page of the published strategy", "public_strategy_page"),
        ("Bare one-INSERT view (yardstick)", "bare_insert"),
        ("Submit POST of a prepared draft", "submit"),
        ("Whole response journey (figures per journey)", "journey"),
        ("Staff response list, 10,000 responses, page 1", "staff_response_list"),
    ]
    machine = report["machine"]
    server = report["server"]
    lines = [
        _configuration_title(report),
        "",
        f"Measured {report['when']}: {machine['cpus']} cores, PostgreSQL "
        f"{machine['postgresql']}, Python {machine['python']}; load average "
        f"{machine['load_average_before']} before and {machine['load_average_after']} after "
        "(the run's own load included). Seed: "
        f"{report['seed']['sections']} sections, {report['seed']['strategy_words']:,} words; "
        f"{report['seed']['submitted_responses']:,} responses with "
        f"{report['seed']['answer_rows']:,} answer rows. Cache: {server['cache']}; tasks: "
        f"{server['tasks']}."
        + (
            f" Receipts still queued when the submissions stopped: "
            f"{server['tasks_waiting'].get('after_submit', 0)} (at the end: "
            f"{server['tasks_waiting'].get('at_end', 0)})."
            if server.get("redis")
            else ""
        ),
        "",
        "| what | requests | errors | per second | p50 ms | p95 ms | p99 ms | alone p50 ms "
        "| queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, key in rows:
        r = results[key]
        alone = report["alone"].get(key, {}).get("p50_ms", "")
        queries = report["queries"].get(key, "")
        lines.append(
            f"| {label} | {r['requests']:,} | {r['errors']} | {r['per_second']:,} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {alone} | {queries} |"
        )
    journey = results["journey"]
    lines += [
        "",
        f"A journey is {report['journey_requests']} requests: {journey['per_second']} journeys/s "
        f"is {journey['per_second'] * report['journey_requests']:.0f} requests/s. The public "
        f"page's queries are counted once its document and indicators are cached (the first "
        f"visit to a version makes {report['queries'].get('public_strategy_page_first', '?')}).",
        "",
        "| target | figure | met |",
        "| --- | ---: | --- |",
        f"| submission throughput ≥ 0.5 × the bare INSERT view's | "
        f"{ratios['submission_vs_insert']:.2f} × | "
        f"{'yes' if ratios['submission_met'] else '**no**'} |",
        f"| public page p95 < 100 ms at {report['clients']} clients | "
        f"{ratios['public_p95_ms']} ms | {'yes' if ratios['public_p95_met'] else '**no**'} |",
        "",
        f"Against the bare template view: public page {ratios['public_vs_template']:.2f} ×, "
        f"staff list {ratios['staff_list_vs_template']:.2f} ×, journey requests "
        f"{ratios['journey_requests_vs_template']:.2f} ×.",
        "",
        "```sh",
        command,
        "```",
    ]
    return "\n".join(lines)


def _tasks_description(*, redis: bool, worker: bool) -> str:
    if not redis:
        return "in the web process"
    if not worker:
        return "queued on Redis, no worker running (it would run on another machine)"
    return f"Celery worker (2 processes, nice {WORKER_NICE}) on Redis"


def _configuration_title(report: dict[str, Any]) -> str:
    server = report["server"]
    redis = "no Redis"
    if server["redis"]:
        redis = "Redis and worker" if server["worker"] else "Redis, no Celery worker"
    return f"### gunicorn {server['gunicorn']}, CONN_MAX_AGE={server['conn_max_age']}, {redis}"


def write_markdown(report: dict[str, Any], command: str) -> None:
    """Write this configuration's table under "## Web" in docs/benchmarks.md, keeping the
    other configurations' tables, the written analysis and every other section."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    match = re.search(r"^## Web\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    subsections: dict[str, str] = {}
    if match:
        for block in re.split(r"^(?=### )", match.group(0), flags=re.M)[1:]:
            subsections[block.split("\n", 1)[0]] = block.rstrip("\n")
    subsections[_configuration_title(report)] = _configuration_section(report, command)
    analysis = [k for k in subsections if k.startswith("### What limits")]
    ordered = sorted(k for k in subsections if k not in analysis) + analysis
    section = "\n\n".join([INTRO, *(subsections[k] for k in ordered)]) + "\n"
    if match:
        rest = text[match.end() :].lstrip("\n")
        text = text[: match.start()] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="gunicorn worker class (gunicorn.conf.py)")
    parser.add_argument("--conn-max-age", type=int, help="CONN_MAX_AGE (production's default)")
    parser.add_argument("--redis", default=REDIS, help=f"Redis server (default {REDIS})")
    parser.add_argument("--no-redis", action="store_true", help="no Redis: the embedded defaults")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="queue tasks but start no Celery worker (as with the worker on another machine)",
    )
    parser.add_argument("--drafts", type=int, default=4000, help="prepared drafts to submit")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    options = parser.parse_args()
    command = ".venv/bin/python bench/web.py" + "".join(
        f" --{name.replace('_', '-')}" + ("" if value is True else f" {value}")
        for name, value in (
            ("workers", options.workers),
            ("threads", options.threads),
            ("worker_class", options.worker_class),
            ("conn_max_age", options.conn_max_age),
            ("redis", options.redis),
            ("no_redis", options.no_redis),
            ("no_worker", options.no_worker),
        )
        if value != parser.get_default(name)
    )
    redis = None if options.no_redis else options.redis.rstrip("/")
    overrides = {
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": options.worker_class,
    }

    secret_key = secrets.token_urlsafe(64)
    environment = server_environment(secret_key, options.conn_max_age, redis)
    gunicorn = gunicorn_settings(environment, overrides)
    if redis:
        empty_redis(redis)
    # This process seeds the database with the same settings as the server.
    os.environ.clear()
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))

    print("== recreating lepportal_webbench, migrating, collecting static files", file=sys.stderr)
    recreate_database()
    manage(environment, "migrate", "--noinput")
    manage(environment, "collectstatic", "--noinput", "--clear")

    import django

    django.setup()
    from django.db import connection

    print("== seeding (not timed)", file=sys.stderr)
    seeded = seed(options.drafts)
    print(f"   seeded in {seeded['seconds']} s", file=sys.stderr)
    queries = query_counts(seeded)
    postgresql = connection.cursor().connection.info.parameter_status("server_version")
    conn_max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()

    worker = start_celery_worker(environment) if redis and not options.no_worker else None
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server = start_gunicorn(environment, options.port, overrides)
    context = multiprocessing.get_context("spawn")
    processes = min(4, options.clients)
    results: dict[str, Any] = {}
    alone: dict[str, Any] = {}
    queue: dict[str, int] = {}
    try:
        staff_cookies = sign_in(options.port)
        slug = seeded["consultation_slug"]
        port = options.port
        specs = {
            "bare_template": {"kind": "get", "path": "/bench/bare/"},
            "public_strategy_page": {"kind": "get", "path": seeded["strategy_path"]},
            "bare_insert": {"kind": "insert", "path": "/bench/insert/"},
            "submit": {"kind": "submit", "path": f"/consultations/{slug}/respond/check/"},
            "journey": {"kind": "journey", "slug": slug, "pages": seeded["journey_pages"]},
            "staff_response_list": {
                "kind": "get",
                "path": f"/consultations/{slug}/responses/",
                "cookies": staff_cookies,
            },
        }
        drafts = seeded["drafts"]
        warm_drafts, drafts = drafts[:200], drafts[200:]
        with concurrent.futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
            print("== warming up every worker on every view", file=sys.stderr)
            for name, spec in specs.items():
                measure(
                    pool,
                    processes,
                    {**spec, "port": port},
                    clients=options.clients,
                    duration=1.5,
                    items=warm_drafts if name == "submit" else None,
                )
            for name, spec in specs.items():
                print(f"== measuring {name}", file=sys.stderr)
                alone[name] = measure(
                    pool,
                    processes,
                    {**spec, "port": port},
                    clients=1,
                    duration=3.0,
                    items=drafts[:400] if name == "submit" else None,
                )
                if name == "submit":
                    drafts = drafts[alone[name]["requests"] :]
                results[name] = measure(
                    pool,
                    processes,
                    {**spec, "port": port},
                    clients=options.clients,
                    duration=options.duration,
                    items=drafts if name == "submit" else None,
                )
                print(f"   {json.dumps(results[name])}", file=sys.stderr)
                if name == "submit" and redis:
                    # Receipts the worker had not yet sent when the submissions stopped.
                    queue["after_submit"] = tasks_waiting(redis)
        if redis:
            queue["at_end"] = tasks_waiting(redis)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)

    journey_requests = 2 + 2 * len(seeded["journey_pages"]) + 3
    template_rps = results["bare_template"]["per_second"] or float("nan")
    ratios = {
        "submission_vs_insert": round(
            results["submit"]["per_second"] / results["bare_insert"]["per_second"], 3
        ),
        "submission_target": 0.5,
        "public_p95_ms": results["public_strategy_page"]["p95_ms"],
        "public_p95_target_ms": 100,
        "public_vs_template": round(
            results["public_strategy_page"]["per_second"] / template_rps, 3
        ),
        "staff_list_vs_template": round(
            results["staff_response_list"]["per_second"] / template_rps, 3
        ),
        "journey_requests_vs_template": round(
            results["journey"]["per_second"] * journey_requests / template_rps, 3
        ),
    }
    ratios["submission_met"] = ratios["submission_vs_insert"] >= 0.5
    ratios["public_p95_met"] = ratios["public_p95_ms"] < 100
    report = {
        "bench": "web",
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "postgresql": postgresql,
            # Other work on the machine competes for its cores: the load average around the run.
            "load_average_before": " ".join(load_before),
            "load_average_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        },
        "server": {
            "gunicorn": f"{gunicorn['workers']} {gunicorn['worker_class']} workers"
            + (
                f" x {gunicorn['threads']} threads" if gunicorn["worker_class"] == "gthread" else ""
            ),
            "gunicorn_conf": "gunicorn.conf.py" if not any(overrides.values()) else "overridden",
            "settings": "bench.settings (lepportal.settings.production over plain HTTP)",
            "conn_max_age": conn_max_age,
            "redis": bool(redis),
            "cache": "Redis" if redis else "per process (locmem)",
            "worker": worker is not None,
            "tasks": _tasks_description(redis=bool(redis), worker=worker is not None),
            "tasks_waiting": queue,
        },
        "clients": options.clients,
        "duration_s": options.duration,
        "seed": {k: v for k, v in seeded.items() if k not in {"drafts", "journey_pages"}},
        "journey_pages": [number for number, _ in seeded["journey_pages"]],
        "journey_requests": journey_requests,
        "queries": queries,
        "alone": alone,
        "results": results,
        "ratios": ratios,
        "command": command,
    }
    if not options.no_docs:
        write_markdown(report, command)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
