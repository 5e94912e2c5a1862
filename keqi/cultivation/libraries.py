"""Libraries (企业库) as of any date, counted by area, with the list behind each count.

A library is a named set of qualification kinds. An enterprise is in it on day d
when it holds at least one of those kinds on d: granted_on ≤ d, not yet expired
(valid_until is empty or d ≤ valid_until) and not revoked (revoked_on is empty or
d < revoked_on). It is counted in the area it was in on d (see area_history).

Scope: an area's staff see the enterprises that were in their area on the day
asked about; everyone else sees the whole district.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.db.models import Q
from django.http import Http404

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import (
    area_ids_in_scope,
    area_q,
    district_area_ids,
    sees_every_district,
)
from keqi.cultivation.area_history import area_moves, area_on
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.models import QualificationKind as K


@dataclass(frozen=True)
class Library:
    """A library: its key, Chinese name and the qualification kinds it holds."""

    key: str
    name: str
    kinds: tuple[str, ...]


LIBRARIES: tuple[Library, ...] = (
    Library("tech_sme", "国家科技型中小企业库", (K.TECH_SME,)),
    Library("chuying", "雏鹰企业库", (K.CHUYING,)),
    Library("dengling", "瞪羚企业库", (K.DENGLING,)),
    Library("lingjun", "科技领军（培育）企业库", (K.LINGJUN, K.LINGJUN_PEIYU)),
    Library("high_tech", "高新技术企业库", (K.HIGH_TECH,)),
    Library("tech_leading", "技术领先型企业库", (K.TECH_LEADING,)),
    Library("zjtx", "专精特新中小企业库", (K.ZJTX_SME,)),
    Library("innovative_sme", "创新型中小企业库", (K.INNOVATIVE_SME,)),
)
LIBRARY_BY_KEY = {lib.key: lib for lib in LIBRARIES}
ALL_KINDS = tuple(sorted({kind for lib in LIBRARIES for kind in lib.kinds}))


def library_get(key: str) -> Library:
    """A library by key, or 404."""
    try:
        return LIBRARY_BY_KEY[key]
    except KeyError:
        raise Http404("没有这个企业库") from None


def held_q(day: dt.date, prefix: str = "") -> Q:
    """Qualifications in force on `day` (prefix for lookups from another model)."""
    return (
        Q(**{f"{prefix}granted_on__lte": day})
        & (
            Q(**{f"{prefix}valid_until__isnull": True})
            | Q(**{f"{prefix}valid_until__gte": day})
        )
        & (
            Q(**{f"{prefix}revoked_on__isnull": True})
            | Q(**{f"{prefix}revoked_on__gt": day})
        )
    )


def scope_area_ids(user: object, area_id: int | None) -> set[int] | None:
    """The areas to count: the one asked for, the user's own area, their
    district's areas, or None for all (the city).

    Raises Http404 when a user asks for an area outside their scope (another
    area, another district's) or an unknown one.
    """
    allowed = area_ids_in_scope(user)
    if area_id is None:
        if allowed is not None:
            return set(allowed)
        if sees_every_district(user):
            return None
        return district_area_ids(user)
    area_check(user, area_id)
    return {area_id}


def area_check(user: object, area_id: int | None) -> None:
    """Http404 when the user asks for an area outside their scope (another area,
    another district's) or an unknown one; nothing to check when none is asked."""
    if area_id is None:
        return
    allowed = area_ids_in_scope(user)
    if (allowed is not None and area_id not in allowed) or not Area.objects.filter(
        area_q(user), pk=area_id
    ).exists():
        raise Http404("该街镇/园区不存在或不在您的管辖范围内")


@dataclass
class Snapshot:
    """Who was in which libraries on a day, and in which area (whole district)."""

    day: dt.date
    members: dict[str, set[int]] = field(default_factory=dict)
    area_of: dict[int, int | None] = field(default_factory=dict)

    def in_areas(self, key: str, areas: set[int] | None) -> set[int]:
        """Members of one library, limited to the given areas (None = all)."""
        found = self.members.get(key, set())
        if areas is None:
            return set(found)
        return {pk for pk in found if self.area_of.get(pk) in areas}


def snapshot(day: dt.date, libraries: tuple[Library, ...] = LIBRARIES) -> Snapshot:
    """Every library's members on `day` with their area then (two or three queries)."""
    kinds = {kind for lib in libraries for kind in lib.kinds}
    rows = Qualification.objects.filter(held_q(day), kind__in=kinds).values_list(
        "enterprise_id", "enterprise__area_id", "kind"
    )
    by_kind: dict[str, set[int]] = defaultdict(set)
    current_area: dict[int, int] = {}
    for pk, area_id, kind in rows:
        by_kind[kind].add(pk)
        current_area[pk] = area_id
    snap = Snapshot(day)
    for lib in libraries:
        snap.members[lib.key] = set().union(*(by_kind[k] for k in lib.kinds))
    moves = area_moves(current_area) if current_area else {}
    snap.area_of = {
        pk: area_on(area_id, moves.get(pk, []), day)
        for pk, area_id in current_area.items()
    }
    return snap


@dataclass(frozen=True)
class CountTable:
    """Library × area counts on a day; `areas` are the rows shown."""

    day: dt.date
    areas: list[Area]
    counts: dict[tuple[str, int | None], int]
    totals: dict[str, int]


def in_district(areas: set[int] | None, district: District | None) -> set[int] | None:
    """The areas narrowed to one district's (the city's drill-down); unchanged
    when no district is given."""
    if district is None:
        return areas
    mine = set(district.areas.values_list("pk", flat=True))
    return mine if areas is None else areas & mine


def _by_district(area: Area) -> tuple[int, str, int, str]:
    """An area's place in a list of every district's areas: by district first."""
    owner = area.district
    return (
        owner.sort if owner else 0,
        owner.code if owner else "",
        area.sort,
        area.code,
    )


def library_counts(
    user: object, day: dt.date, district: District | None = None
) -> CountTable:
    """How many enterprises each library had on `day`, per area in the user's scope
    (or one district of it)."""
    allowed = in_district(scope_area_ids(user, None), district)
    snap = snapshot(day)
    areas = list(Area.objects.select_related("district"))
    if allowed is not None:
        areas = [a for a in areas if a.pk in allowed]
    else:  # every district's areas (the city): by district, as the rows say
        areas.sort(key=_by_district)
    counts: dict[tuple[str, int | None], int] = defaultdict(int)
    totals: dict[str, int] = {}
    for lib in LIBRARIES:
        members = snap.in_areas(lib.key, allowed)
        totals[lib.key] = len(members)
        for pk in members:
            counts[(lib.key, snap.area_of.get(pk))] += 1
    return CountTable(day, areas, dict(counts), totals)


@dataclass(frozen=True)
class MemberRow:
    """One enterprise in a list, with the qualifications that put it there.

    `area_then` is its area on the list's day (the first day in a change report);
    `area_after` its area on the second day of a change report.
    """

    enterprise: Enterprise
    area_then: Area | None
    qualifications: list[Qualification]
    area_after: Area | None = None


@dataclass(frozen=True, eq=False)
class MemberRows(Sequence[MemberRow]):
    """Members by name; a row's enterprise and qualifications are read only when
    the row is (a page slices the list, a download iterates it)."""

    pks: list[int]
    library: Library
    day: dt.date
    area_then: dict[int, int | None]
    area_after: dict[int, int | None] | None = None

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> MemberRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[MemberRow]: ...
    def __getitem__(self, index: int | slice) -> MemberRow | list[MemberRow]:
        if isinstance(index, slice):
            return self._rows(self.pks[index])
        return self._rows([self.pks[index]])[0]

    def __iter__(self) -> Iterator[MemberRow]:
        for start in range(0, len(self.pks), 1000):
            yield from self._rows(self.pks[start : start + 1000])

    def _rows(self, pks: list[int]) -> list[MemberRow]:
        found = {
            row.enterprise.pk: row
            for row in member_rows(
                set(pks), self.library, self.day, self.area_then, self.area_after
            )
        }
        return [found[pk] for pk in pks if pk in found]


def library_members(
    user: object,
    library: Library,
    day: dt.date,
    area_id: int | None = None,
    district: District | None = None,
) -> MemberRows:
    """The list behind a count: members on `day` in the area (or user's scope,
    or one district of it), by name. Ordering reads only names; rows are built
    when read."""
    areas = in_district(scope_area_ids(user, area_id), district)
    snap = snapshot(day, (library,))
    pks = snap.in_areas(library.key, areas)
    return MemberRows(by_name(pks), library, day, snap.area_of)


def by_name(pks: set[int]) -> list[int]:
    """These enterprises' ids in the order lists show them (name, then id)."""
    named = Enterprise.objects.order_by("name", "id").values_list("pk", flat=True)
    if len(pks) <= 500:  # else naming them all costs more than reading every id
        named = named.filter(pk__in=pks)
    return [pk for pk in named if pk in pks]


def member_rows(
    pks: set[int],
    library: Library,
    day: dt.date,
    area_then: dict[int, int | None],
    area_after: dict[int, int | None] | None = None,
) -> list[MemberRow]:
    """Rows for the given enterprises with their qualifications held on `day`."""
    quals: dict[int, list[Qualification]] = defaultdict(list)
    held = Qualification.objects.filter(
        held_q(day), kind__in=library.kinds, enterprise_id__in=pks
    ).order_by("granted_on", "id")
    for q in held:
        quals[q.enterprise_id].append(q)
    areas = {a.pk: a for a in Area.objects.all()}
    after = area_after or {}
    enterprises = Enterprise.objects.filter(pk__in=pks).select_related("area")
    return [
        MemberRow(
            e,
            areas.get(area_then.get(e.pk)),  # type: ignore[arg-type]
            quals[e.pk],
            areas.get(after.get(e.pk)),  # type: ignore[arg-type]
        )
        for e in enterprises.order_by("name", "id")
    ]
