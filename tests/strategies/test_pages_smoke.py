from __future__ import annotations

import pytest
from django.urls import reverse

from strategies import services

pytestmark = pytest.mark.django_db


def test_every_draft_page_renders_for_an_editor(client, cast, strategy) -> None:
    section = strategy.sections.first()
    services.section_revise(
        section=section,
        title="Foreword",
        body="# Hello\n\nSome **text**.",
        author=cast.editor,
        base_revision=None,
    )
    services.section_revise(
        section=section,
        title="Foreword",
        body="# Hello\n\nSome more **text**.",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    services.version_create(strategy=strategy, label="One", author=cast.editor)
    services.version_create(strategy=strategy, label="Two", author=cast.editor)
    client.force_login(cast.lead)
    kw = {"org": cast.organisation.slug, "slug": strategy.slug}
    urls = [
        reverse("strategies:draft", kwargs=kw),
        reverse("strategies:preview", kwargs=kw),
        reverse("strategies:section_add", kwargs=kw),
        reverse("strategies:section_edit", kwargs={**kw, "pk": section.pk}),
        reverse("strategies:section_history", kwargs={**kw, "pk": section.pk}),
        reverse("strategies:section_compare", kwargs={**kw, "pk": section.pk}) + "?from=1&to=2",
        reverse("strategies:section_remove", kwargs={**kw, "pk": section.pk}),
        reverse("strategies:versions", kwargs=kw),
        reverse("strategies:version", kwargs={**kw, "number": 1}),
        reverse("strategies:version_compare", kwargs=kw) + "?from=1&to=2",
        reverse("strategies:transition", kwargs={**kw, "target": "internal-review"}),
        reverse("strategies:priorities", kwargs=kw),
        reverse("strategies:alignment", kwargs=kw),
        reverse("strategies:organisation", kwargs={"org": cast.organisation.slug}),
        reverse("strategies:tracker"),
        reverse("strategies:tracker_csv"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
