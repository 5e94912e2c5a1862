"""Whom a reminder concerns, decided for one enterprise at a time.

These are the rules of the reminder calendar, over plain values (an enterprise's
qualifications as the registry has them). The calendar counts and pages with the
same decisions made as queries (`reminder_queries`); it uses these functions for
the rows it shows, and the tests prove the queries pick exactly the enterprises
these functions pick.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from keqi.cultivation.models import Audience, ReminderDate, ReminderType
from keqi.cultivation.tiers import Holding
from keqi.rules import QualificationFact
from keqi.rules.ladder import title_held


@dataclass
class QualRef:
    """A qualification as the reminder rules read it."""

    kind: str
    number: str
    granted_on: dt.date | None
    valid_until: dt.date | None
    revoked_on: dt.date | None

    @cached_property
    def fact(self) -> QualificationFact:
        """The engine's view of it (made once: a city's calendar asks often)."""
        return Holding(
            self.kind, self.granted_on, self.valid_until, self.revoked_on
        ).fact()


def _on(year: int, month: int | None, day: int | None) -> dt.date | None:
    """A month/day in a year; 29 February falls back to the month's last day."""
    if month is None or day is None:
        return None
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def window(
    rt: ReminderType, year: int, dates: dict[tuple[int, int], ReminderDate]
) -> tuple[dt.date | None, dt.date | None]:
    """(opens, due) for a fixed-date reminder in a year: that year's row, else default."""
    row = dates.get((rt.pk, year))
    if row is not None:
        return row.opens_on, row.due_on
    return _on(year, rt.opens_month, rt.opens_day), _on(year, rt.due_month, rt.due_day)


def held_between(q: QualRef, start: dt.date, end: dt.date) -> bool:
    """Held on some day of start..end (Holding.held_on's rule, on its first day)."""
    if q.granted_on is None or q.granted_on > end:
        return False
    return title_held(q.fact, max(start, q.granted_on))


def ends_in(q: QualRef, year: int) -> bool:
    """Expires in `year` without having been revoked first."""
    if q.valid_until is None or q.valid_until.year != year:
        return False
    return q.revoked_on is None or q.revoked_on > q.valid_until


def renewal(q: QualRef, quals: list[QualRef]) -> str:
    """How the registry shows `q` renewed: the first later grant of its kind."""
    later = [
        r
        for r in quals
        if r.kind == q.kind
        and r.granted_on
        and q.granted_on
        and r.granted_on > q.granted_on
    ]
    if not later:
        return ""
    r = min(later, key=lambda x: x.granted_on)  # type: ignore[arg-type,return-value]
    return f"已于 {r.granted_on:%Y-%m-%d} 重新取得{r.kind}（{r.number or '无编号'}）"


def expiry_detail(q: QualRef) -> str:
    return f"{q.kind} {q.number} 有效期至 {q.valid_until:%Y-%m-%d}"


def concerns(
    rt: ReminderType,
    year: int,
    start: dt.date,
    due: dt.date,
    above_scale: bool | None,
    quals: list[QualRef],
) -> tuple[str, str] | None:
    """(detail, done-by-registry) when a fixed-date reminder concerns an enterprise
    that year (window start..due), else None. `quals`: the enterprise's
    qualifications of the reminder's kinds, by date granted."""
    if rt.audience == Audience.ALL:
        return "", ""
    mine = [q for q in quals if q.kind in rt.kinds]
    if rt.audience == Audience.EXPIRING:
        ending = [q for q in mine if ends_in(q, year)]
        if not ending:
            return None
        return expiry_detail(ending[0]), renewal(ending[0], quals)
    if rt.audience == Audience.PREVIOUS_HOLDERS:
        last_year = dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
        if not any(held_between(q, *last_year) for q in mine):
            return None
        fresh = [q for q in mine if q.granted_on and q.granted_on.year == year]
        done = f"{year}年已取得（{fresh[0].number or '无编号'}）" if fresh else ""
        return f"{year - 1}年持有{'、'.join(rt.kinds)}", done
    if any(held_between(q, start, due) for q in mine):
        return "", ""
    if rt.include_above_scale and above_scale:
        return "规上企业", ""
    return None
