"""The one GOV.UK pagination include: numbered pages with ellipses, accessible labels, and
links that keep the page's other query parameters (filters and search)."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def render(query: str, number: int, *, count: int = 200, label: str | None = None) -> str:
    request = RequestFactory().get(f"/items/?{query}")
    page = Paginator(range(count), 10).get_page(number)
    context = {"page": page, "pagination_label": label} if label else {"page": page}
    return render_to_string("includes/pagination.html", context, request=request)


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_a_middle_page_links_around_itself_with_ellipses_and_keeps_the_filters() -> None:
    html = render("q=skills+hub&sector=C&page=10", 10)
    assert 'aria-label="Pages of results"' in html
    assert html.count("govuk-pagination__item--ellipses") == 2
    numbers = re.findall(r'aria-label="Page (\d+)"', html)
    assert numbers == ["1", "9", "10", "11", "20"]
    assert 'aria-label="Page 10" aria-current="page">10<' in html
    assert html.count('aria-current="page"') == 1
    assert 'Previous<span class="govuk-visually-hidden"> page</span>' in html
    assert 'Next<span class="govuk-visually-hidden"> page</span>' in html
    for href in hrefs(html):
        assert href.startswith("?q=skills+hub&amp;sector=C&amp;page="), href
    assert 'href="?q=skills+hub&amp;sector=C&amp;page=9" rel="prev"' in html
    assert 'href="?q=skills+hub&amp;sector=C&amp;page=11" rel="next"' in html


def test_the_first_and_last_pages_have_no_link_beyond_them() -> None:
    first = render("", 1)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = render("", 20)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_one_page_shows_no_pagination_and_the_landmark_can_be_named() -> None:
    assert "govuk-pagination" not in render("", 1, count=10)
    assert 'aria-label="Pages of the queue"' in render("", 2, label="Pages of the queue")


def test_query_values_are_escaped_in_the_links() -> None:
    html = render('q="><script>alert(1)</script>', 2)
    assert "<script>" not in html
