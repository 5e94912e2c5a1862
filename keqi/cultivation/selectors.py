"""Reads for cultivation pages, scoped to the user asking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import Case, IntegerField, Max, Value, When

from keqi.accounts.models import District
from keqi.accounts.scopes import district_q, enterprise_q
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

Ladder = tuple[tuple[str, ...], str | None]


def ladder_load(district: District | int | None) -> Ladder:
    """A district's ladder as its HQ set it (lowest first) and its national mark;
    the defaults when it has none (or for no district)."""
    pk = district.pk if isinstance(district, District) else district
    if pk is None:
        return DEFAULT_LADDER, DEFAULT_MARK
    rungs = list(TierRung.objects.filter(district_id=pk).order_by("position"))
    tiers = tuple(r.kind for r in rungs if r.role == RungRole.TIER)
    mark = next((r.kind for r in rungs if r.role == RungRole.MARK), None)
    if not tiers:
        return DEFAULT_LADDER, DEFAULT_MARK
    return tiers, mark


def ladders_by_district(
    districts: Sequence[District] | None = None,
) -> dict[int, Ladder]:
    """The ladders of these districts (every district when None), by district
    id, read at once."""
    rows = TierRung.objects.order_by("position")
    if districts is None:
        ids = list(District.objects.values_list("pk", flat=True))
    else:
        ids = [d.pk for d in districts]
        rows = rows.filter(district_id__in=ids)
    rungs: dict[int, list[TierRung]] = defaultdict(list)
    for rung in rows:
        rungs[rung.district_id].append(rung)
    found: dict[int, Ladder] = {}
    for pk in ids:
        tiers = tuple(r.kind for r in rungs[pk] if r.role == RungRole.TIER)
        mark = next((r.kind for r in rungs[pk] if r.role == RungRole.MARK), None)
        found[pk] = (tiers, mark) if tiers else (DEFAULT_LADDER, DEFAULT_MARK)
    return found


def enterprise_ladder(enterprise: Enterprise) -> Ladder:
    """The ladder of the enterprise's district (its area's)."""
    return ladder_load(enterprise.area.district_id if enterprise.area_id else None)


def districts_in_view(user: object, district: District | None) -> list[District]:
    """The districts a page shows: the one picked (a city user's ?district=),
    else every district the user may see (a district user's own)."""
    if district is not None:
        return [district]
    return list(District.objects.filter(district_q(user, "pk")))


def union_ladder(ladders: Sequence[Ladder]) -> Ladder:
    """Several districts' ladders as one list of kinds to count by: the first's
    order, then any rung only another has; the first mark found."""
    tiers: list[str] = []
    mark: str | None = None
    for rungs, own_mark in ladders:
        tiers += [k for k in rungs if k not in tiers]
        mark = mark or own_mark
    if not tiers:
        return DEFAULT_LADDER, DEFAULT_MARK
    return tuple(k for k in tiers if k != mark), mark


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
    ladder: tuple[str, ...] = DEFAULT_LADDER
    mark: str | None = DEFAULT_MARK

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
            ],
            self.ladder,
            self.mark,
        )


def _tier_rows(entries: list[TierEntry]) -> list[TierRow]:
    found = Enterprise.objects.select_related("area__district").in_bulk(
        [e.pk for e in entries]
    )
    return [TierRow(found[e.pk], e.tier, e.marked) for e in entries if e.pk in found]


def tier_rows_for(
    user: object,
    day: dt.date,
    area_id: int | None = None,
    district: District | None = None,
) -> TierRows:
    """Enterprises in scope (current area) holding a rung or the mark on `day`,
    by name, each by its own district's ladder (one district when picked, else
    every district the user sees): the highest rung held is found by the
    database (one GROUP BY over the qualifications in force per district, the
    same test as the libraries), so the cost does not grow with each
    enterprise's Python objects. `ladder` and `mark` of the rows: the ladder
    shown (every district's rungs together when there are several)."""
    entries: list[TierEntry] = []
    shown = districts_in_view(user, district)
    ladders = ladders_by_district(shown)
    for one in shown:
        tiers, mark = ladders[one.pk]
        entries += _district_entries(user, day, area_id, one, tiers, mark)
    entries.sort(key=lambda e: (e.name, e.pk))
    return TierRows(entries, *union_ladder(list(ladders.values())))


def _district_entries(
    user: object,
    day: dt.date,
    area_id: int | None,
    district: District,
    tiers: tuple[str, ...],
    mark: str | None,
) -> list[TierEntry]:
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
        enterprise__area__district_id=district.pk,
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
    return [
        TierEntry(pk, name, None if top is None else tiers[top], bool(marked))
        for pk, name, top, marked in rows
    ]


def tier_history_for(user: object, pk: int) -> tuple[Enterprise, list[TierSpan]]:
    """One enterprise's tier history by its district's ladder (404 when out of
    scope)."""
    enterprise = enterprise_get_for(user, pk)
    tiers, mark = enterprise_ladder(enterprise)
    kinds = {*tiers, *([mark] if mark else [])}
    held = holdings_by_enterprise([pk], kinds).get(pk, [])
    return enterprise, tier_history(held, tiers, mark or "")
