"""Page-number pagination: ?page=1&page_size=50 (at most 200 a page).

Every list answers ``{"count", "page", "page_size", "pages", "next", "previous",
"results"}``; a page past the last is a 404 naming how many pages there are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageQuery(serializers.Serializer[Any]):
    """The paging parameters every list accepts."""

    page = serializers.IntegerField(
        min_value=1, max_value=10**9, default=1, help_text="页码，从 1 开始"
    )
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=10**9,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"每页条数，默认 {DEFAULT_PAGE_SIZE}，最多 {MAX_PAGE_SIZE}（超过按 {MAX_PAGE_SIZE}）",
    )


@dataclass(frozen=True)
class Page:
    """One page of rows and what the response says about it."""

    items: Sequence[Any]
    meta: dict[str, Any]


def paginate(
    request: Request, rows: QuerySet[Any] | Sequence[Any], query: dict[str, Any]
) -> Page:
    """The page asked for (query holds the cleaned page and page_size)."""
    size = min(int(query.get("page_size") or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    number = int(query.get("page") or 1)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    pages = max(math.ceil(count / size), 1)
    if number > pages:
        raise NotFound(f"第 {number} 页不存在（共 {pages} 页）")
    start = (number - 1) * size
    items = list(rows[start : start + size])
    url = request.build_absolute_uri()
    meta = {
        "count": count,
        "page": number,
        "page_size": size,
        "pages": pages,
        "next": replace_query_param(url, "page", number + 1)
        if number < pages
        else None,
        "previous": _previous(url, number),
    }
    return Page(items, meta)


def _previous(url: str, number: int) -> str | None:
    if number <= 1:
        return None
    if number == 2:
        return str(remove_query_param(url, "page"))
    return str(replace_query_param(url, "page", number - 1))


_PAGED: dict[str, type[serializers.Serializer[Any]]] = {}


def paged(
    item: type[serializers.Serializer[Any]],
    **extra: serializers.Field[Any, Any, Any, Any],
) -> type[serializers.Serializer[Any]]:
    """A serializer describing one page of `item` (for the OpenAPI schema)."""
    name = f"Paged{item.__name__.removesuffix('Serializer')}"
    if name not in _PAGED:
        attrs: dict[str, Any] = {
            "count": serializers.IntegerField(help_text="符合条件的总条数"),
            "page": serializers.IntegerField(help_text="本页页码"),
            "page_size": serializers.IntegerField(help_text="每页条数"),
            "pages": serializers.IntegerField(help_text="总页数"),
            "next": serializers.CharField(allow_null=True, help_text="下一页地址"),
            "previous": serializers.CharField(allow_null=True, help_text="上一页地址"),
            **extra,
            "results": item(many=True),
        }
        _PAGED[name] = type(name, (serializers.Serializer,), attrs)
    return _PAGED[name]
