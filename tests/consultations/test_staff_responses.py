"""Staff pages on responses: who may see them, counts, filters, search, pages and one
response."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations import selectors, services
from consultations.models import Answer, Consultation, Question, Response

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "respondent",
    "other_member",
    "viewer",
    "moderator",
    "editor",
    "lead",
    "site_moderator",
    "admin",
]
CAN_READ = {"viewer", "editor", "lead", "admin"}
# Site administrators are superusers, who hold every permission.
CAN_IMPORT = {"editor", "lead", "admin"}

ORGANISATION = {
    "responding_as": "organisation",
    "organisation_name": "Crewe Widgets Ltd",
    "organisation_type": "business",
    "size_band": "small",
    "sector": "C",
    "location": "Cheshire East",
    "consent": "with-name",
    "email": "boss@crewe.example",
}
INDIVIDUAL = {
    "responding_as": "individual",
    "respondent_name": "Jo Bloggs",
    "size_band": "sole-trader",
    "sector": "M",
    "location": "CW1",
    "consent": "anonymous",
    "email": "jo@example.com",
}


def login(client: Any, cast: Any, role: str) -> None:
    user = getattr(cast, role)
    if user is not None:
        client.force_login(user)


def option_id(question: Question, label: str) -> str:
    return str(next(o.pk for o in question.options.all() if o.label == label))


def respond(
    consultation: Consultation,
    *,
    profile: dict[str, str] | None = None,
    vision: str = "Yes",
    helps: tuple[str, ...] = (),
    other: str = "",
    scale: str = "",
    change: str = "",
    source: str = Response.Source.WEB,
    submitted_at: datetime | None = None,
) -> Response:
    """A submitted response made through the service, with answers given by label."""
    single, multiple, scale_question, free = list(
        consultation.questions.order_by("position").prefetch_related("options")
    )
    raw: dict[int, Any] = {
        single.pk: option_id(single, vision),
        multiple.pk: [option_id(multiple, label) for label in helps] + (["other"] if other else []),
        free.pk: change,
    }
    if scale:
        raw[scale_question.pk] = option_id(scale_question, scale)
    response, _ = services.response_create_complete(
        consultation=consultation,
        profile=profile or ORGANISATION,
        raw_answers=raw,
        other_answers={multiple.pk: other} if other else {},
        submission_key=uuid.uuid4(),
        source=source,
        check_open=False,
        submitted_at=submitted_at,
    )
    return response


def bulk_respond(consultation: Consultation, count: int) -> None:
    """Many submitted responses with answers, made fast (the page under test only reads)."""
    single, multiple, _scale, free = list(
        consultation.questions.order_by("position").prefetch_related("options")
    )
    start = Response.objects.count()
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            status=Response.Status.SUBMITTED,
            reference=f"BULK-{start + n:06d}",
            submitted_at=timezone.now(),
            responding_as="organisation",
            organisation_name=f"Firm {n}",
            organisation_type="business",
            respondent_type="business",
            size_band=["micro", "small", "medium"][n % 3],
            consent="with-name",
        )
        for n in range(count)
    )
    answers = []
    options = list(multiple.options.all())
    for n, response in enumerate(responses):
        answers.append(Answer(response=response, question=single, option=single.options.first()))
        answers += [Answer(response=response, question=multiple, option=o) for o in options[:2]]
        answers.append(Answer(response=response, question=free, text=f"Answer number {n}"))
    Answer.objects.bulk_create(answers)


def list_url(consultation: Consultation, **query: str) -> str:
    url = reverse("consultations:responses", kwargs={"slug": consultation.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def references(html: bytes) -> list[str]:
    return re.findall(r">(CW-\d{4}-\d{6})</a>", html.decode())


def listed(html: str) -> int:
    """How many responses the page links to."""
    return len(re.findall(r'href="/consultations/[^/]+/responses/\d+/"', html))


# Permissions ---------------------------------------------------------------------------------


def assert_refused(response: Any, role: str) -> None:
    """Nothing is shown. Anonymous visitors are offered a way to sign in (by a redirect or on
    the not-found page, whichever the portal's permission helper does)."""
    login_url = reverse("accounts:login")
    if role == "anonymous":
        assert response.status_code in {302, 404}
        if response.status_code == 302:
            assert response["Location"].startswith(login_url)
        else:
            assert login_url in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["responses", "response_detail", "responses_csv", "responses_xlsx"]
)
def test_responses_and_exports_are_for_the_organisations_staff_and_admins(
    client, cast, consultation, role, name
) -> None:
    response = respond(consultation, change="Secret thoughts")
    kwargs: dict[str, Any] = {"slug": consultation.slug}
    if name == "response_detail":
        kwargs["pk"] = response.pk
    login(client, cast, role)
    answer = client.get(reverse(f"consultations:{name}", kwargs=kwargs))
    if role in CAN_READ:
        assert answer.status_code == 200
    else:
        assert_refused(answer, role)
        assert b"Secret thoughts" not in answer.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["responses_import", "responses_import_columns", "responses_import_check"]
)
def test_import_is_for_the_organisations_writers_and_admins(
    client, cast, consultation, role, name
) -> None:
    login(client, cast, role)
    answer = client.get(reverse(f"consultations:{name}", kwargs={"slug": consultation.slug}))
    if role not in CAN_IMPORT:
        assert_refused(answer, role)
    elif name == "responses_import":
        assert answer.status_code == 200
    else:  # nothing uploaded yet: back to the first step
        assert answer.status_code == 302
        assert answer["Location"] == reverse(
            "consultations:responses_import", kwargs={"slug": consultation.slug}
        )


def test_import_refuses_a_viewers_upload(client, cast, consultation) -> None:
    client.force_login(cast.viewer)
    url = reverse("consultations:responses_import", kwargs={"slug": consultation.slug})
    answer = client.post(url, {"source_name": "Paper", "file": b""})
    assert answer.status_code == 404
    assert not Response.objects.exists()


def test_another_consultations_response_is_not_found(
    client, cast, consultation, strategy, version
) -> None:
    from tests.consultations.conftest import make_consultation

    other = make_consultation(strategy, version, cast.editor, title="Another consultation")
    response = respond(consultation)
    client.force_login(cast.editor)
    url = reverse("consultations:response_detail", kwargs={"slug": other.slug, "pk": response.pk})
    assert client.get(url).status_code == 404


# The list ------------------------------------------------------------------------------------


def test_list_shows_submitted_responses_but_never_drafts(client, cast, consultation) -> None:
    submitted = respond(consultation)
    draft = services.response_start(consultation=consultation)
    services.response_save_profile(response=draft, profile=ORGANISATION)
    client.force_login(cast.editor)
    html = client.get(list_url(consultation)).content
    assert references(html) == [submitted.reference]
    detail = reverse(
        "consultations:response_detail", kwargs={"slug": consultation.slug, "pk": draft.pk}
    )
    assert client.get(detail).status_code == 404


def test_withdrawn_responses_appear_only_when_asked_for_and_are_marked(
    client, cast, consultation
) -> None:
    kept = respond(consultation)
    withdrawn = services.response_withdraw(response=respond(consultation))
    client.force_login(cast.viewer)
    html = client.get(list_url(consultation)).content
    assert references(html) == [kept.reference]
    assert b"1 submitted response, and 1 withdrawn" in html
    html = client.get(list_url(consultation, include_withdrawn="on")).content
    assert set(references(html)) == {kept.reference, withdrawn.reference}
    row = html.decode().split(withdrawn.reference)[1].split("</th>")[0]
    assert "Withdrawn" in row
    detail = client.get(
        reverse(
            "consultations:response_detail",
            kwargs={"slug": consultation.slug, "pk": withdrawn.pk},
        )
    )
    assert b"withdrew this response" in detail.content


def test_counts_by_respondent_type_and_size_band(client, cast, consultation) -> None:
    for _ in range(3):
        respond(consultation)  # small businesses
    respond(
        consultation,
        profile={**ORGANISATION, "organisation_type": "voluntary", "size_band": "micro"},
    )
    respond(consultation, profile=INDIVIDUAL)
    services.response_withdraw(response=respond(consultation))
    client.force_login(cast.editor)
    html = client.get(list_url(consultation)).content.decode()
    by_type = html.split("By respondent type")[1].split("</table>")[0]
    by_size = html.split("By size band")[1].split("</table>")[0]

    def count(table: str, label: str) -> int:
        match = re.search(re.escape(label) + r"</th><td[^>]*>(\d+)</td>", table)
        assert match, f"{label} not in {table}"
        return int(match.group(1))

    assert count(by_type, "Businesses") == 3  # the withdrawn one is not counted
    assert count(by_type, "Civil society") == 1
    assert count(by_type, "Individuals") == 1
    assert count(by_size, "Small (10 to 49 people)") == 3
    assert count(by_size, "Micro (1 to 9 people)") == 1
    assert count(by_size, "Sole trader or freelancer") == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"respondent_type": "individual"}, {"individual"}),
        ({"organisation_type": "public-sector"}, {"council"}),
        ({"size_band": "sole-trader"}, {"individual"}),
        ({"size_band": "small"}, {"firm", "council"}),
        ({"sector": "C"}, {"firm", "council"}),
        ({"consent": "anonymous"}, {"individual"}),
        ({"source": "import"}, {"council"}),
        ({"size_band": "small", "organisation_type": "business"}, {"firm"}),
        ({"size_band": "not-a-band"}, {"firm", "council", "individual"}),  # ignored
    ],
)
def test_list_filters_by_profile_fields(client, cast, consultation, query, expected) -> None:
    made = {
        "firm": respond(consultation),
        "council": respond(
            consultation,
            profile={**ORGANISATION, "organisation_type": "public-sector"},
            source=Response.Source.IMPORT,
        ),
        "individual": respond(consultation, profile=INDIVIDUAL),
    }
    client.force_login(cast.editor)
    html = client.get(list_url(consultation, **query)).content
    assert set(references(html)) == {made[name].reference for name in expected}


def test_list_filters_by_an_answer(client, cast, consultation) -> None:
    skills = respond(consultation, helps=("Skills", "Finance"))
    respond(consultation, helps=("Premises",))
    respond(consultation, vision="No")
    multiple = consultation.questions.get(position=2)
    client.force_login(cast.editor)
    html = client.get(list_url(consultation, answer=option_id(multiple, "Skills"))).content
    assert references(html) == [skills.reference]
    assert b"1 response matches" in html


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("broadband", {"broadband"}),
        ("BROADBAND", {"broadband"}),
        ("apprenticeships", {"apprentice"}),
        ("Widgets", {"org"}),
        ("nothing-like-this", set()),
    ],
)
def test_search_finds_free_text_other_answers_and_organisation_names(
    client, cast, consultation, search, expected
) -> None:
    made = {
        "broadband": respond(
            consultation,
            profile={**ORGANISATION, "organisation_name": "Alpha Ltd"},
            helps=("Skills",),
            other="Better broadband",
        ),
        "apprentice": respond(
            consultation,
            profile={**ORGANISATION, "organisation_name": "Beta Ltd"},
            change="More apprenticeships in Crewe, please.",
        ),
        "org": respond(
            consultation, profile={**ORGANISATION, "organisation_name": "Crewe Widgets"}
        ),
    }
    client.force_login(cast.editor)
    html = client.get(list_url(consultation, q=search)).content
    assert set(references(html)) == {made[name].reference for name in expected}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgresql_search_matches_word_forms(client, cast, consultation) -> None:
    growing = respond(consultation, change="We are growing our workforce.")
    respond(consultation, change="Nothing to add.")
    client.force_login(cast.editor)
    html = client.get(list_url(consultation, q="grow")).content
    assert references(html) == [growing.reference]


def test_search_input_is_shown_escaped(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    html = client.get(list_url(consultation, q="%3Cscript%3Ealert(1)%3C/script%3E")).content
    assert b"<script>alert(1)" not in html
    assert b"&lt;script&gt;alert(1)" in html


def test_list_is_paginated_fifty_a_page_keeping_the_filters(client, cast, consultation) -> None:
    bulk_respond(consultation, 120)
    client.force_login(cast.editor)
    first = client.get(list_url(consultation, size_band="small")).content.decode()
    assert "Showing 1 to 40 of 40" in first  # every third of 120 is small
    assert 'class="govuk-pagination"' not in first
    html = client.get(list_url(consultation)).content.decode()
    assert "Showing 1 to 50 of 120" in html
    assert listed(html) == 50
    assert 'aria-current="page">1<' in html
    page_three = client.get(list_url(consultation, page="3", size_band="")).content.decode()
    assert "Showing 101 to 120 of 120" in page_three
    assert listed(page_three) == 20
    assert "page=2" in page_three and 'rel="prev"' in page_three
    filtered = client.get(list_url(consultation, sector="", page="2")).content.decode()
    assert "sector=&amp;page=1" in filtered or "page=1&amp;sector=" in filtered


def test_list_costs_the_same_queries_for_ten_or_five_hundred_responses(
    client, cast, consultation, django_assert_max_num_queries
) -> None:
    bulk_respond(consultation, 10)
    client.force_login(cast.editor)
    url = list_url(consultation, q="Answer", include_withdrawn="on")
    client.get(url)  # warm the session and permission caches alike for both runs
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    bulk_respond(consultation, 490)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "Showing 1 to 50 of 500" in html


# One response --------------------------------------------------------------------------------


def test_response_page_shows_the_profile_and_every_answer_escaped(
    client, cast, consultation
) -> None:
    response = respond(
        consultation,
        profile={**ORGANISATION, "organisation_name": "<b>Bold</b> Ltd"},
        helps=("Skills", "Digital"),
        other="<script>alert('x')</script>",
        scale="Agree",
        change="Line one\n<img src=x onerror=alert(1)>",
    )
    client.force_login(cast.viewer)
    url = reverse(
        "consultations:response_detail", kwargs={"slug": consultation.slug, "pk": response.pk}
    )
    html = client.get(url).content.decode()
    assert response.reference in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Ltd" in html
    assert "Small (10 to 49 people)" in html
    assert "C: Manufacturing" in html
    assert "Publish my response with my organisation&#x27;s name" in html
    assert "boss@crewe.example" in html
    for text in ("Do you support our vision?", "Yes", "Skills", "Digital", "Agree"):
        assert text in html
    assert "Other: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


def test_response_page_says_which_questions_were_not_answered(client, cast, consultation) -> None:
    response = respond(consultation)
    client.force_login(cast.editor)
    url = reverse(
        "consultations:response_detail", kwargs={"slug": consultation.slug, "pk": response.pk}
    )
    html = client.get(url).content.decode()
    assert html.count("Not answered") == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
def test_the_newest_first_page_reads_the_staff_list_index_backwards(cast, consultation) -> None:
    """The list's page query walks ``response_staff_list_idx`` from its newest end and stops
    after a page, instead of sorting every response of the consultation."""
    bulk_respond(consultation, 60)
    page = selectors.responses_for_staff(consultation)[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table this small the planner would rather read it all and sort: ask for the
        # plan it picks when reading and sorting every row is expensive, as at 10,000.
        cursor.execute("ANALYZE consultations_response")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using response_staff_list_idx" in plan, plan
    assert "Sort" not in plan, plan
