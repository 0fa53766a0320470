"""Strategies, sections, versions, comparisons, KPIs, the tracker and evidence through the API:
published material is public, drafts are their organisation's staff's, and everyone else gets
a 404 (not a 403) for what they may not see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils.http import http_date

from strategies import services as strategy_services
from strategies.evidence import services as evidence_services
from strategies.models import Strategy
from tests.api.conftest import ROLES, STAFF, assert_error

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_strategy_list_shows_published_to_all_and_drafts_to_staff_only(
    role, client_for, published, draft
):
    response = client_for(role).get("/api/v1/strategies/")
    assert response.status_code == 200
    expected = {published.pk} | ({draft.pk} if role in STAFF else set())
    assert ids(response) == expected


@pytest.mark.parametrize("role", ROLES)
def test_draft_detail_is_404_not_403_for_everyone_but_staff(role, client_for, draft):
    response = client_for(role).get(f"/api/v1/strategies/{draft.pk}/")
    if role in STAFF:
        assert response.status_code == 200
        assert response.json()["title"] == "Draft growth plan"
        assert response.json()["public_url"] is None
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("role", ROLES)
def test_published_detail_is_public(role, client_for, published):
    response = client_for(role).get(f"/api/v1/strategies/{published.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published"
    assert body["published_version"]["number"] == 1
    assert body["public_url"] == published.get_absolute_url()


def test_published_detail_answers_a_conditional_get_with_304(client_for, published):
    client = client_for("anonymous")
    first = client.get(f"/api/v1/strategies/{published.pk}/")
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"')

    again = client.get(f"/api/v1/strategies/{published.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    since = client.get(f"/api/v1/strategies/{published.pk}/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304

    other = client.get(f"/api/v1/strategies/{published.pk}/", HTTP_IF_NONE_MATCH='"stale"')
    assert other.status_code == 200


def test_a_workflow_step_changes_the_etag(client_for, published, cast):
    client = client_for("anonymous")
    etag = client.get(f"/api/v1/strategies/{published.pk}/")["ETag"]
    strategy_services.strategy_transition(
        strategy=published, target=Strategy.Status.ARCHIVED, actor=cast.lead
    )
    response = client.get(f"/api/v1/strategies/{published.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert response["ETag"] != etag


def test_a_304_is_never_given_for_a_draft(client_for, draft):
    response = client_for("editor").get(
        f"/api/v1/strategies/{draft.pk}/", HTTP_IF_MODIFIED_SINCE=http_date(4_000_000_000)
    )
    assert response.status_code == 200
    assert "ETag" not in response


def test_public_sees_the_published_version_sections_and_staff_the_live_ones(
    client_for, published, cast
):
    section = published.sections.order_by("position").first()
    strategy_services.section_revise(
        section=section,
        title=section.title,
        body="Unpublished new wording.",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    public = client_for("anonymous").get(f"/api/v1/strategies/{published.pk}/sections/").json()
    staff = client_for("viewer").get(f"/api/v1/strategies/{published.pk}/sections/").json()
    assert public["results"][0]["source"] == "published"
    assert public["results"][0]["version"] == 1
    assert "Unpublished" not in public["results"][0]["body"]
    assert staff["results"][0]["source"] == "live"
    assert staff["results"][0]["body"] == "Unpublished new wording."
    assert ">Unpublished new wording.</p>" in staff["results"][0]["html"]


@pytest.mark.parametrize("role", ROLES)
def test_draft_sections_are_hidden_from_everyone_but_staff(role, client_for, draft):
    response = client_for(role).get(f"/api/v1/strategies/{draft.pk}/sections/")
    if role in STAFF:
        assert response.status_code == 200
        assert response.json()["results"][0]["body"] == "A secret first draft."
    else:
        assert_error(response, 404)


@pytest.mark.parametrize("role", ROLES)
def test_versions_all_for_staff_and_only_the_published_one_for_others(
    role, client_for, published, cast
):
    strategy_services.version_create(
        strategy=published, label="Work in progress", author=cast.editor
    )
    client = client_for(role)
    numbers = [
        v["number"]
        for v in client.get(f"/api/v1/strategies/{published.pk}/versions/").json()["results"]
    ]
    draft_version = client.get(f"/api/v1/strategies/{published.pk}/versions/2/")
    published_version = client.get(f"/api/v1/strategies/{published.pk}/versions/1/")
    assert published_version.status_code == 200
    assert published_version.json()["is_published"] is True
    if role in STAFF:
        assert numbers == [2, 1]
        assert draft_version.status_code == 200
        assert draft_version.json()["label"] == "Work in progress"
    else:
        assert numbers == [1]
        assert_error(draft_version, 404)


@pytest.mark.parametrize("role", ROLES)
def test_comparison_is_for_staff_only(role, client_for, published, cast):
    section = published.sections.order_by("position").first()
    strategy_services.section_revise(
        section=section,
        title=section.title,
        body=f"Text of {section.title}. Now with more words.",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    strategy_services.version_create(strategy=published, label="Revised", author=cast.editor)
    response = client_for(role).get(f"/api/v1/strategies/{published.pk}/comparison/?from=1&to=2")
    if role not in STAFF:
        assert_error(response, 404)
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["old"]["number"], body["new"]["number"]) == (1, 2)
    changed = next(row for row in body["sections"] if row["anchor"] == section.anchor)
    assert changed["status"] == "kept"
    assert changed["inserted_words"] == 4
    assert {"op": "insert", "text": "Now with more words."} in changed["chunks"] or any(
        chunk["op"] == "insert" and "more words" in chunk["text"] for chunk in changed["chunks"]
    )


def test_comparison_needs_two_version_numbers(client_for, published):
    response = client_for("editor").get(f"/api/v1/strategies/{published.pk}/comparison/?from=x")
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"from", "to"}
    missing = client_for("editor").get(f"/api/v1/strategies/{published.pk}/comparison/?from=1&to=9")
    assert_error(missing, 404)


def _kpi(strategy, cast):
    kpi = evidence_services.kpi_save(
        strategy=strategy,
        name="Jobs in advanced manufacturing",
        unit="jobs",
        baseline_value=Decimal("1000"),
        baseline_date=date(2019, 1, 1),
        target_value=Decimal("2000"),
        target_date=date(2029, 1, 1),
        priority=None,
    )
    evidence_services.kpi_reading_add(
        kpi=kpi, on=date(2024, 1, 1), value=Decimal("1600"), note="ONS BRES", author=cast.editor
    )
    return kpi


@pytest.mark.parametrize("role", ROLES)
def test_kpis_of_a_published_strategy_are_public_with_status(role, client_for, published, cast):
    _kpi(published, cast)
    response = client_for(role).get(f"/api/v1/strategies/{published.pk}/kpis/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["name"] == "Jobs in advanced manufacturing"
    assert row["status_key"] == "on-track"
    assert row["latest"]["value"] == "1600.000"
    assert len(row["readings"]) == 1


@pytest.mark.parametrize("role", ROLES)
def test_kpis_of_a_draft_are_staff_only(role, client_for, draft, cast):
    _kpi(draft, cast)
    response = client_for(role).get(f"/api/v1/strategies/{draft.pk}/kpis/")
    if role in STAFF:
        assert response.status_code == 200
    else:
        assert_error(response, 404)


def test_tracker_lists_every_organisation_with_its_stage(client_for, published):
    response = client_for("anonymous").get("/api/v1/tracker/?page_size=100")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 38
    cheshire = next(r for r in body["results"] if r["organisation"]["ons_code"] == "E37000003")
    assert cheshire["stage"] == "published"
    assert cheshire["strategy_id"] == published.pk
    assert cheshire["public_url"] == published.get_absolute_url()
    wave = client_for("anonymous").get("/api/v1/tracker/?wave=1").json()
    assert wave["count"] == 8
    assert_error(client_for("anonymous").get("/api/v1/tracker/?wave=7"), 400, "invalid")


def test_tracker_hides_the_id_of_an_unpublished_strategy(client_for, draft):
    rows = client_for("anonymous").get("/api/v1/tracker/?page_size=100").json()["results"]
    cheshire = next(r for r in rows if r["organisation"]["ons_code"] == "E37000003")
    assert cheshire["stage"] == "drafting"
    assert cheshire["strategy_id"] is None


EVIDENCE_CSV = (
    "sector,area_employment,national_employment\n"
    + "\n".join(
        f"{letter},{1000 + i * 100},{100000 + i * 1000}"
        for i, letter in enumerate("ABCDEFGHIJKLMNOPQRSTU")
    )
    + "\n"
)


@pytest.mark.parametrize("role", ROLES)
def test_evidence_is_for_the_organisations_staff_only(role, client_for, cast):
    evidence_services.dataset_upload(
        organisation=cast.organisation,
        year=2017,
        nation="england",
        source_note="ONS BRES 2017",
        data=EVIDENCE_CSV.encode(),
        file_name="bres.csv",
        author=cast.editor,
    )
    client = client_for(role)
    listing = client.get(f"/api/v1/organisations/{cast.organisation.slug}/evidence/")
    detail = client.get(f"/api/v1/organisations/{cast.organisation.slug}/evidence/2017/")
    if role in STAFF:
        assert listing.status_code == 200
        assert listing.json()["results"][0]["year"] == 2017
        assert detail.status_code == 200
        sectors = detail.json()["analysis"]["sectors"]
        assert [row["section"] for row in sectors][:3] == ["A", "B", "C"]
        assert sectors[0]["location_quotient"] is not None
    else:
        assert_error(listing, 404)
        assert_error(detail, 404)


def test_other_organisation_staff_see_nothing_of_another_lep(client_for, cast, draft, published):
    client = client_for("other_member")
    assert_error(client.get(f"/api/v1/strategies/{draft.pk}/versions/"), 404)
    assert_error(client.get(f"/api/v1/strategies/{published.pk}/comparison/?from=1&to=1"), 404)
    # The published strategy stays public to them, as to anyone.
    assert client.get(f"/api/v1/strategies/{published.pk}/").status_code == 200


def test_strategy_list_filters(client_for, published, draft):
    client = client_for("editor")
    assert ids(client.get("/api/v1/strategies/?published=true")) == {published.pk}
    assert ids(client.get("/api/v1/strategies/?published=false")) == {draft.pk}
    assert ids(client.get("/api/v1/strategies/?status=drafting")) == {draft.pk}
    assert ids(client.get("/api/v1/strategies/?organisation=tees-valley")) == set()
    assert_error(client.get("/api/v1/strategies/?status=nonsense"), 400, "invalid")


def test_list_query_counts_stay_flat_as_strategies_grow(
    client_for, cast, django_assert_max_num_queries
):
    from tests.api.factories import published_strategies

    client = client_for("viewer")
    published_strategies(cast, 10)
    with django_assert_max_num_queries(6) as few:
        assert client.get("/api/v1/strategies/?page_size=100").status_code == 200
    published_strategies(cast, 190, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/strategies/?page_size=100")
    assert response.json()["count"] == 200
