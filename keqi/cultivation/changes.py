"""What changed in a library between two dates, and the proof that it adds up.

Counting one area (or the whole district when none is given), every enterprise
counted on d1 but not on d2, or on d2 but not on d1, falls in exactly one group:

- 新增 (new): not in the library anywhere on d1, in it (in this area) on d2 —
  a qualification was granted in (d1, d2];
- 到期 (expired) / 撤销 (revoked): in it (in this area) on d1, in it nowhere on
  d2; the group follows how its last qualification ended in (d1, d2];
- 迁入 (moved in): in the library on both days, elsewhere on d1, here on d2;
- 迁出 (moved out): in the library on both days, here on d1, elsewhere on d2.

So count(d1) + new − expired − revoked + moved_in − moved_out = count(d2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from django.core.exceptions import ValidationError

from keqi.accounts.models import District
from keqi.cultivation.libraries import (
    Library,
    MemberRows,
    by_name,
    in_district,
    scope_area_ids,
    snapshot,
)
from keqi.registry.models import Qualification

ONE_DAY = dt.timedelta(days=1)


#: The groups of a change report: attribute (also the page's anchor) and heading.
GROUPS = (
    ("new", "新增（期间取得资质）"),
    ("expired", "到期（期间有效期届满）"),
    ("revoked", "撤销（期间被撤销）"),
    ("moved_in", "迁入（由其他街镇/园区迁入）"),
    ("moved_out", "迁出（迁往其他街镇/园区）"),
)


@dataclass(frozen=True)
class ChangeReport:
    """The counts on both days and the enterprises behind each difference."""

    library: Library
    start: dt.date
    end: dt.date
    count_start: int
    count_end: int
    new: MemberRows
    expired: MemberRows
    revoked: MemberRows
    moved_in: MemberRows
    moved_out: MemberRows

    @property
    def computed_end(self) -> int:
        """count(d1) + new − expired − revoked + moved in − moved out."""
        return (
            self.count_start
            + len(self.new)
            - len(self.expired)
            - len(self.revoked)
            + len(self.moved_in)
            - len(self.moved_out)
        )

    @property
    def reconciles(self) -> bool:
        return self.computed_end == self.count_end


class Ends(Protocol):
    """What of a qualification says how it ended."""

    @property
    def valid_until(self) -> dt.date | None: ...
    @property
    def revoked_on(self) -> dt.date | None: ...


class Held(NamedTuple):
    valid_until: dt.date | None
    revoked_on: dt.date | None


def ended_by_revocation(quals: Sequence[Ends], start: dt.date, end: dt.date) -> bool:
    """Whether the last of these qualifications to stop in [start, end) was revoked.

    A qualification's last day in force is valid_until or the day before
    revoked_on, whichever comes first (expiry wins a tie).
    """
    endings: list[tuple[dt.date, bool]] = []
    for q in quals:
        stops = [(q.valid_until, False)] if q.valid_until else []
        if q.revoked_on is not None:
            stops.append((q.revoked_on - ONE_DAY, True))
        if stops and start <= min(stops)[0] < end:
            endings.append(min(stops))
    return bool(endings) and max(endings)[1]


def change_report(
    user: object,
    library: Library,
    start: dt.date,
    end: dt.date,
    area_id: int | None = None,
    district: District | None = None,
) -> ChangeReport:
    """Compare a library on two dates for one area (or the user's whole scope, or
    one district of it)."""
    if start > end:
        raise ValidationError("起始日期不能晚于截止日期")
    areas = in_district(scope_area_ids(user, area_id), district)
    first, last = snapshot(start, (library,)), snapshot(end, (library,))
    held_first = first.in_areas(library.key, None)
    held_last = last.in_areas(library.key, None)
    here_first = first.in_areas(library.key, areas)
    here_last = last.in_areas(library.key, areas)
    lost = here_first - held_last
    revoked = _revoked_among(lost, library, start, end)

    changed = here_last ^ here_first
    ordered = by_name(changed)  # one reading of the names for every group

    def rows(pks: set[int], *, at_end: bool) -> MemberRows:
        """The group by name; its rows are read only for the page shown (or the
        download), never for the whole registry."""
        day = end if at_end else start
        mine = [pk for pk in ordered if pk in pks]
        return MemberRows(mine, library, day, first.area_of, last.area_of)

    return ChangeReport(
        library=library,
        start=start,
        end=end,
        count_start=len(here_first),
        count_end=len(here_last),
        new=rows(here_last - held_first, at_end=True),
        expired=rows(lost - revoked, at_end=False),
        revoked=rows(revoked, at_end=False),
        moved_in=rows((here_last - here_first) & held_first, at_end=True),
        moved_out=rows((here_first - here_last) & held_last, at_end=False),
    )


def _revoked_among(
    pks: set[int], library: Library, start: dt.date, end: dt.date
) -> set[int]:
    by_enterprise: dict[int, list[Held]] = {}
    quals = Qualification.objects.filter(
        enterprise_id__in=pks, kind__in=library.kinds
    ).values_list("enterprise_id", "valid_until", "revoked_on")
    for pk, until, revoked in quals:
        by_enterprise.setdefault(pk, []).append(Held(until, revoked))
    return {
        pk
        for pk, held in by_enterprise.items()
        if ended_by_revocation(held, start, end)
    }
