"""The reminder audiences as queries: which enterprises a fixed-date reminder
concerns in a year, and which of those the registry or a mark shows done.

Each filter is `reminder_rules` written for the database, so that a city's
calendar is counted and paged there instead of deciding 100 000 enterprises one
at a time in Python (the tests compare the two on varied data). The engine's
validity rule (`keqi.rules.ladder.title_held`) reads here as:

- a 科技型中小企业 number without an end date (never revoked) is held in the
  year it was granted only;
- a 高新技术企业 certificate without an end date (never revoked) for three years
  from its grant date;
- any other title without an end date (never revoked) for ever;
- otherwise up to its end date and up to the day before it was revoked.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, Max, Min, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from keqi.cultivation.models import Audience, ReminderDone, ReminderType
from keqi.registry.models import Qualification
from keqi.rules.ladder import NATIONAL_MARK
from keqi.rules.programmes.common import years_after, years_before

TECH_SME = "科技型中小企业"
ONE_DAY = dt.timedelta(days=1)


def recent_q(first_year: int) -> Q:
    """Qualifications that can matter to a calendar whose window starts in
    `first_year`: one that ran out before the year before cannot fall due, be
    held or have been held the year before (the per-enterprise path reads only
    these, too)."""
    return Q(valid_until__isnull=True) | Q(
        valid_until__gte=dt.date(first_year - 1, 1, 1)
    )


def _mark_start(day: dt.date) -> dt.date:
    """The earliest grant date of a national mark without an end date that is
    still held on `day` (three years, 29 February counted as the engine does)."""
    granted = years_before(day, 3) - 3 * ONE_DAY
    while years_after(granted, 3) <= day:
        granted += ONE_DAY
    return granted


def held_between_q(start: dt.date, end: dt.date) -> Q:
    """Qualifications held on some day of start..end: `reminder_rules.held_between`,
    i.e. the engine's rule on the later of `start` and the grant date."""
    open_ended = Q(valid_until__isnull=True, revoked_on__isnull=True)
    tech_sme = open_ended & Q(kind=TECH_SME, granted_on__gte=dt.date(start.year, 1, 1))
    mark = open_ended & Q(kind=NATIONAL_MARK, granted_on__gte=_mark_start(start))
    other = open_ended & ~Q(kind__in=[TECH_SME, NATIONAL_MARK])
    until = Q(valid_until__isnull=True) | (
        Q(valid_until__gte=start) & Q(valid_until__gte=F("granted_on"))
    )
    revoked = Q(revoked_on__isnull=True) | (
        Q(revoked_on__gt=start) & Q(revoked_on__gt=F("granted_on"))
    )
    ending = ~open_ended & until & revoked
    dated = Q(granted_on__isnull=False, granted_on__lte=end)
    return dated & (tech_sme | mark | other | ending)


def ends_in_q(year: int) -> Q:
    """Qualifications that expire in `year` without having been revoked first."""
    return Q(
        valid_until__gte=dt.date(year, 1, 1), valid_until__lte=dt.date(year, 12, 31)
    ) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=F("valid_until")))


def _granted_in_q(year: int) -> Q:
    return Q(granted_on__gte=dt.date(year, 1, 1), granted_on__lte=dt.date(year, 12, 31))


def _kinds(rt: ReminderType, first_year: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(recent_q(first_year), kind__in=rt.kinds)


def concerned_q(
    rt: ReminderType, year: int, start: dt.date, due: dt.date, first_year: int
) -> Q:
    """Enterprises a fixed-date reminder concerns in `year` (window start..due):
    those `reminder_rules.concerns` does not turn down."""
    quals = _kinds(rt, first_year)
    if rt.audience == Audience.EXPIRING:
        quals = quals.filter(ends_in_q(year))
    elif rt.audience == Audience.PREVIOUS_HOLDERS:
        quals = quals.filter(
            held_between_q(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))
        )
    else:
        quals = quals.filter(held_between_q(start, due))
    found = Q(pk__in=quals.values("enterprise_id"))
    if rt.audience == Audience.HOLDERS and rt.include_above_scale:
        found |= Q(above_scale=True)
    return found


def done_q(rt: ReminderType, year: int, first_year: int) -> Q:
    """Enterprises whose reminder for `year` is done: marked done, or (for the
    audiences the registry can answer) the follow-up is in the registry."""
    found = Q(
        pk__in=ReminderDone.objects.filter(reminder_type=rt, year=year).values(
            "enterprise_id"
        )
    )
    quals = _kinds(rt, first_year)
    if rt.audience == Audience.PREVIOUS_HOLDERS:
        found |= Q(pk__in=quals.filter(_granted_in_q(year)).values("enterprise_id"))
    elif rt.audience == Audience.EXPIRING:
        found |= Q(pk__in=_renewed_first_ending(quals, year).values("enterprise_id"))
    return found


def _renewed_first_ending(
    quals: QuerySet[Qualification], year: int
) -> QuerySet[Qualification]:
    """The first of an enterprise's qualifications ending in `year` (by date
    granted, then id: the order the per-enterprise rules read them in, the
    database's own, in which PostgreSQL puts a missing date last and SQLite
    first), when a later grant of its kind renews it. Window functions rather
    than correlated subqueries: SQLite would look the later grants up by kind
    (its index on kind and date) instead of by enterprise."""
    ending = Case(When(ends_in_q(year), then=Value(0)), default=Value(1))
    enterprise = [F("enterprise_id")]
    # Every condition on a window result, so that the windows see all of an
    # enterprise's qualifications (a plain filter would narrow them first); only
    # the enterprises with one ending are read.
    ending_ids = quals.filter(ends_in_q(year)).values("enterprise_id")
    return (
        quals.filter(enterprise_id__in=ending_ids)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=enterprise,
                order_by=[ending.asc(), F("granted_on").asc(), F("id").asc()],
            ),
            any_ending=Window(Min(ending), partition_by=enterprise),
            last_granted=Window(
                Max("granted_on"), partition_by=[*enterprise, F("kind")]
            ),
        )
        .filter(place=1, any_ending=0, granted_on__lt=F("last_granted"))
    )
