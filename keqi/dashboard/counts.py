"""Registry figures for the dashboard, counted in the database (one GROUP BY each).

Each function returns exactly the number that the page it links to lists, by the
same rule as that page, but without loading every enterprise into Python, so the
dashboard stays fast at 100 000 enterprises:

- library_area_counts ≡ keqi.cultivation.libraries.library_counts (same CountTable:
  members on the day, counted in the area they were in that day);
- tier_counts ≡ the rows of keqi.cultivation.selectors.tier_rows_for, per tier
  (highest rung of the ladder held on the day, current area for scope);
- rd_by_area ≡ the area groups of keqi.cultivation.rd.rd_report (研发投入强度 over
  enterprises with both R&D expense and sales above 0 known).

The tests compare every figure with those functions on the same data.

SQLite's planner, without statistics, reads the qualifications through the
(kind, granted_on) index even when nearly every row matches, and walks the
enterprise table in area order for the R&D sums; both are several times slower
than one pass over the table at 100 000 enterprises. So `_held_everywhere` states
"held on the day" without an indexable test (COALESCE over the open ends) and
the R&D query groups by `area_id + 0`. The results are the same rows and sums.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import enterprise_q
from keqi.core.micro import Micro, MicroSum
from keqi.cultivation.area_history import area_moves, area_on
from keqi.cultivation.libraries import (
    LIBRARIES,
    CountTable,
    Library,
    held_q,
    in_district,
    scope_area_ids,
)
from keqi.cultivation.rd import percent
from keqi.registry.models import AnnualFigures, Qualification

# Amounts are summed as whole millionths of 万元 (keqi.core.micro): integer sums
# are exact on every database, where SQLite would add floats.


def library_of_kind(libraries: tuple[Library, ...] = LIBRARIES) -> dict[str, str]:
    """Each qualification kind's library; the libraries must not share kinds."""
    found: dict[str, str] = {}
    for lib in libraries:
        for kind in lib.kinds:
            if kind in found:
                raise ValueError(f"资质类型“{kind}”同时属于两个企业库")
            found[kind] = lib.key
    return found


def _library_case(kinds: dict[str, str]) -> Case:
    whens = [When(kind=kind, then=Value(key)) for kind, key in kinds.items()]
    return Case(*whens, output_field=CharField())


FOREVER = dt.date(9999, 12, 31)


def _held_everywhere(day: dt.date) -> QuerySet[Qualification]:
    """Qualifications in force on `day` (exactly cultivation's held_q), read in one
    pass over the table rather than through an index (see the module docstring)."""
    return Qualification.objects.alias(
        until=Coalesce("valid_until", Value(FOREVER)),
        revoked=Coalesce("revoked_on", Value(FOREVER)),
    ).filter(granted_on__lte=day, until__gte=day, revoked__gt=day)


def _members_by_area(day: dt.date) -> dict[tuple[str, int | None], int]:
    """Library × current area: distinct members on `day` (one GROUP BY)."""
    kinds = library_of_kind()
    rows = (
        _held_everywhere(day)
        .annotate(library=_library_case(kinds))
        .filter(library__isnull=False)
        .values("library", "enterprise__area_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("library", "enterprise__area_id", "n")
    )
    return {(lib, area): n for lib, area, n in rows}


def _move_back(counts: dict[tuple[str, int | None], int], day: dt.date) -> None:
    """Count enterprises that changed area after `day` in the area they had then."""
    moves = area_moves()
    then = {
        pk: area_on(None, found, day)
        for pk, found in moves.items()
        if any(m.on > day for m in found)
    }
    if not then:
        return
    kinds = library_of_kind()
    held: dict[int, tuple[int, set[str]]] = {}
    rows = Qualification.objects.filter(
        held_q(day), kind__in=kinds, enterprise_id__in=list(then)
    ).values_list("enterprise_id", "enterprise__area_id", "kind")
    for pk, area_id, kind in rows:
        held.setdefault(pk, (area_id, set()))[1].add(kinds[kind])
    for pk, (area_id, libraries) in held.items():
        for key in libraries:
            counts[(key, area_id)] -= 1
            counts[(key, then[pk])] = counts.get((key, then[pk]), 0) + 1


def of_district(district: District | None, prefix: str = "") -> Q:
    """Rows of one district's enterprises (the city's drill-down); all when None."""
    return Q() if district is None else Q(**{f"{prefix}area__district": district})


def areas_shown(allowed: set[int] | None) -> list[Area]:
    """The areas a panel lists: those allowed, every one (by district) for None."""
    if allowed is None:
        return list(
            Area.objects.order_by("district__sort", "district__code", "sort", "code")
        )
    return [a for a in Area.objects.all() if a.pk in allowed]


def library_area_counts(
    user: object, day: dt.date, district: District | None = None
) -> CountTable:
    """How many enterprises each library had on `day`, per area in the user's scope
    (or in one district of it: the city's drill-down)."""
    allowed = in_district(scope_area_ids(user, None), district)
    counts = _members_by_area(day)
    _move_back(counts, day)
    areas = areas_shown(allowed)
    if allowed is not None:
        counts = {k: n for k, n in counts.items() if k[1] in allowed}
    counts = {k: n for k, n in counts.items() if n}
    totals: dict[str, int] = defaultdict(int)
    for (key, _), n in counts.items():
        totals[key] += n
    return CountTable(
        day, areas, counts, {lib.key: totals[lib.key] for lib in LIBRARIES}
    )


@dataclass(frozen=True)
class TierCounts:
    """Enterprises per rung (highest rung held on the day) and holding the mark."""

    day: dt.date
    ladder: tuple[str, ...]
    mark: str | None
    by_tier: dict[str, int]
    marked: int


def _per_enterprise(
    user: object,
    day: dt.date,
    ladder: tuple[str, ...],
    mark: str | None,
    district: District | None,
) -> QuerySet[Any, dict[str, Any]]:
    """One row per enterprise in scope: its highest rung (`top`) and mark on `day`."""
    rung = Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(ladder)],
        output_field=IntegerField(),
    )
    has_mark = Case(
        When(kind=mark or "", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        _held_everywhere(day)
        .alias(rung=rung, has_mark=has_mark)
        .filter(
            Q(rung__isnull=False) | Q(has_mark=1),
            enterprise_q(user, "enterprise__"),
            of_district(district, "enterprise__"),
        )
        .order_by()
        .values("enterprise_id")
        .annotate(top=Max("rung"), marked=Max("has_mark"))
        .values("top", "marked")
    )


def tier_counts(
    user: object,
    day: dt.date,
    ladder: tuple[str, ...],
    mark: str | None,
    district: District | None = None,
) -> TierCounts:
    """Enterprises in scope per highest rung on `day`, and those holding the mark.

    The per-enterprise rows are counted by a GROUP BY around them, so the
    database returns a handful of rows whatever the number of enterprises."""
    rows_per_firm = _per_enterprise(user, day, ladder, mark, district)
    inner, params = rows_per_firm.query.sql_with_params()
    sql = (
        'SELECT t."top", t."marked", COUNT(*) FROM (' + inner + ") t "
        'GROUP BY t."top", t."marked"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    tops: Counter[int] = Counter()
    marked = 0
    for top, is_marked, n in rows:
        if top is not None:
            tops[top] += n
        marked += n if is_marked else 0
    by_tier = {kind: tops[i] for i, kind in enumerate(ladder)}
    return TierCounts(day, ladder, mark, by_tier, marked)


@dataclass(frozen=True)
class RdArea:
    """研发投入强度 of one area (None: the whole scope): Σ R&D ÷ Σ sales over
    `count` enterprises."""

    area: Area | None
    count: int
    rd: Decimal
    sales: Decimal

    @property
    def intensity_pct(self) -> Decimal | None:
        return percent(self.rd, self.sales) if self.count else None


def rd_by_area(
    user: object, year: int, district: District | None = None
) -> tuple[list[RdArea], RdArea]:
    """Each area in scope (or in one district of it), and the whole: R&D intensity
    for `year` (one GROUP BY)."""
    allowed = in_district(scope_area_ids(user, None), district)
    rows = (
        AnnualFigures.objects.filter(
            Q(rd_expense__isnull=False, sales_revenue__gt=0),
            enterprise_q(user, "enterprise__"),
            of_district(district, "enterprise__"),
            year=year,
        )
        .annotate(area=F("enterprise__area_id") + Value(0))
        .values("area")
        .annotate(
            n=Count("id"),
            rd=MicroSum(Micro("rd_expense")),
            sales=MicroSum(Micro("sales_revenue")),
        )
        .values_list("area", "n", "rd", "sales")
    )
    found = {area_id: (n, rd, sales) for area_id, n, rd, sales in rows}
    areas = areas_shown(allowed)
    result = [_rd_area(a, *found.get(a.pk, (0, 0, 0))) for a in areas]
    total = RdArea(
        None,
        sum(r.count for r in result),
        sum((r.rd for r in result), Decimal(0)),
        sum((r.sales for r in result), Decimal(0)),
    )
    return result, total


def _rd_area(area: Area, n: int, rd: int, sales: int) -> RdArea:
    return RdArea(area, n, Decimal(rd).scaleb(-6), Decimal(sales).scaleb(-6))
