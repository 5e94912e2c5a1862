"""Pages of a long list: the rows of one page, the totals, and links that keep
every filter of the query string (only the page number changes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

#: Rows per page on the cultivation lists.
PAGE_SIZE = 50
T = TypeVar("T")


class SlicedRows(Sequence[T]):
    """A long list made row by row only for the slice read: a page asks for its
    length and one slice, a download iterates in chunks. Subclasses give
    ``__len__`` and ``rows(start, stop)``."""

    chunk = 2000

    def rows(self, start: int, stop: int) -> list[T]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, int):
            at = range(len(self))[index]
            return self.rows(at, at + 1)[0]
        start, stop, step = index.indices(len(self))
        found = self.rows(start, stop)
        return found[::step] if step != 1 else found

    def __iter__(self) -> Iterator[T]:
        for start in range(0, len(self), self.chunk):
            yield from self.rows(start, start + self.chunk)


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
