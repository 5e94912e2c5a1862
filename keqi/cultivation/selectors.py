"""Reads for cultivation pages, scoped to the user asking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import Case, IntegerField, Max, Value, When

from keqi.accounts.scopes import enterprise_q
from keqi.cultivation.libraries import held_q
from keqi.cultivation.models import RungRole, TierRung
from keqi.cultivation.tiers import (
    DEFAULT_LADDER,
    DEFAULT_MARK,
    Holding,
    TierSpan,
    tier_history,
)
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.selectors import enterprise_get_for


def ladder_load() -> tuple[tuple[str, ...], str | None]:
    """The ladder as HQ set it (lowest first) and the national mark; defaults if unset."""
    rungs = list(TierRung.objects.order_by("position"))
    tiers = tuple(r.kind for r in rungs if r.role == RungRole.TIER)
    mark = next((r.kind for r in rungs if r.role == RungRole.MARK), None)
    if not tiers:
        return DEFAULT_LADDER, DEFAULT_MARK
    return tiers, mark


def holdings_by_enterprise(
    enterprise_ids: object, kinds: set[str]
) -> dict[int, list[Holding]]:
    """Qualifications of the given kinds as plain holdings, per enterprise."""
    rows = Qualification.objects.filter(kind__in=kinds)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=enterprise_ids)
    found: dict[int, list[Holding]] = defaultdict(list)
    for pk, kind, granted, until, revoked in rows.values_list(
        "enterprise_id", "kind", "granted_on", "valid_until", "revoked_on"
    ):
        found[pk].append(Holding(kind, granted, until, revoked))
    return found


@dataclass(frozen=True)
class TierRow:
    """An enterprise's tier and mark on a day."""

    enterprise: Enterprise
    tier: str | None
    marked: bool


@dataclass(frozen=True)
class TierEntry:
    """An enterprise's tier and mark, before its row is loaded."""

    pk: int
    name: str
    tier: str | None
    marked: bool


@dataclass(frozen=True, eq=False)
class TierRows(Sequence[TierRow]):
    """Enterprises by name with their tier; a row's enterprise is loaded only
    when the row is read (a page slices it, a download iterates it)."""

    entries: list[TierEntry]

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, index: int) -> TierRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[TierRow]: ...
    def __getitem__(self, index: int | slice) -> TierRow | list[TierRow]:
        if isinstance(index, slice):
            return _tier_rows(self.entries[index])
        return _tier_rows([self.entries[index]])[0]

    def __iter__(self) -> Iterator[TierRow]:
        for start in range(0, len(self.entries), 1000):
            yield from _tier_rows(self.entries[start : start + 1000])

    def only(self, chosen: str, mark: str | None) -> TierRows:
        """Those on tier `chosen`, or holding the mark when `chosen` is the mark."""
        return TierRows(
            [
                e
                for e in self.entries
                if e.tier == chosen or (chosen == mark and e.marked)
            ]
        )


def _tier_rows(entries: list[TierEntry]) -> list[TierRow]:
    found = Enterprise.objects.select_related("area").in_bulk([e.pk for e in entries])
    return [TierRow(found[e.pk], e.tier, e.marked) for e in entries if e.pk in found]


def tier_rows_for(user: object, day: dt.date, area_id: int | None = None) -> TierRows:
    """Enterprises in scope (current area) holding a rung or the mark on `day`,
    by name: the highest rung held is found by the database (one GROUP BY over
    the qualifications in force, the same test as the libraries), so the cost
    does not grow with each enterprise's Python objects."""
    tiers, mark = ladder_load()
    rung = Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(tiers)],
        output_field=IntegerField(),
    )
    has_mark = Case(
        When(kind=mark or "", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    held = Qualification.objects.filter(
        held_q(day),
        enterprise_q(user, "enterprise__"),
        kind__in=[*tiers, *([mark] if mark else [])],
    )
    if area_id is not None:
        held = held.filter(enterprise__area_id=area_id)
    rows = (
        held.order_by()
        .values("enterprise_id", "enterprise__name")
        .annotate(top=Max(rung), marked=Max(has_mark))
        .values_list("enterprise_id", "enterprise__name", "top", "marked")
    )
    entries = [
        TierEntry(pk, name, None if top is None else tiers[top], bool(marked))
        for pk, name, top, marked in rows
    ]
    entries.sort(key=lambda e: (e.name, e.pk))
    return TierRows(entries)


def tier_history_for(user: object, pk: int) -> tuple[Enterprise, list[TierSpan]]:
    """One enterprise's tier history (404 when out of scope)."""
    enterprise = enterprise_get_for(user, pk)
    tiers, mark = ladder_load()
    kinds = {*tiers, *([mark] if mark else [])}
    held = holdings_by_enterprise([pk], kinds).get(pk, [])
    return enterprise, tier_history(held, tiers, mark or "")
