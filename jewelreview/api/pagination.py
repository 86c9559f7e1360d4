"""Page-number pagination: ``{count, next, previous, results}``, ``?page=N&page_size=M``.

``page_size`` is checked, not quietly mended as DRF's paginator does (a value that is no number,
under 1 or over the maximum gave the default or the maximum, answering a different page than the
one asked for): it is a 400 naming the parameter and its bounds, as the filters' errors are, and
so is either parameter given twice. So is a ``page`` that is no whole number or under 1 (DRF's
paginator answered those 404 "Invalid page.", as if the request were right and the page merely
missing; it also took ``last``, which the schema's integer never offered). A page past the last
stays a 404, as in DRF: the request is well formed and names a page that does not exist (yet),
as a photo id does; page 1 always exists, empty when nothing matches.
"""

from __future__ import annotations

from functools import cache

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from jewelreview.api.views import validated_query

# 500 rows of photos is ~0.5 MB of JSON: a whole small batch in one call, never a whole catalogue.
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


def _page_size_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); any other value is a 400.",
    )


def _page_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="1-based page number (default 1). Not a whole number, or under 1, is a 400; "
        "a page past the last is a 404 (page 1 always exists, empty when nothing matches).",
    )


class PageParams(serializers.Serializer):
    """What the paginator reads, checked: each given once, ``page`` a whole number from 1,
    ``page_size`` within its bounds."""

    page = _page_field()
    page_size = _page_size_field()


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # The only page the paginator can still refuse once ``page`` is checked: one past the last.
    invalid_page_message = "There is no page {page_number}: the list ends before it."

    def paginate_queryset(self, queryset, request, view=None):
        self.params = validated_query(PageParams, request.query_params)
        return super().paginate_queryset(queryset, request, view=view)

    def get_page_size(self, request) -> int:
        return self.params.get("page_size", self.page_size)

    def get_page_number(self, request, paginator) -> int:
        return self.params.get("page", 1)


def paginated_response(*, queryset, serializer_class: type[serializers.Serializer], request, view) -> Response:
    """Serialize one page of ``queryset`` (the selector's result) into the paginated shape."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


@cache
def paginated(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The OpenAPI shape of a page of ``serializer_class`` (component ``Paginated<Name>``)."""
    name = serializer_class.__name__.removesuffix("Serializer").removesuffix("Output")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "__module__": __name__,
        },
    )


class PageQuery(serializers.Serializer):
    """Query parameters of every paginated list (documentation; the paginator reads them)."""

    page = _page_field()
    page_size = _page_size_field()
