"""Pages of a long list: the rows of one page, the totals, and links that keep
every filter of the query string (filters, the city's ``district``; only the page
number changes). Every paged list shows them with ``core/_pager.html``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

#: Rows per page of a list unless it asks for another size.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Pager:
    """One page of a list and the links to the others."""

    page: Page[Any]
    name: str
    query: QueryDict

    @property
    def rows(self) -> Any:
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def offset(self) -> int:
        """Rows before this page (so a page numbers its rows on from the last)."""
        return self.page.start_index() - 1 if self.total else 0

    def url(self, number: int) -> str:
        """This page's query string with another page number."""
        query = self.query.copy()
        query[self.name] = str(number)
        return f"?{query.urlencode()}"

    @property
    def first_url(self) -> str:
        return self.url(1)

    @property
    def last_url(self) -> str:
        return self.url(self.page.paginator.num_pages)

    @property
    def previous_url(self) -> str:
        return (
            self.url(self.page.previous_page_number())
            if self.page.has_previous()
            else ""
        )

    @property
    def next_url(self) -> str:
        return self.url(self.page.next_page_number()) if self.page.has_next() else ""


def paged(
    rows: Sequence[Any] | QuerySet[Any],
    query: QueryDict,
    name: str = "page",
    size: int | None = None,
) -> Pager:
    """The page of `rows` asked for by `query[name]` (the last one when past the
    end, the first when not a number); PAGE_SIZE rows unless `size` is given."""
    paginator = Paginator(rows, size or PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(query.get(name))
    return Pager(page, name, query)


def pager_of(given: Pager | Page[Any] | None, query: QueryDict) -> Pager | None:
    """The pager of a list that kept only Django's `Page` (the page number in
    ``page``): links keep `query`, as a `Pager` made by `paged` does."""
    if given is None or isinstance(given, Pager):
        return given
    return Pager(given, "page", query)
