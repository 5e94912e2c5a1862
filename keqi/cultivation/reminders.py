"""The reminder calendar: which duty falls due for which enterprise, and when.

Each ReminderType says whom it concerns (holders of some qualifications, those
whose qualification expires that year, last year's holders, above-scale
enterprises, or everyone) and when it is due (a fixed day each year, overridable
per year by ReminderDate, or the certificate's own valid_until). An item is one
(type, enterprise, year). It is done when marked done (ReminderDone) or when the
registry already shows the follow-up (a renewed certificate, this year's 科小
number); otherwise it is overdue, due soon, or open (window started, due later).

Scope follows the enterprise's current area: an area's staff see their area only.

Only the enterprises a reminder can concern are read (holders of its kinds, the
above-scale ones it names). A 全部企业 reminder concerns every enterprise in scope,
a city's registry at a time: it stays a query (its count, and the rows of the page
asked for), so the lists are sequences of segments, one per due day and reminder.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from keqi.accounts.models import Area
from keqi.accounts.scopes import enterprise_q
from keqi.cultivation.models import (
    Audience,
    DueRule,
    ReminderDate,
    ReminderDone,
    ReminderType,
)
from keqi.cultivation.paging import SlicedRows
from keqi.cultivation.tiers import Holding
from keqi.registry.models import Enterprise, Qualification
from keqi.rules import QualificationFact
from keqi.rules.ladder import title_held


@dataclass(frozen=True)
class EnterpriseRef:
    """What a reminder shows of its enterprise (read as plain values: a district's
    calendar has an item for nearly every enterprise)."""

    pk: int
    name: str
    uscc: str
    area: Area | None
    above_scale: bool | None

    def __str__(self) -> str:
        return self.name


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


@dataclass(frozen=True)
class Item:
    """One reminder for one enterprise and year."""

    reminder_type: ReminderType
    enterprise: EnterpriseRef
    year: int
    opens_on: dt.date | None
    due_on: dt.date
    detail: str = ""
    done: ReminderDone | None = None
    done_by_registry: str = ""

    @property
    def is_done(self) -> bool:
        return self.done is not None or bool(self.done_by_registry)


class Segment:
    """Items of one list that share a due day and a reminder, in name order."""

    due_on: dt.date
    sort: tuple[Any, ...]

    def __len__(self) -> int:
        raise NotImplementedError

    def rows(self, start: int, stop: int) -> list[Item]:
        raise NotImplementedError


class ItemSegment(Segment):
    """Items already made (a reminder concerning some enterprises)."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.due_on = items[0].due_on
        self.sort = (self.due_on, 0, items[0].reminder_type.sort)

    def __len__(self) -> int:
        return len(self.items)

    def rows(self, start: int, stop: int) -> list[Item]:
        return self.items[start:stop]


class EveryoneSegment(Segment):
    """A 全部企业 reminder for one year: every enterprise of a query, made into
    items only for the rows read."""

    def __init__(
        self,
        rt: ReminderType,
        year: int,
        opens: dt.date | None,
        due: dt.date,
        enterprises: QuerySet[Enterprise],
        done: bool,
    ) -> None:
        self.rt, self.year, self.opens, self.due_on = rt, year, opens, due
        marked = ReminderDone.objects.filter(reminder_type=rt, year=year)
        ids = marked.values("enterprise_id")
        picked = (
            enterprises.filter(pk__in=ids) if done else enterprises.exclude(pk__in=ids)
        )
        self.query = picked.order_by("name", "pk")
        self.sort = (due, 1, rt.sort)
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def rows(self, start: int, stop: int) -> list[Item]:
        areas = {a.pk: a for a in Area.objects.all()}
        refs = [
            EnterpriseRef(pk, name, uscc, areas.get(area), above)
            for pk, name, uscc, area, above in self.query[start:stop].values_list(
                "pk", "name", "uscc", "area_id", "above_scale"
            )
        ]
        marks = {
            d.enterprise_id: d
            for d in ReminderDone.objects.filter(
                reminder_type=self.rt,
                year=self.year,
                enterprise_id__in=[r.pk for r in refs],
            )
        }
        return [
            Item(self.rt, r, self.year, self.opens, self.due_on, done=marks.get(r.pk))
            for r in refs
        ]


class Segments(SlicedRows[Item]):
    """One list of the calendar: segments by due day, read a slice at a time (a
    page asks for its length and one slice; the download iterates)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = sorted(segments, key=lambda s: s.sort)

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def __bool__(self) -> bool:
        return any(len(s) for s in self.segments)

    def rows(self, start: int, stop: int) -> list[Item]:
        found: list[Item] = []
        offset = 0
        for segment in self.segments:
            size = len(segment)
            if stop <= offset:
                break
            if start < offset + size:
                found += segment.rows(max(start - offset, 0), min(stop - offset, size))
            offset += size
        return found


@dataclass
class Calendar:
    """Items sorted into the lists staff work from, for one day and horizon."""

    today: dt.date
    ahead_days: int
    overdue: Segments = field(default_factory=lambda: Segments([]))
    upcoming: Segments = field(default_factory=lambda: Segments([]))
    open_now: Segments = field(default_factory=lambda: Segments([]))
    done: Segments = field(default_factory=lambda: Segments([]))


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


@dataclass
class _Facts:
    """What the rules read: enterprises in scope and their qualifications."""

    enterprises: dict[int, EnterpriseRef]
    quals: dict[int, list[QualRef]]
    dates: dict[tuple[int, int], ReminderDate]

    @cached_property
    def holders(self) -> dict[str, set[int]]:
        """Per kind, the enterprises with a qualification of it (in any year)."""
        found: dict[str, set[int]] = defaultdict(set)
        for pk, quals in self.quals.items():
            for q in quals:
                found[q.kind].add(pk)
        return found


def _held_between(q: QualRef, start: dt.date, end: dt.date) -> bool:
    """Held on some day of start..end (Holding.held_on's rule, on its first day)."""
    if q.granted_on is None or q.granted_on > end:
        return False
    return title_held(q.fact, max(start, q.granted_on))


def _ends_in(q: QualRef, year: int) -> bool:
    """Expires in `year` without having been revoked first."""
    if q.valid_until is None or q.valid_until.year != year:
        return False
    return q.revoked_on is None or q.revoked_on > q.valid_until


def _renewal(q: QualRef, quals: list[QualRef]) -> str:
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


def _expiry_items(rt: ReminderType, years: range, facts: _Facts) -> Iterator[Item]:
    for pk, quals in facts.quals.items():
        for q in quals:
            if q.kind not in rt.kinds or q.valid_until is None:
                continue
            if q.valid_until.year in years and _ends_in(q, q.valid_until.year):
                yield Item(
                    rt,
                    facts.enterprises[pk],
                    q.valid_until.year,
                    None,
                    q.valid_until,
                    f"{q.kind} {q.number} 有效期至 {q.valid_until:%Y-%m-%d}",
                    done_by_registry=_renewal(q, quals),
                )


def _fixed_items(rt: ReminderType, years: range, facts: _Facts) -> Iterator[Item]:
    candidates = _candidates(rt, facts)
    for year in years:
        opens, due = window(rt, year, facts.dates)
        if due is None:
            continue
        start = opens or dt.date(year, 1, 1)
        for pk in candidates:
            e = facts.enterprises[pk]
            found = _concerns(rt, year, start, due, e, facts.quals.get(pk, []))
            if found is not None:
                detail, done = found
                yield Item(rt, e, year, opens, due, detail, done_by_registry=done)


def _candidates(rt: ReminderType, facts: _Facts) -> list[int]:
    """Enterprises a reminder can concern: everyone for 全部企业; otherwise those
    holding one of its kinds (in any year), and above-scale ones when it names
    them. The rest would all be turned down by `_concerns`."""
    if rt.audience == Audience.ALL:
        return list(facts.enterprises)
    found: set[int] = set().union(*(facts.holders.get(k, set()) for k in rt.kinds))
    if rt.include_above_scale:
        found |= {pk for pk, e in facts.enterprises.items() if e.above_scale}
    return [pk for pk in found if pk in facts.enterprises]


def _concerns(
    rt: ReminderType,
    year: int,
    start: dt.date,
    due: dt.date,
    e: EnterpriseRef,
    quals: list[QualRef],
) -> tuple[str, str] | None:
    """(detail, done-by-registry) when the reminder concerns `e` that year, else None."""
    if rt.audience == Audience.ALL:
        return "", ""
    mine = [q for q in quals if q.kind in rt.kinds]
    if rt.audience == Audience.EXPIRING:
        ending = [q for q in mine if _ends_in(q, year)]
        if not ending:
            return None
        q = ending[0]
        return f"{q.kind} {q.number} 有效期至 {q.valid_until:%Y-%m-%d}", _renewal(
            q, quals
        )
    if rt.audience == Audience.PREVIOUS_HOLDERS:
        last_year = dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
        if not any(_held_between(q, *last_year) for q in mine):
            return None
        fresh = [q for q in mine if q.granted_on and q.granted_on.year == year]
        done = f"{year}年已取得（{fresh[0].number or '无编号'}）" if fresh else ""
        return f"{year - 1}年持有{'、'.join(rt.kinds)}", done
    if any(_held_between(q, start, due) for q in mine):
        return "", ""
    if rt.include_above_scale and e.above_scale:
        return "规上企业", ""
    return None


def _facts(
    enterprises: QuerySet[Enterprise], types: list[ReminderType], first_year: int
) -> _Facts:
    """The enterprises the reminders can concern (holders of their kinds, the
    above-scale ones when named), not the whole scope, and their qualifications.

    A qualification that ran out before the year before `first_year` can neither
    fall due, nor be held, nor have been held the year before in the years shown,
    and its renewals run out later: it is not read (a registry keeps decades)."""
    kinds = {k for rt in types for k in rt.kinds}
    recent = Q(valid_until__isnull=True) | Q(
        valid_until__gte=dt.date(first_year - 1, 1, 1)
    )
    quals: dict[int, list[QualRef]] = defaultdict(list)
    rows = (
        Qualification.objects.filter(recent, kind__in=kinds, enterprise__in=enterprises)
        .order_by("granted_on", "id")
        .values_list(
            "enterprise_id", "kind", "number", "granted_on", "valid_until", "revoked_on"
        )
    )
    for pk, kind, number, granted, until, revoked in rows:
        quals[pk].append(QualRef(kind, number, granted, until, revoked))
    holders = Qualification.objects.filter(recent, kind__in=kinds).values(
        "enterprise_id"
    )
    concerned = Q(pk__in=holders)
    if any(rt.include_above_scale for rt in types):
        concerned |= Q(above_scale=True)
    wanted = enterprises.filter(concerned)
    areas = {a.pk: a for a in Area.objects.all()}
    by_pk = {
        pk: EnterpriseRef(pk, name, uscc, areas.get(area), above)
        for pk, name, uscc, area, above in wanted.values_list(
            "pk", "name", "uscc", "area_id", "above_scale"
        )
    }
    dates = {(d.reminder_type_id, d.year): d for d in ReminderDate.objects.all()}
    return _Facts(by_pk, dict(quals), dates)


def _in_scope(
    user: object, area_id: int | None, enterprise_id: int | None
) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.filter(enterprise_q(user))
    if area_id is not None:
        enterprises = enterprises.filter(area_id=area_id)
    if enterprise_id is not None:
        enterprises = enterprises.filter(pk=enterprise_id)
    return enterprises


def _everyone(rt: ReminderType) -> bool:
    """A fixed-date reminder for every enterprise (kept as a query)."""
    return rt.audience == Audience.ALL and rt.due_rule == DueRule.FIXED


def reminder_calendar(
    user: object,
    *,
    today: dt.date,
    ahead_days: int = 30,
    behind_days: int = 365,
    area_id: int | None = None,
    enterprise_id: int | None = None,
) -> Calendar:
    """Overdue, due-soon, open and done reminders in the user's scope around `today`."""
    types = list(ReminderType.objects.filter(enabled=True))
    enterprises = _in_scope(user, area_id, enterprise_id)
    first = today - dt.timedelta(days=behind_days)
    facts = _facts(enterprises, [rt for rt in types if not _everyone(rt)], first.year)
    last = today + dt.timedelta(days=ahead_days)
    years = range(first.year, last.year + 1)
    items: list[Item] = []
    for rt in types:
        if _everyone(rt):
            continue
        make = _expiry_items if rt.due_rule == DueRule.VALID_UNTIL else _fixed_items
        items.extend(make(rt, years, facts))
    lists: dict[str, list[Segment]] = defaultdict(list)
    _sort(lists, items, _done_rows(facts, years), today, first, last)
    for rt in filter(_everyone, types):
        for year in years:
            _everyone_segments(lists, rt, year, facts, enterprises, today, first, last)
    return Calendar(today, ahead_days, **{k: Segments(v) for k, v in lists.items()})


def _section(item: Item, today: dt.date, first: dt.date, last: dt.date) -> str:
    """The list an item belongs to on `today`, or "" when outside the window."""
    opened = item.opens_on is not None and item.opens_on <= today
    if not (first <= item.due_on <= last or (opened and item.due_on > last)):
        return ""
    if item.is_done:
        return "done"
    if item.due_on < today:
        return "overdue"
    return "upcoming" if item.due_on <= last else "open_now"


def _everyone_segments(
    lists: dict[str, list[Segment]],
    rt: ReminderType,
    year: int,
    facts: _Facts,
    enterprises: QuerySet[Enterprise],
    today: dt.date,
    first: dt.date,
    last: dt.date,
) -> None:
    opens, due = window(rt, year, facts.dates)
    if due is None:
        return
    probe = Item(rt, EnterpriseRef(0, "", "", None, None), year, opens, due)
    section = _section(probe, today, first, last)
    if not section:
        return
    for done, name in ((False, section), (True, "done")):
        segment = EveryoneSegment(rt, year, opens, due, enterprises, done)
        if len(segment):
            lists[name].append(segment)


def _done_rows(facts: _Facts, years: range) -> dict[tuple[int, int, int], ReminderDone]:
    """Done marks of the enterprises read (the marks are few; the enterprises may
    be a city's, too many for one IN list)."""
    return {
        (d.reminder_type_id, d.enterprise_id, d.year): d
        for d in ReminderDone.objects.filter(year__in=years)
        if d.enterprise_id in facts.enterprises
    }


def _sort(
    lists: dict[str, list[Segment]],
    items: list[Item],
    done: dict[tuple[int, int, int], ReminderDone],
    today: dt.date,
    first: dt.date,
    last: dt.date,
) -> None:
    """Each item into its list, as segments of one due day and reminder."""
    grouped: dict[tuple[str, dt.date, int], list[Item]] = defaultdict(list)
    for item in items:
        mark = done.get((item.reminder_type.pk, item.enterprise.pk, item.year))
        if mark is not None:
            item = replace(item, done=mark)
        section = _section(item, today, first, last)
        if section:
            grouped[(section, item.due_on, item.reminder_type.pk)].append(item)
    for (section, _, _), found in grouped.items():
        found.sort(key=lambda i: (i.enterprise.name, i.enterprise.pk))
        lists[section].append(ItemSegment(found))
