"""Reads of activities, always scoped to the user asking.

Whole-district users (HQ, leaders, auditors, member units) see every activity. Area
staff see the activities their own unit organised and those involving an enterprise
of their area (invited, attending or entered in a contest) — and, inside one, only
their own area's enterprises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from keqi.accounts.models import Role
from keqi.accounts.scopes import (
    area_ids_in_scope,
    district_q,
    enterprise_q,
    sees_every_district,
)
from keqi.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    Award,
    ContestEntry,
)
from keqi.registry.models import Enterprise, Qualification, QualificationKind

_NOTHING = Q(pk__in=[])


def activity_q(user: Any) -> Q:
    """A filter selecting the activities `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOTHING
    if sees_every_district(user):
        return Q()
    if area_ids_in_scope(user) is None:
        return district_q(user, "organiser__district_id")
    mine = enterprise_q(user, prefix="enterprise__")
    return (
        Q(organiser_id=user.unit_id)
        | Q(pk__in=Attendance.objects.filter(mine).values("activity_id"))
        | Q(pk__in=ContestEntry.objects.filter(mine).values("activity_id"))
    )


def may_edit_activity(user: Any, activity: Activity) -> bool:
    """HQ edits every activity; a unit edits the ones it organised."""
    if user is None:  # system jobs (demo loader, command line)
        return True
    if user.is_hq:
        return True
    return bool(
        user.role in (Role.MEMBER, Role.AREA_STAFF)
        and user.unit_id is not None
        and user.unit_id == activity.organiser_id
    )


def may_record(user: Any) -> bool:
    """Whether the user may record activities or figures for their unit at all."""
    if user is None:
        return True
    return bool(
        user.is_hq
        or (user.role in (Role.MEMBER, Role.AREA_STAFF) and user.unit_id is not None)
    )


@dataclass
class ActivityFilter:
    """What an activity list is limited to (every field optional)."""

    year: int | None = None
    until: dt.date | None = None
    kind: str = ""
    tech_sme: bool = False
    area_id: int | None = None
    q: str = ""
    organiser_id: int | None = None
    errors: list[str] = field(default_factory=list)
    #: The city's pick of one district (the organiser's); None: all it may see.
    district_id: int | None = None


def activity_list_for(user: Any, f: ActivityFilter) -> QuerySet[Activity]:
    """Activities the user may see, narrowed by the filter, newest first."""
    rows = Activity.objects.filter(activity_q(user)).select_related(
        "organiser__district"
    )
    if f.district_id is not None:
        rows = rows.filter(organiser__district_id=f.district_id)
    if f.year is not None:
        rows = rows.filter(held_on__year=f.year)
    if f.until is not None:
        rows = rows.filter(held_on__lte=f.until)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.tech_sme:
        rows = rows.filter(tech_sme_training=True)
    if f.organiser_id is not None:
        rows = rows.filter(organiser_id=f.organiser_id)
    if f.area_id is not None:
        there = Q(enterprise__area_id=f.area_id)
        rows = rows.filter(
            Q(pk__in=Attendance.objects.filter(there).values("activity_id"))
            | Q(pk__in=ContestEntry.objects.filter(there).values("activity_id"))
        )
    if f.q.strip():
        words = f.q.strip()
        rows = rows.filter(
            Q(title__icontains=words)
            | Q(code__icontains=words)
            | Q(guests__icontains=words)
            | Q(summary__icontains=words)
        )
    return rows.order_by("-held_on", "-id")


def activity_get_for(user: Any, pk: int) -> Activity:
    """One activity, or 404 when it does not exist or the user may not see it."""
    found = (
        Activity.objects.filter(activity_q(user))
        .select_related("organiser")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("活动不存在或不在您的管辖范围内")
    return found


def activity_get_editable(user: Any, pk: int) -> Activity:
    """An activity the user may change; another unit's activity is a 404."""
    activity = activity_get_for(user, pk)
    if not may_edit_activity(user, activity):
        raise Http404("只能修改本单位主办的活动")
    return activity


def attendances_for(user: Any, activity: Activity) -> QuerySet[Attendance]:
    """The activity's enterprises the user may see."""
    return (
        activity.attendances.filter(enterprise_q(user, prefix="enterprise__"))
        .select_related("enterprise__area")
        .order_by("enterprise__area__sort", "enterprise__name", "id")
    )


def attendance_rows_for(user: Any, activities: list[Activity]) -> QuerySet[Attendance]:
    """Attendance lines of many activities, limited to enterprises the user may see."""
    return (
        Attendance.objects.filter(activity__in=[a.pk for a in activities])
        .filter(enterprise_q(user, prefix="enterprise__"))
        .select_related("activity", "enterprise")
        .order_by("-activity__held_on", "activity_id", "enterprise__name", "id")
    )


def entries_for(user: Any, activity: Activity) -> QuerySet[ContestEntry]:
    """Contest entries the user may see: team entries only for whole-district users."""
    rows = activity.entries.select_related("enterprise__area", "reached")
    if area_ids_in_scope(user) is not None:
        rows = rows.filter(enterprise__in=Enterprise.objects.filter(enterprise_q(user)))
    return rows.order_by("id")


AWARD_RANK = {a: i for i, a in enumerate(Award.values)}


def entries_ranked(user: Any, activity: Activity) -> list[ContestEntry]:
    """Entries the user may see: furthest round first, then by award, then as entered."""
    return sorted(
        entries_for(user, activity),
        key=lambda e: (
            -(e.reached.number if e.reached else 0),
            AWARD_RANK.get(e.award, len(AWARD_RANK)),
            e.pk,
        ),
    )


@dataclass(frozen=True)
class Headcount:
    """Enterprises and people of an activity, all of it and the user's part."""

    invited: int
    attended: int
    people: int
    shown: int
    total: int


def headcount(user: Any, activity: Activity) -> Headcount:
    """Totals for the whole activity and how many of its enterprises the user sees."""
    rows = list(activity.attendances.values_list("invited", "attended", "people"))
    return Headcount(
        invited=sum(1 for inv, _, _ in rows if inv),
        attended=sum(1 for _, att, _ in rows if att),
        people=sum(p for _, _, p in rows),
        shown=attendances_for(user, activity).count(),
        total=len(rows),
    )


# ---------------------------------------------------------------- follow-up


@dataclass
class FollowUp:
    """An enterprise that attended a 科技型中小企业 training and has not registered since."""

    enterprise: Enterprise
    trainings: list[Activity]
    last_held: Qualification | None = None

    @property
    def first_on(self) -> dt.date:
        return min(a.held_on for a in self.trainings)


def _tech_sme_trainings(year: int, as_of: dt.date) -> QuerySet[Activity]:
    return Activity.objects.filter(
        kind=ActivityKind.TRAINING,
        tech_sme_training=True,
        held_on__year=year,
        held_on__lte=as_of,
    )


def followup_list(
    user: Any,
    year: int,
    as_of: dt.date,
    area_id: int | None = None,
    district_id: int | None = None,
) -> list[FollowUp]:
    """Attended a 科技型中小企业 registration training of the year (by `as_of`) but
    holds no 科技型中小企业 qualification granted on or after that training (by
    `as_of`), nor one valid on `as_of`. Oldest training first. `district_id`:
    the city's pick of one district."""
    attended = (
        Attendance.objects.filter(
            activity__in=_tech_sme_trainings(year, as_of), attended=True
        )
        .filter(enterprise_q(user, prefix="enterprise__"))
        .select_related("enterprise__area__district", "activity")
    )
    if area_id is not None:
        attended = attended.filter(enterprise__area_id=area_id)
    if district_id is not None:
        attended = attended.filter(enterprise__area__district_id=district_id)
    found: dict[int, FollowUp] = {}
    for row in attended.order_by("activity__held_on", "enterprise__name"):
        item = found.setdefault(row.enterprise_id, FollowUp(row.enterprise, []))
        item.trainings.append(row.activity)
    quals = Qualification.objects.filter(
        kind=QualificationKind.TECH_SME, enterprise_id__in=list(found)
    ).order_by("granted_on", "id")
    registered: set[int] = set()
    for q in quals:
        item = found[q.enterprise_id]
        since = q.granted_on is not None and item.first_on <= q.granted_on <= as_of
        if since or q.is_valid_on(as_of):
            registered.add(q.enterprise_id)
        elif q.granted_on is not None and q.granted_on <= as_of:
            item.last_held = q
    rows = [item for pk, item in found.items() if pk not in registered]
    return sorted(rows, key=lambda r: (r.first_on, r.enterprise.name))


def plan_target_value(
    metric_key: str, year: int, user: Any = None, district_id: int | None = None
) -> Decimal | None:
    """The target for a metric in that year of the latest plan of the user's
    district (any district's for no user; the picked one's when the city picks
    one), if a plan names one."""
    from keqi.campaign.models import Source, Target

    mine = Q() if user is None else district_q(user, "plan__office_unit__district_id")
    if district_id is not None:
        mine &= Q(plan__office_unit__district_id=district_id)
    target = (
        Target.objects.filter(
            mine, source=Source.AUTO, metric=metric_key, plan__year=year
        )
        .order_by("-plan__loaded_at")
        .first()
    )
    return target.value if target is not None else None


def plan_loaded(year: int, user: Any = None, district_id: int | None = None) -> bool:
    """Whether the user's district (any district for no user; the picked one
    when the city picks one) has a plan for that year loaded: a missing target
    then means the plan sets none."""
    from keqi.campaign.models import Plan

    mine = Q() if user is None else district_q(user, "office_unit__district_id")
    if district_id is not None:
        mine &= Q(office_unit__district_id=district_id)
    return Plan.objects.filter(mine, year=year).exists()
