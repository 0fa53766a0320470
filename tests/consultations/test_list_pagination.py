"""The public list of consultations pages through the shared GOV.UK pagination, keeping its
filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.consultations.conftest import make_consultation

pytestmark = pytest.mark.django_db


def test_the_public_list_pages_by_number_keeping_its_filters(
    client, cast, strategy, version
) -> None:
    for number in range(45):
        make_consultation(strategy, version, cast.editor, title=f"Consultation {number:02d}")
    first = client.get(reverse("consultations:list"), {"state": "open"}).content.decode()
    assert 'aria-label="Pages of results"' in first
    assert 'aria-label="Page 1" aria-current="page">1<' in first
    assert 'href="?state=open&amp;page=2" rel="next"' in first
    assert 'href="?state=open&amp;page=3" aria-label="Page 3"' in first
    last = client.get(reverse("consultations:list"), {"state": "open", "page": 3})
    html = last.content.decode()
    assert 'href="?state=open&amp;page=2" rel="prev"' in html
    assert 'rel="next"' not in html
