"""The reminder calendar as it was made before its audiences became queries:
every enterprise a reminder can concern read into Python, each decided by the
per-enterprise rules, the items sorted into lists. Kept as the reference the
query path is compared with (test_reminders_queries). Each district's
enterprises by its own reminder types and dates (issue 17)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import enterprise_q
from keqi.cultivation.models import (
    Audience,
    DueRule,
    ReminderDate,
    ReminderDone,
    ReminderType,
)
from keqi.cultivation.reminder_rules import (
    QualRef,
    concerns,
    ends_in,
    expiry_detail,
    renewal,
    window,
)
from keqi.cultivation.reminders import EnterpriseRef, Item
from keqi.registry.models import Enterprise, Qualification

LISTS = ("overdue", "upcoming", "open_now", "done")


@dataclass
class _Facts:
    enterprises: dict[int, EnterpriseRef]
    quals: dict[int, list[QualRef]]
    dates: dict[tuple[int, int], ReminderDate]

    @cached_property
    def holders(self) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        for pk, quals in self.quals.items():
            for q in quals:
                found[q.kind].add(pk)
        return found


def _facts(enterprises: QuerySet[Enterprise], first_year: int) -> _Facts:
    """Every enterprise in scope (a 全部企业 reminder concerns them all) and the
    qualifications that can matter (those that ran out before the year before
    the window's first are left out, as before)."""
    recent = Q(valid_until__isnull=True) | Q(
        valid_until__gte=dt.date(first_year - 1, 1, 1)
    )
    quals: dict[int, list[QualRef]] = defaultdict(list)
    rows = (
        Qualification.objects.filter(recent, enterprise__in=enterprises)
        .order_by("granted_on", "id")
        .values_list(
            "enterprise_id", "kind", "number", "granted_on", "valid_until", "revoked_on"
        )
    )
    for pk, kind, number, granted, until, revoked in rows:
        quals[pk].append(QualRef(kind, number, granted, until, revoked))
    areas = {a.pk: a for a in Area.objects.all()}
    by_pk = {
        pk: EnterpriseRef(pk, name, uscc, areas.get(area), above)
        for pk, name, uscc, area, above in enterprises.values_list(
            "pk", "name", "uscc", "area_id", "above_scale"
        )
    }
    dates = {(d.reminder_type_id, d.year): d for d in ReminderDate.objects.all()}
    return _Facts(by_pk, dict(quals), dates)  # a type's dates are its own


def _expiry_items(rt: ReminderType, years: range, facts: _Facts) -> Iterator[Item]:
    for pk, quals in facts.quals.items():
        for q in quals:
            if q.kind not in rt.kinds or q.valid_until is None:
                continue
            if q.valid_until.year in years and ends_in(q, q.valid_until.year):
                yield Item(
                    rt,
                    facts.enterprises[pk],
                    q.valid_until.year,
                    None,
                    q.valid_until,
                    expiry_detail(q),
                    done_by_registry=renewal(q, quals),
                )


def _candidates(rt: ReminderType, facts: _Facts) -> list[int]:
    if rt.audience == Audience.ALL:
        return list(facts.enterprises)
    found: set[int] = set().union(*(facts.holders.get(k, set()) for k in rt.kinds))
    if rt.include_above_scale:
        found |= {pk for pk, e in facts.enterprises.items() if e.above_scale}
    return [pk for pk in found if pk in facts.enterprises]


def _fixed_items(rt: ReminderType, years: range, facts: _Facts) -> Iterator[Item]:
    candidates = _candidates(rt, facts)
    for year in years:
        opens, due = window(rt, year, facts.dates)
        if due is None:
            continue
        start = opens or dt.date(year, 1, 1)
        for pk in candidates:
            e = facts.enterprises[pk]
            quals = facts.quals.get(pk, [])
            found = concerns(rt, year, start, due, e.above_scale, quals)
            if found is not None:
                detail, done = found
                yield Item(rt, e, year, opens, due, detail, done_by_registry=done)


def _section(item: Item, today: dt.date, first: dt.date, last: dt.date) -> str:
    opened = item.opens_on is not None and item.opens_on <= today
    if not (first <= item.due_on <= last or (opened and item.due_on > last)):
        return ""
    if item.is_done:
        return "done"
    if item.due_on < today:
        return "overdue"
    return "upcoming" if item.due_on <= last else "open_now"


def calendar_by_enterprise(
    user: Any,
    *,
    today: dt.date,
    ahead_days: int = 30,
    behind_days: int = 365,
    area_id: int | None = None,
) -> dict[str, list[Item]]:
    """Each list of the calendar, every item in the page's order."""
    scoped = Enterprise.objects.filter(enterprise_q(user))
    if area_id is not None:
        scoped = scoped.filter(area_id=area_id)
    first = today - dt.timedelta(days=behind_days)
    last = today + dt.timedelta(days=ahead_days)
    years = range(first.year, last.year + 1)
    items: list[Item] = []
    for district in District.objects.all():
        enterprises = scoped.filter(area__district=district)
        facts = _facts(enterprises, first.year)
        for rt in ReminderType.objects.filter(district=district, enabled=True):
            fixed = rt.due_rule != DueRule.VALID_UNTIL
            make = _fixed_items if fixed else _expiry_items
            items.extend(make(rt, years, facts))
    marks = {
        (d.reminder_type_id, d.enterprise_id, d.year): d
        for d in ReminderDone.objects.filter(year__in=years)
    }
    grouped: dict[tuple[str, dt.date, int], list[Item]] = defaultdict(list)
    for item in items:
        mark = marks.get((item.reminder_type.pk, item.enterprise.pk, item.year))
        if mark is not None:
            item = replace(item, done=mark)
        section = _section(item, today, first, last)
        if section:
            grouped[(section, item.due_on, item.reminder_type.pk)].append(item)
    segments: dict[str, list[tuple[Any, list[Item]]]] = defaultdict(list)
    for (section, due, _), found in grouped.items():
        found.sort(key=lambda i: (i.enterprise.name, i.enterprise.pk))
        rt = found[0].reminder_type
        everyone = rt.audience == Audience.ALL and rt.due_rule == DueRule.FIXED
        segments[section].append(((due, int(everyone), rt.sort), found))
    return {
        name: [
            i for _, found in sorted(segments[name], key=lambda s: s[0]) for i in found
        ]
        for name in LISTS
    }
