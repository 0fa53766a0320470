from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from strategies import services
from strategies.models import Section, Strategy
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
Status = Strategy.Status
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


def login(client, cast, role: str) -> None:
    user = getattr(cast, role)
    if user is not None:
        client.force_login(user)


def kw(strategy, **extra):
    return {"org": strategy.organisation.slug, "slug": strategy.slug, **extra}


def publish(strategy, cast):
    for step in (
        Status.INTERNAL_REVIEW,
        Status.CONSULTATION,
        Status.REVISING,
        Status.SUBMITTED,
        Status.AGREED,
    ):
        services.strategy_transition(strategy=strategy, target=step, actor=cast.lead)
    version = services.version_create(strategy=strategy, label="Final", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    return version


READ_OUTCOME = {
    "anonymous": 404,
    "respondent": 404,
    "other_member": 404,
    "viewer": 200,
    "moderator": 404,
    "editor": 200,
    "lead": 200,
    "site_moderator": 404,
    "admin": 200,
}
# Site administrators are superusers: they may act on any organisation's strategy (support).
WRITE_OUTCOME = {**READ_OUTCOME, "viewer": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "extra", "outcomes"),
    [
        ("strategies:draft", {}, READ_OUTCOME),
        ("strategies:preview", {}, READ_OUTCOME),
        ("strategies:versions", {}, READ_OUTCOME),
        ("strategies:priorities", {}, READ_OUTCOME),
        ("strategies:alignment", {}, READ_OUTCOME),
        ("strategies:section_history", {"pk": "first"}, READ_OUTCOME),
        ("strategies:section_edit", {"pk": "first"}, WRITE_OUTCOME),
        ("strategies:section_add", {}, WRITE_OUTCOME),
        ("strategies:section_remove", {"pk": "first"}, WRITE_OUTCOME),
    ],
)
def test_draft_pages_answer_each_role_as_declared(
    client, cast, strategy, role, name, extra, outcomes
) -> None:
    if extra.get("pk") == "first":
        extra = {"pk": strategy.sections.first().pk}
    login(client, cast, role)
    response = client.get(reverse(name, kwargs=kw(strategy, **extra)))
    assert response.status_code == outcomes[role]
    if role == "anonymous":
        assert "sign in" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_strategy_is_hidden_from_the_public(client, cast, strategy, role) -> None:
    login(client, cast, role)
    response = client.get(reverse("strategies:public", kwargs=kw(strategy)))
    expected = 302 if READ_OUTCOME[role] == 200 else 404  # staff are sent on to the draft
    assert response.status_code == expected


def test_published_strategy_is_public_and_shows_the_published_version(
    client, cast, strategy
) -> None:
    section = strategy.sections.get(anchor="foreword")
    services.section_revise(
        section=section,
        title="Foreword",
        body="Published **words**",
        author=cast.editor,
        base_revision=None,
    )
    version = publish(strategy, cast)
    services.strategy_transition(strategy=strategy, target=Status.REVISING, actor=cast.lead)
    services.section_revise(
        section=section,
        title="Foreword",
        body="Secret draft",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    body = client.get(reverse("strategies:public", kwargs=kw(strategy))).content.decode()
    assert "Published <strong>words</strong>" in body
    assert "Secret draft" not in body
    assert f"{version.number}: Final" in body
    assert 'href="#foreword"' in body


def test_public_page_queries_stay_constant_as_sections_grow(
    client, cast, strategy, django_assert_max_num_queries
) -> None:
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    services.strategy_transition(strategy=strategy, target=Status.REVISING, actor=cast.lead)
    for index in range(30):
        services.section_add(strategy=strategy, title=f"Extra {index}", author=cast.editor)
    services.strategy_transition(strategy=strategy, target=Status.SUBMITTED, actor=cast.lead)
    services.strategy_transition(strategy=strategy, target=Status.AGREED, actor=cast.lead)
    version = services.version_create(strategy=strategy, label="Bigger", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "Extra 29" in response.content.decode()


def test_draft_overview_queries_stay_constant(
    client, cast, strategy, django_assert_max_num_queries
) -> None:
    client.force_login(cast.editor)
    url = reverse("strategies:draft", kwargs=kw(strategy))
    for section in strategy.sections.all()[:5]:
        services.section_revise(
            section=section, title=section.title, body="x", author=cast.editor, base_revision=None
        )
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for index in range(25):
        section = services.section_add(strategy=strategy, title=f"More {index}", author=cast.editor)
        services.section_revise(
            section=section, title=section.title, body="y", author=cast.lead, base_revision=None
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_saving_through_the_form_and_the_conflict_page(client, cast, strategy) -> None:
    section = strategy.sections.get(anchor="foreword")
    url = reverse("strategies:section_edit", kwargs=kw(strategy, pk=section.pk))
    client.force_login(cast.editor)
    assert (
        client.post(url, {"title": "Foreword", "body": "First", "base_revision": ""}).status_code
        == 302
    )
    first = Section.objects.get(pk=section.pk).latest_revision
    client.post(url, {"title": "Foreword", "body": "Second", "base_revision": first.pk})
    client.force_login(cast.lead)
    response = client.post(
        url, {"title": "Foreword", "body": "Lead's stale text", "base_revision": first.pk}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved" in body
    assert "Lead&#x27;s stale text" in body or "Lead's stale text" in body
    assert "Second" in body
    section.refresh_from_db()
    assert section.body == "Second"
    latest = section.latest_revision
    response = client.post(url, {"title": "Foreword", "body": "Merged", "base_revision": latest.pk})
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body == "Merged"
    assert section.revisions.count() == 3


def test_preview_button_renders_without_saving(client, cast, strategy) -> None:
    section = strategy.sections.get(anchor="foreword")
    client.force_login(cast.editor)
    url = reverse("strategies:section_edit", kwargs=kw(strategy, pk=section.pk))
    response = client.post(
        url,
        {
            "title": "Foreword",
            "body": "**bold** <script>x</script>",
            "base_revision": "",
            "preview": "1",
        },
    )
    body = response.content.decode()
    assert "<strong>bold</strong>" in body
    assert "<script>x</script>" not in body
    assert not section.revisions.exists()


def test_live_preview_and_autosave_endpoints(client, cast, strategy) -> None:
    section = strategy.sections.get(anchor="foreword")
    client.force_login(cast.editor)
    preview = client.post(
        reverse("strategies:markdown_preview", kwargs=kw(strategy)), {"body": "*hi*"}
    )
    assert preview.content.decode().strip() == '<p class="govuk-body"><em>hi</em></p>'
    autosave = client.post(
        reverse("strategies:section_autosave", kwargs=kw(strategy, pk=section.pk)),
        {"title": "Foreword", "body": "unsaved words", "base_revision": ""},
    )
    assert autosave.json()["saved"] is True
    page = client.get(reverse("strategies:section_edit", kwargs=kw(strategy, pk=section.pk)))
    assert "unsaved words" in page.content.decode()
    assert "We have restored text you had not saved" in page.content.decode()
    client.force_login(cast.viewer)
    denied = client.post(
        reverse("strategies:section_autosave", kwargs=kw(strategy, pk=section.pk)),
        {"title": "x", "body": "y"},
    )
    assert denied.status_code == 404


def test_restore_and_compare_through_the_pages(client, cast, strategy) -> None:
    section = strategy.sections.get(anchor="foreword")
    one = services.section_revise(
        section=section, title="Foreword", body="alpha beta", author=cast.editor, base_revision=None
    )
    services.section_revise(
        section=section, title="Foreword", body="alpha gamma", author=cast.editor, base_revision=one
    )
    client.force_login(cast.editor)
    compare = client.get(
        reverse("strategies:section_compare", kwargs=kw(strategy, pk=section.pk)) + "?from=1&to=2"
    )
    assert "[deleted: </span>beta" in compare.content.decode()
    bad = client.get(
        reverse("strategies:section_compare", kwargs=kw(strategy, pk=section.pk)) + "?from=x&to=99"
    )
    assert bad.status_code == 302
    client.post(reverse("strategies:section_restore", kwargs=kw(strategy, pk=section.pk, number=1)))
    section.refresh_from_db()
    assert section.body == "alpha beta"
    assert section.revisions.count() == 3


def test_workflow_pages_refuse_steps_the_user_cannot_take(client, cast, strategy) -> None:
    services.strategy_transition(
        strategy=strategy, target=Status.INTERNAL_REVIEW, actor=cast.editor
    )
    client.force_login(cast.editor)
    url = reverse("strategies:transition", kwargs=kw(strategy, target=Status.CONSULTATION))
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.INTERNAL_REVIEW
    client.force_login(cast.lead)
    assert client.post(url, {"note": "Board approved"}).status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.CONSULTATION
    assert strategy.events.first().note == "Board approved"


def test_publishing_through_the_page_snapshots_a_new_version(client, cast, strategy) -> None:
    for step in (
        Status.INTERNAL_REVIEW,
        Status.CONSULTATION,
        Status.REVISING,
        Status.SUBMITTED,
        Status.AGREED,
    ):
        services.strategy_transition(strategy=strategy, target=step, actor=cast.lead)
    client.force_login(cast.lead)
    url = reverse("strategies:transition", kwargs=kw(strategy, target=Status.PUBLISHED))
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": "new", "note": ""}).status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.PUBLISHED
    assert strategy.published_version.label == "Published version"


def test_version_compare_shows_what_changed_per_section(client, cast, strategy) -> None:
    section = strategy.sections.get(anchor="foreword")
    services.section_revise(
        section=section, title="Foreword", body="old words", author=cast.editor, base_revision=None
    )
    services.version_create(strategy=strategy, label="One", author=cast.editor)
    services.section_revise(
        section=section,
        title="Foreword",
        body="new words",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    services.section_add(strategy=strategy, title="Annex", author=cast.editor)
    services.version_create(strategy=strategy, label="Two", author=cast.editor)
    client.force_login(cast.viewer)
    body = client.get(
        reverse("strategies:version_compare", kwargs=kw(strategy)) + "?from=1&to=2"
    ).content.decode()
    assert "[deleted: </span>old" in body
    assert "[inserted: </span>new" in body
    assert "New section" in body


def test_alignment_names_the_gaps(client, cast, strategy) -> None:
    services.priority_save(
        strategy=strategy,
        title="Skills",
        description="",
        foundations=["people"],
        grand_challenges=[],
        place_kinds=["towns"],
    )
    client.force_login(cast.viewer)
    body = client.get(reverse("strategies:alignment", kwargs=kw(strategy))).content.decode()
    assert "No priority addresses Infrastructure." in body
    assert "No priority addresses People." not in body
    assert "No priority addresses Clean growth." in body


def test_tracker_reads_the_workflow_and_filters(
    client, cast, strategy, django_assert_max_num_queries
) -> None:
    publish(strategy, cast)
    with django_assert_max_num_queries(3):
        body = client.get(reverse("strategies:tracker")).content.decode()
    assert body.count('class="govuk-table__row"') == 38 + 1
    filtered = client.get(reverse("strategies:tracker") + "?stage=published").content.decode()
    assert "Cheshire and Warrington" in filtered
    assert "Tees Valley" not in filtered
    wave1 = client.get(reverse("strategies:tracker") + "?wave=1").content.decode()
    assert "Greater Manchester" in wave1 and "Cheshire and Warrington" not in wave1
    assert client.get(reverse("strategies:tracker") + "?wave=x&stage=<script>").status_code == 200


def test_tracker_queries_constant_as_organisations_grow(
    client, django_assert_max_num_queries
) -> None:
    for _ in range(20):
        OrganisationFactory()
    with django_assert_max_num_queries(3):
        client.get(reverse("strategies:tracker"))


def test_tracker_csv_lists_every_lep(client, cast, strategy) -> None:
    publish(strategy, cast)
    response = client.get(reverse("strategies:tracker_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 38
    cheshire = next(r for r in rows if r["organisation"] == "Cheshire and Warrington")
    assert cheshire["stage"] == "Published"
    assert cheshire["wave"] == "2"
    assert cheshire["published_url"].endswith(
        "/strategies/cheshire-and-warrington/local-industrial-strategy/"
    )
    manchester = next(r for r in rows if r["organisation"] == "Greater Manchester")
    assert manchester["stage"] == "Not started"


def test_creating_a_strategy_needs_a_writer_of_that_organisation(client, cast) -> None:
    url = reverse("strategies:create", kwargs={"org": cast.organisation.slug})
    client.force_login(cast.other_member)
    assert client.post(url, {"title": "Hostile"}).status_code == 404
    client.force_login(cast.viewer)
    assert client.post(url, {"title": "Viewer's"}).status_code == 404
    client.force_login(cast.editor)
    response = client.post(url, {"title": "Our LIS"})
    assert response.status_code == 302
    assert Strategy.objects.filter(organisation=cast.organisation, title="Our LIS").exists()
    assert not Strategy.objects.filter(title__in=["Hostile", "Viewer's"]).exists()
