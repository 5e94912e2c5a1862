"""Reads of partners data, always scoped to the user asking.

An entry about an enterprise is seen by whoever may see the enterprise. Leads
before they settle belong to no enterprise: an area's staff see the leads meant
for their area and their own unit's. Projects and events are seen by area staff
when one of their enterprises takes part (and then only their own enterprises are
listed) or when their unit recorded them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from keqi.accounts.models import Area
from keqi.accounts.scopes import district_q, enterprise_q, sees_every_district
from keqi.partners.access import can_record, is_district_wide
from keqi.partners.models import (
    CooperationProject,
    Event,
    FinanceKind,
    FinanceRecord,
    Institution,
    Lead,
    ServiceEntry,
    ServiceKind,
    Trademark,
)
from keqi.registry.models import Enterprise, Qualification, QualificationKind

M = TypeVar("M", bound=Model)
_NONE = Q(pk__in=[])


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _area_or_unit(user: Any, area_lookups: tuple[str, ...]) -> Q:
    """Area staff: rows of their own unit, or touching their area. District-wide
    users: rows recorded by a unit of their district, or touching its areas; the
    city: every row."""
    if not _signed_in(user):
        return _NONE
    if sees_every_district(user):
        return Q()
    if is_district_wide(user):
        q = district_q(user, "unit__district_id")
        if q == _NONE:
            return _NONE
        for lookup in area_lookups:
            q |= district_q(user, lookup.removesuffix("_id") + "__district_id")
        return q
    q = Q(unit_id=user.unit_id)
    if user.area_id_in_scope is not None:
        for lookup in area_lookups:
            q |= Q(**{lookup: user.area_id_in_scope})
    return q


def lead_list_for(user: Any) -> QuerySet[Lead]:
    """Leads the user may see."""
    q = _area_or_unit(user, ("area_id", "enterprise__area_id"))
    return Lead.objects.filter(q).select_related("unit", "area", "enterprise", "event")


def event_list_for(user: Any, topic: str | None = None) -> QuerySet[Event]:
    """Events the user may see, optionally of one topic."""
    q = _area_or_unit(user, ("participants__area_id",))
    ids = Event.objects.filter(q).values("pk")
    rows = Event.objects.filter(pk__in=ids).select_related("unit")
    return rows.filter(topic=topic) if topic else rows


def project_list_for(user: Any) -> QuerySet[CooperationProject]:
    """产学研 projects the user may see."""
    q = _area_or_unit(user, ("enterprises__area_id",))
    ids = CooperationProject.objects.filter(q).values("pk")
    return CooperationProject.objects.filter(pk__in=ids).select_related(
        "institution", "unit"
    )


def finance_list_for(user: Any) -> QuerySet[FinanceRecord]:
    """Loans and investments of enterprises the user may see."""
    return FinanceRecord.objects.filter(
        enterprise_q(user, "enterprise__")
    ).select_related("enterprise__area", "unit", "event")


def trademark_list_for(user: Any) -> QuerySet[Trademark]:
    """Trademarks of enterprises the user may see."""
    return Trademark.objects.filter(enterprise_q(user, "enterprise__")).select_related(
        "enterprise__area", "unit"
    )


def service_list_for(user: Any) -> QuerySet[ServiceEntry]:
    """Service log entries about enterprises the user may see (every unit's)."""
    return ServiceEntry.objects.filter(
        enterprise_q(user, "enterprise__")
    ).select_related("enterprise__area", "unit")


# The ways of service that count as going to the enterprise (a call is not a visit).
VISIT_KINDS = (ServiceKind.VISIT, ServiceKind.SERVICE)


def service_visits_nearby(
    *,
    enterprise: Enterprise,
    unit_id: int | None,
    on: dt.date,
    kind: str,
    exclude_pk: int | None = None,
    days: int | None = None,
) -> list[ServiceEntry]:
    """Other units' visits to the enterprise within `days` of `on` (避免重复走访).

    Empty for a call. `days` defaults to settings.KEQI_SERVICE_REVISIT_DAYS; the
    caller warns with these and lets the user save anyway."""
    if kind not in VISIT_KINDS:
        return []
    window = dt.timedelta(
        days=settings.KEQI_SERVICE_REVISIT_DAYS if days is None else days
    )
    rows = ServiceEntry.objects.filter(
        enterprise=enterprise,
        kind__in=VISIT_KINDS,
        on__gte=on - window,
        on__lte=on + window,
    )
    if unit_id is not None:
        rows = rows.exclude(unit_id=unit_id)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.select_related("unit").order_by("-on", "-id"))


def institution_list() -> QuerySet[Institution]:
    """The shared list of universities and institutes (everyone reads it)."""
    return Institution.objects.select_related("unit")


def visible_enterprises(
    user: Any, enterprises: QuerySet[Enterprise]
) -> list[Enterprise]:
    """Of the given enterprises, those the user may see (for projects and events)."""
    return list(enterprises.filter(enterprise_q(user)).select_related("area"))


def entry_get(queryset: QuerySet[M], pk: int) -> M:
    """One row of a scoped list, or 404."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return found


def entry_get_to_edit(user: Any, queryset: QuerySet[M], pk: int) -> M:
    """A row the user's unit recorded: 403 for read-only accounts, else 404."""
    if not can_record(user):
        raise PermissionDenied("当前账号只能查看，不能录入或修改")
    return entry_get(queryset.filter(unit_id=user.unit_id), pk)


def enterprise_resolve(user: Any, text: str) -> Enterprise:
    """An enterprise the user may see, by 统一社会信用代码 or full name."""
    text = text.strip()
    rows = Enterprise.objects.filter(enterprise_q(user)).select_related("area")
    found = list(rows.filter(Q(uscc=text.upper()) | Q(name=text))[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f"有多家企业名为“{text}”，请改填统一社会信用代码")
    raise ValueError(
        f"找不到企业“{text}”，或该企业不在您的管辖范围内（请填写统一社会信用代码或企业全称）"
    )


# ---------------------------------------------------------------- summaries


def overdue_for(user: Any, day: dt.date) -> QuerySet[ServiceEntry]:
    """Follow-ups past due and not done: the HQ office (and read-only leaders and
    auditors) see every unit's within their scope; a unit sees its own."""
    rows = (
        service_list_for(user)
        .filter(follow_up_due__lt=day, done_on__isnull=True)
        .order_by("follow_up_due", "id")
    )
    if not _signed_in(user) or user.is_hq or not can_record(user):
        return rows
    return rows.filter(unit_id=user.unit_id)


@dataclass(frozen=True)
class YearTotal:
    """Trademarks of one year: new registrations and the running totals."""

    year: int
    registered: int
    total: int
    well_known: int
    well_known_total: int


def trademark_totals(user: Any) -> list[YearTotal]:
    """Per registration year: new, cumulative, 驰名 recognised, cumulative 驰名."""
    rows = trademark_list_for(user)
    days = rows.values_list("registered_on", flat=True)
    new = Counter(d.year for d in days if d is not None)
    recognised = rows.filter(well_known=True).values_list("well_known_on", flat=True)
    famous = Counter(d.year for d in recognised if d is not None)
    totals, running, running_famous = [], 0, 0
    for year in sorted(set(new) | set(famous)):
        running += new[year]
        running_famous += famous[year]
        totals.append(YearTotal(year, new[year], running, famous[year], running_famous))
    return totals


@dataclass(frozen=True)
class AreaCount:
    """产学研 projects touching one area's enterprises."""

    area: Area
    projects: int
    enterprises: int


def project_counts_by_area(user: Any) -> list[AreaCount]:
    """Per area (of the user's scope): projects and distinct enterprises in them."""
    through = CooperationProject.enterprises.through
    links = through.objects.filter(
        enterprise__in=Enterprise.objects.filter(enterprise_q(user))
    ).values_list("enterprise__area_id", "cooperationproject_id", "enterprise_id")
    projects: dict[int, set[int]] = {}
    firms: dict[int, set[int]] = {}
    for area_id, project_id, enterprise_id in links:
        projects.setdefault(area_id, set()).add(project_id)
        firms.setdefault(area_id, set()).add(enterprise_id)
    areas = Area.objects.filter(pk__in=projects).order_by("sort", "code")
    return [AreaCount(a, len(projects[a.pk]), len(firms[a.pk])) for a in areas]


def finance_totals(user: Any) -> list[tuple[str, int, Decimal]]:
    """Per kind of finance: number of records and total amount (万元)."""
    rows = finance_list_for(user).values_list("kind", "amount")
    counts: Counter[str] = Counter()
    sums: dict[str, Decimal] = {}
    for kind, amount in rows:
        counts[kind] += 1
        sums[kind] = sums.get(kind, Decimal(0)) + amount
    return [
        (k.label, counts[k.value], sums.get(k.value, Decimal(0)))
        for k in FinanceKind
        if counts[k.value]
    ]


# ---------------------------------------------------------------- award triggers


@dataclass(frozen=True)
class LoanTrigger:
    """A bank loan to an enterprise that was a 雏鹰企业 on the day of the loan."""

    record_id: int
    enterprise_id: int
    enterprise_name: str
    area_name: str
    bank: str
    amount_wan: Decimal
    on: dt.date
    chuying_number: str


def chuying_bank_loans(
    start: dt.date, end: dt.date, district_id: int | None = None
) -> list[LoanTrigger]:
    """Bank loans dated start..end (inclusive) to enterprises then holding a valid
    雏鹰企业 qualification, oldest first — the trigger of the city's one-off award
    (津政发〔2019〕17号). Not scoped to a user: it is for award jobs, which give the
    district of the rule's fund (None: every district); pages scope the result.
    """
    rows = FinanceRecord.objects.filter(
        kind=FinanceKind.LOAN, on__gte=start, on__lte=end
    )
    if district_id is not None:
        rows = rows.filter(enterprise__area__district_id=district_id)
    loans = list(rows.select_related("enterprise__area").order_by("on", "id"))
    held: dict[int, list[Qualification]] = {}
    for q in Qualification.objects.filter(
        kind=QualificationKind.CHUYING,
        enterprise_id__in={loan.enterprise_id for loan in loans},
    ).order_by("granted_on"):
        held.setdefault(q.enterprise_id, []).append(q)
    triggers = []
    for loan in loans:
        quals = held.get(loan.enterprise_id, [])
        match = next((q for q in quals if q.is_valid_on(loan.on)), None)
        if match is not None:
            triggers.append(_trigger(loan, match.number))
    return triggers


def _trigger(loan: FinanceRecord, number: str) -> LoanTrigger:
    e = loan.enterprise
    return LoanTrigger(
        loan.pk, e.pk, e.name, e.area.name, loan.provider, loan.amount, loan.on, number
    )
