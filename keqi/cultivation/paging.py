"""Rows read slice by slice for long cultivation lists; the pager itself
(``Pager``, ``paged``) is shared by every list and lives in keqi.core.paging."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

from django.db.models import QuerySet
from django.http import QueryDict

from keqi.core import paging
from keqi.core.paging import Pager

__all__ = ["PAGE_SIZE", "Pager", "SlicedRows", "paged"]

#: Rows per page on the cultivation lists.
PAGE_SIZE = paging.PAGE_SIZE
T = TypeVar("T")


def paged(
    rows: Sequence[Any] | QuerySet[Any],
    query: QueryDict,
    name: str = "page",
    size: int | None = None,
) -> Pager:
    """``keqi.core.paging.paged`` with this module's PAGE_SIZE."""
    return paging.paged(rows, query, name, size or PAGE_SIZE)


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
