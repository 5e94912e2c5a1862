"""The reminder calendar: which duty falls due for which enterprise, and when.

Each ReminderType says whom it concerns (holders of some qualifications, those
whose qualification expires that year, last year's holders, above-scale
enterprises, or everyone) and when it is due (a fixed day each year, overridable
per year by ReminderDate, or the certificate's own valid_until). An item is one
(type, enterprise, year). It is done when marked done (ReminderDone) or when the
registry already shows the follow-up (a renewed certificate, this year's 科小
number); otherwise it is overdue, due soon, or open (window started, due later).

Scope follows the enterprise's current area: an area's staff see their area only.
Each district keeps its own reminder types and dates (issue 17): a district's
enterprises are reminded by its own, so a calendar over several districts (the
city's) is each district's calendar, merged.

A city's calendar has an item for a large share of its registry, so a
fixed-date reminder's items of one year are a query (`reminder_queries`: its
audience, split into done and not done), counted by the database and made into
items only for the rows read (the page's 50, the download in chunks), with the
per-enterprise rules (`reminder_rules`) filling in each row's details. Items
due on a certificate's own end date are few (those ending within the window)
and are made in Python. The lists are sequences of segments, one per due day
and reminder, each in name order.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Collate

from keqi.accounts.models import Area, District
from keqi.cultivation.libraries import scope_area_ids
from keqi.cultivation.models import (
    Audience,
    DueRule,
    ReminderDate,
    ReminderDone,
    ReminderType,
)
from keqi.cultivation.paging import SlicedRows
from keqi.cultivation.reminder_queries import (
    concerned_q,
    done_q,
    recent_q,
)
from keqi.cultivation.reminder_rules import (
    QualRef,
    concerns,
    ends_in,
    expiry_detail,
    renewal,
    window,
)
from keqi.cultivation.selectors import districts_in_view
from keqi.registry.models import Enterprise, Qualification

__all__ = ["Calendar", "EnterpriseRef", "Item", "Segments", "reminder_calendar"]


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


def by_name() -> list[OrderBy]:
    """Enterprise name order as Python sorts strings (by code point; PostgreSQL's
    database collation may sort otherwise), then id."""
    name: Any = F("name")
    if connection.vendor == "postgresql":
        name = Collate("name", "C")
    return [name.asc(), F("pk").asc()]


class _Refs:
    """Enterprises read as EnterpriseRef, with the areas read once."""

    def __init__(self) -> None:
        self.areas = {a.pk: a for a in Area.objects.select_related("district")}

    def read(self, query: QuerySet[Enterprise]) -> list[EnterpriseRef]:
        return [
            EnterpriseRef(pk, name, uscc, self.areas.get(area), above)
            for pk, name, uscc, area, above in query.values_list(
                "pk", "name", "uscc", "area_id", "above_scale"
            )
        ]


def _quals(rows: QuerySet[Qualification]) -> dict[int, list[QualRef]]:
    """Qualifications per enterprise, by date granted then id (the database's
    order, as the rules have always read them)."""
    found: dict[int, list[QualRef]] = defaultdict(list)
    for pk, kind, number, granted, until, revoked in rows.order_by(
        "granted_on", "id"
    ).values_list(
        "enterprise_id", "kind", "number", "granted_on", "valid_until", "revoked_on"
    ):
        found[pk].append(QualRef(kind, number, granted, until, revoked))
    return found


class Segment:
    """Items of one list that share a due day and a reminder, in name order."""

    due_on: dt.date
    sort: tuple[Any, ...]

    def __len__(self) -> int:
        raise NotImplementedError

    def rows(self, start: int, stop: int) -> list[Item]:
        raise NotImplementedError


class ItemSegment(Segment):
    """Items already made (those due on a certificate's own end date)."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.due_on = items[0].due_on
        self.sort = (self.due_on, 0, items[0].reminder_type.sort)

    def __len__(self) -> int:
        return len(self.items)

    def rows(self, start: int, stop: int) -> list[Item]:
        return self.items[start:stop]


@dataclass
class YearAudience:
    """A fixed-date reminder in one year: the enterprises it concerns, as a
    query, and which of them are done."""

    rt: ReminderType
    year: int
    opens: dt.date | None
    due: dt.date
    first_year: int
    enterprises: QuerySet[Enterprise]
    refs: _Refs
    _counts: dict[bool, int] | None = None

    @property
    def start(self) -> dt.date:
        return self.opens or dt.date(self.year, 1, 1)

    def concerned(self) -> QuerySet[Enterprise]:
        q = concerned_q(self.rt, self.year, self.start, self.due, self.first_year)
        return self.enterprises.filter(q)

    def count(self, done: bool) -> int:
        """Items done or not (both counted by one query)."""
        if self._counts is None:
            done_filter = done_q(self.rt, self.year, self.first_year)
            found = self.concerned().aggregate(
                every=Count("pk"), done=Count("pk", filter=done_filter)
            )
            self._counts = {True: found["done"], False: found["every"] - found["done"]}
        return self._counts[done]

    def query(self, done: bool) -> QuerySet[Enterprise]:
        finished = done_q(self.rt, self.year, self.first_year)
        concerned = self.concerned()
        picked = concerned.filter(finished) if done else concerned.exclude(finished)
        return picked.order_by(*by_name())

    def items(self, refs: list[EnterpriseRef]) -> list[Item]:
        """The items of these enterprises, details by the per-enterprise rules."""
        pks = [r.pk for r in refs]
        quals = _quals(
            Qualification.objects.filter(
                recent_q(self.first_year), kind__in=self.rt.kinds, enterprise_id__in=pks
            )
        )
        marks = {
            d.enterprise_id: d
            for d in ReminderDone.objects.filter(
                reminder_type=self.rt, year=self.year, enterprise_id__in=pks
            )
        }
        made = []
        for ref in refs:
            found = concerns(
                self.rt, self.year, self.start, self.due, ref.above_scale, quals[ref.pk]
            )
            detail, done = found or ("", "")
            made.append(
                Item(
                    self.rt,
                    ref,
                    self.year,
                    self.opens,
                    self.due,
                    detail,
                    done=marks.get(ref.pk),
                    done_by_registry=done,
                )
            )
        return made


class AudienceSegment(Segment):
    """A fixed-date reminder's items of one year, done or not: a query, made
    into items only for the rows read."""

    def __init__(self, audience: YearAudience, done: bool) -> None:
        self.audience, self.done = audience, done
        self.due_on = audience.due
        self.sort = (audience.due, 0, audience.rt.sort)

    def __len__(self) -> int:
        return self.audience.count(self.done)

    def rows(self, start: int, stop: int) -> list[Item]:
        query = self.audience.query(self.done)[start:stop]
        return self.audience.items(self.audience.refs.read(query))


class MergedSegment(Segment):
    """Two years of one reminder that fall due on the same day (a year's date set
    onto another's): one segment in name order, then by year."""

    def __init__(self, parts: list[AudienceSegment]) -> None:
        self.parts = parts
        self.due_on = parts[0].due_on
        self.sort = parts[0].sort
        self._order: list[tuple[int, EnterpriseRef]] | None = None

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def order(self) -> list[tuple[int, EnterpriseRef]]:
        if self._order is None:
            each = [
                [(n, r) for r in p.audience.refs.read(p.audience.query(p.done))]
                for n, p in enumerate(self.parts)
            ]
            merged = heapq.merge(*each, key=lambda t: (t[1].name, t[1].pk))
            self._order = list(merged)
        return self._order

    def rows(self, start: int, stop: int) -> list[Item]:
        picked = self.order()[start:stop]
        made: dict[tuple[int, int], Item] = {}
        for n, part in enumerate(self.parts):
            refs = [r for m, r in picked if m == n]
            made |= {(n, i.enterprise.pk): i for i in part.audience.items(refs)}
        return [made[(n, r.pk)] for n, r in picked]


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
        refs: _Refs,
    ) -> None:
        self.rt, self.year, self.opens, self.due_on = rt, year, opens, due
        self.refs = refs
        marked = ReminderDone.objects.filter(reminder_type=rt, year=year)
        ids = marked.values("enterprise_id")
        picked = (
            enterprises.filter(pk__in=ids) if done else enterprises.exclude(pk__in=ids)
        )
        self.query = picked.order_by(*by_name())
        self.sort = (due, 1, rt.sort)
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def rows(self, start: int, stop: int) -> list[Item]:
        refs = self.refs.read(self.query[start:stop])
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


@dataclass(frozen=True)
class _Window:
    """The days a calendar shows: due first..last, or opened by today."""

    today: dt.date
    first: dt.date
    last: dt.date

    @property
    def years(self) -> range:
        return range(self.first.year, self.last.year + 1)

    def section(self, opens: dt.date | None, due: dt.date, is_done: bool) -> str:
        """The list an item belongs to on `today`, or "" when outside the window."""
        opened = opens is not None and opens <= self.today
        if not (self.first <= due <= self.last or (opened and due > self.last)):
            return ""
        if is_done:
            return "done"
        if due < self.today:
            return "overdue"
        return "upcoming" if due <= self.last else "open_now"


def _in_scope(
    user: object, area_id: int | None, enterprise_id: int | None, district: District
) -> QuerySet[Enterprise]:
    """The enterprises of `district` the user may see (`scope_area_ids`, which
    is `enterprise_q`), written as their areas' ids: SQLite then reads the few enterprises a reminder
    concerns by id rather than every enterprise of the district's areas (a
    third of the time)."""
    areas = scope_area_ids(user, area_id)
    own = {a.pk for a in district.areas.all()}
    picked = own if areas is None else areas & own
    enterprises = Enterprise.objects.filter(area_id__in=sorted(picked))
    if enterprise_id is not None:
        enterprises = enterprises.filter(pk=enterprise_id)
    return enterprises


def reminder_calendar(
    user: object,
    *,
    today: dt.date,
    ahead_days: int = 30,
    behind_days: int = 365,
    area_id: int | None = None,
    enterprise_id: int | None = None,
    district: District | None = None,
) -> Calendar:
    """Overdue, due-soon, open and done reminders in the user's scope around
    `today` (in `district` when given), each district's enterprises by its own
    reminder types and dates."""
    days = _Window(
        today,
        today - dt.timedelta(days=behind_days),
        today + dt.timedelta(days=ahead_days),
    )
    refs = _Refs()
    lists: dict[str, list[Segment]] = defaultdict(list)
    for shown in districts_in_view(user, district):
        enterprises = _in_scope(user, area_id, enterprise_id, shown)
        for name, segment in _district_segments(shown, enterprises, days, refs):
            lists[name].append(segment)
    return Calendar(today, ahead_days, **{k: Segments(v) for k, v in lists.items()})


def _district_segments(
    district: District,
    enterprises: QuerySet[Enterprise],
    days: _Window,
    refs: _Refs,
) -> list[tuple[str, Segment]]:
    """One district's segments, by its own enabled reminder types and dates (the
    全部企业 ones after the others of the same day)."""
    types = list(ReminderType.objects.filter(district=district, enabled=True))
    dates = {
        (d.reminder_type_id, d.year): d
        for d in ReminderDate.objects.filter(reminder_type__district=district)
    }
    found: list[tuple[str, Segment]] = []
    everyone: list[tuple[str, Segment]] = []
    for rt in types:
        if rt.due_rule == DueRule.VALID_UNTIL:
            found += _expiry_segments(rt, enterprises, days, refs)
        elif rt.audience == Audience.ALL:
            everyone += _everyone_segments(rt, enterprises, days, dates, refs)
        else:
            found += _fixed_segments(rt, enterprises, days, dates, refs)
    return found + everyone


Dates = dict[tuple[int, int], ReminderDate]


def _fixed_segments(
    rt: ReminderType,
    enterprises: QuerySet[Enterprise],
    days: _Window,
    dates: Dates,
    refs: _Refs,
) -> list[tuple[str, Segment]]:
    """A fixed-date reminder's segments: per year in the window, its audience
    not done (in the list its due day puts it) and done."""
    grouped: dict[tuple[str, dt.date], list[AudienceSegment]] = defaultdict(list)
    for year in days.years:
        opens, due = window(rt, year, dates)
        if due is None or not (section := days.section(opens, due, False)):
            continue
        audience = YearAudience(
            rt, year, opens, due, days.first.year, enterprises, refs
        )
        for done, name in ((False, section), (True, "done")):
            grouped[(name, due)].append(AudienceSegment(audience, done))
    return [
        (name, parts[0] if len(parts) == 1 else MergedSegment(parts))
        for (name, _), parts in grouped.items()
    ]


def _everyone_segments(
    rt: ReminderType,
    enterprises: QuerySet[Enterprise],
    days: _Window,
    dates: Dates,
    refs: _Refs,
) -> list[tuple[str, Segment]]:
    """A 全部企业 reminder's segments: per year, every enterprise not marked done
    and every one marked."""
    found: list[tuple[str, Segment]] = []
    for year in days.years:
        opens, due = window(rt, year, dates)
        if due is None or not (section := days.section(opens, due, False)):
            continue
        for done, name in ((False, section), (True, "done")):
            segment = EveryoneSegment(rt, year, opens, due, enterprises, done, refs)
            if len(segment):
                found.append((name, segment))
    return found


def _expiry_segments(
    rt: ReminderType, enterprises: QuerySet[Enterprise], days: _Window, refs: _Refs
) -> list[tuple[str, Segment]]:
    """Items due on a certificate's own end date: those ending within the window
    (renewed when a later grant of the kind is in the registry)."""
    concerned = enterprises.filter(
        pk__in=Qualification.objects.filter(
            kind__in=rt.kinds, valid_until__gte=days.first, valid_until__lte=days.last
        ).values("enterprise_id")
    )
    ending = concerned.values("pk")
    quals = _quals(
        Qualification.objects.filter(
            recent_q(days.first.year), kind__in=rt.kinds, enterprise_id__in=ending
        )
    )
    by_pk = {r.pk: r for r in refs.read(concerned)}
    marks = {
        (d.enterprise_id, d.year): d
        for d in ReminderDone.objects.filter(
            reminder_type=rt, year__in=days.years, enterprise_id__in=ending
        )
    }
    grouped: dict[tuple[str, dt.date], list[Item]] = defaultdict(list)
    for pk, held in quals.items():
        for q in held:
            due = q.valid_until
            if due is None or not days.first <= due <= days.last:
                continue
            if not ends_in(q, due.year):
                continue
            item = Item(
                rt,
                by_pk[pk],
                due.year,
                None,
                due,
                expiry_detail(q),
                done=marks.get((pk, due.year)),
                done_by_registry=renewal(q, held),
            )
            grouped[(days.section(None, due, item.is_done), due)].append(item)
    found: list[tuple[str, Segment]] = []
    for (name, _), items in grouped.items():
        items.sort(key=lambda i: (i.enterprise.name, i.enterprise.pk))
        found.append((name, ItemSegment(items)))
    return found
