"""Page-number pagination for the server-rendered lists: two queries (count, rows) per list."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(items, *, number: str | int | None, size: int) -> Page:
    """Page ``number`` (1-based; out of range or not a number gives the nearest page) of ``size`` items."""
    return Paginator(items, size).get_page(number)
