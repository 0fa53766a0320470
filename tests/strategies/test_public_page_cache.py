"""The public page of a published strategy keeps its rendered document and indicators in the
cache: what changes must show on the next request, nothing per visitor may be cached, and the
page must work without a cache."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from strategies import services
from strategies import views as strategy_views
from strategies.evidence import services as evidence_services
from strategies.models import Strategy

from .test_views import kw, publish

pytestmark = pytest.mark.django_db
Status = Strategy.Status


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def write(strategy, cast, text: str) -> None:
    section = strategy.sections.select_related("latest_revision").order_by("position").first()
    services.section_revise(
        section=section,
        title=section.title,
        body=text,
        author=cast.editor,
        base_revision=section.latest_revision,
    )


def republish(strategy, cast, label: str):
    services.strategy_transition(strategy=strategy, target=Status.REVISING, actor=cast.lead)
    services.strategy_transition(strategy=strategy, target=Status.SUBMITTED, actor=cast.lead)
    services.strategy_transition(strategy=strategy, target=Status.AGREED, actor=cast.lead)
    version = services.version_create(strategy=strategy, label=label, author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    return version


def indicator(strategy):
    return evidence_services.kpi_save(
        strategy=strategy,
        name="Apprenticeship starts",
        unit="starts",
        baseline_value=Decimal("100"),
        baseline_date=date(2018, 3, 31),
        target_value=Decimal("200"),
        target_date=date(2030, 3, 31),
        priority=None,
    )


def test_the_document_is_rendered_once_per_version_and_served_from_the_cache(
    client, cast, strategy, django_assert_num_queries
) -> None:
    write(strategy, cast, "Skills are our first priority.")
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    first = client.get(url)
    # Again: the strategy and the indicators' values; the version's sections are not read.
    with django_assert_num_queries(2):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert "Skills are our first priority." in second.content.decode()


def test_a_newly_published_version_shows_at_once(client, cast, strategy) -> None:
    write(strategy, cast, "The first published words.")
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    assert "The first published words." in client.get(url).content.decode()
    write(strategy, cast, "The second published words.")
    republish(strategy, cast, "Refreshed")
    body = client.get(url).content.decode()
    assert "The second published words." in body
    assert "The first published words." not in body
    assert "Refreshed" in body


def test_unpublishing_takes_the_page_down_at_once(client, cast, strategy) -> None:
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    assert client.get(url).status_code == 200
    Strategy.objects.filter(pk=strategy.pk).update(published_version=None)
    assert client.get(url).status_code == 404


def test_indicator_changes_show_on_the_next_request(client, cast, strategy) -> None:
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    assert "Measuring progress" not in client.get(url).content.decode()
    kpi = indicator(strategy)
    body = client.get(url).content.decode()
    assert "Measuring progress" in body and "No readings yet" in body
    reading = evidence_services.kpi_reading_add(
        kpi=kpi, on=date(2023, 3, 31), value=Decimal("187"), note="", author=cast.editor
    )
    body = client.get(url).content.decode()
    assert "187" in body and "No readings yet" not in body
    # An indicator edited in place (same rows, new values) is a new key too.
    evidence_services.kpi_save(
        strategy=strategy,
        name="Higher apprenticeship starts",
        unit="starts",
        baseline_value=kpi.baseline_value,
        baseline_date=kpi.baseline_date,
        target_value=kpi.target_value,
        target_date=kpi.target_date,
        priority=None,
        kpi=kpi,
    )
    assert "Higher apprenticeship starts" in client.get(url).content.decode()
    evidence_services.kpi_reading_delete(reading=reading)
    assert "No readings yet" in client.get(url).content.decode()


def test_nothing_per_visitor_or_per_request_is_cached(client, cast, strategy) -> None:
    publish(strategy, cast)
    url = reverse("strategies:public", kwargs=kw(strategy))
    client.force_login(cast.editor)
    signed_in = client.get(url).content.decode()
    assert "Go to the working draft" in signed_in
    client.logout()
    anonymous = [client.get(url) for _ in range(2)]
    bodies = [a.content.decode() for a in anonymous]
    assert all("Go to the working draft" not in b for b in bodies)
    nonces = [re.search(r'<script nonce="([^"]+)"', b).group(1) for b in bodies]
    assert nonces[0] != nonces[1]
    assert all(n in a["Content-Security-Policy"] for n, a in zip(nonces, anonymous, strict=True))
    # Every rendered part kept (locmem's keys are "<prefix>:<version>:<key>").
    keys = [key.split(":", 2)[2] for key in cache._cache if "strategies:published" in key]
    assert len(keys) == 1  # the document (no indicators)
    for key in keys:
        html = cache.get(key)
        assert "nonce" not in html and "csrfmiddlewaretoken" not in html
        assert cast.editor.display_name not in html and "Sign out" not in html


def test_the_page_works_when_the_cache_does_not(client, cast, strategy, caplog) -> None:
    write(strategy, cast, "Text that must always show.")
    publish(strategy, cast)
    indicator(strategy)
    url = reverse("strategies:public", kwargs=kw(strategy))
    broken = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(strategy_views.django_cache, "get", side_effect=broken),
        mock.patch.object(strategy_views.django_cache, "set", side_effect=broken),
    ):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Text that must always show." in body and "Measuring progress" in body
    assert "Cache unavailable" in caplog.text


def test_the_rendering_key_follows_the_templates_and_code() -> None:
    key = strategy_views.rendering_key()
    assert re.fullmatch(r"[0-9a-f]{16}", key)
    strategy_views.rendering_key.cache_clear()
    with mock.patch.object(strategy_views, "PUBLIC_PAGE_PACKAGES", ("Django",)):
        assert strategy_views.rendering_key() != key
    strategy_views.rendering_key.cache_clear()
    assert strategy_views.rendering_key() == key
