"""Page-number pagination: ``{count, next, previous, results}``, ``?page=N&page_size=M``.

``page_size`` is checked, not quietly mended as DRF's paginator does (a value that is no number,
under 1 or over the maximum gave the default or the maximum, answering a different page than the
one asked for): it is a 400 naming the parameter and its bounds, as the filters' errors are, and
so is either parameter given twice. ``page`` is DRF's: a page that does not exist is a 404.
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


class PageParams(serializers.Serializer):
    """What the paginator checks: ``page_size``, and that ``page`` is given once (its value is
    DRF's to read: a page that does not exist is a 404)."""

    page = serializers.CharField(required=False)
    page_size = _page_size_field()


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return validated_query(PageParams, request.query_params).get("page_size", self.page_size)


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

    page = serializers.IntegerField(required=False, min_value=1, help_text="1-based page number.")
    page_size = _page_size_field()
