from __future__ import annotations

from collections.abc import Iterator

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def elided_page_range(page: Page) -> Iterator[int | str]:
    """The page numbers to link to around ``page``: the first, the last and one either side
    of the current page, with ``page.paginator.ELLIPSIS`` for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
