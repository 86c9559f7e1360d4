"""Page-number pagination: ``{count, next, previous, results}``, ``?page=N&page_size=M``."""

from __future__ import annotations

from functools import cache

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # 500 rows of photos is ~0.5 MB of JSON: a whole small batch in one call, never a whole catalogue.
    max_page_size = 500


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
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=Pagination.max_page_size, help_text="Rows per page (default 50)."
    )
