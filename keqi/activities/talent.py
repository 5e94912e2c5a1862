"""Talent (人才): monthly skilled-worker training figures and 海河英才 introductions.

Training figures are filed by the unit that trains (区人社局 and others) as a
cumulative count from 1 January to the month's end; the form is pre-filled with
last month's cumulative. Changing a figure already filed is a correction: it needs
a reason and the old and new values stay in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from keqi.accounts.models import Area, Unit
from keqi.accounts.scopes import district_q, enterprise_q
from keqi.activities.models import TalentIntroduction, TraineeReport
from keqi.activities.selectors import may_record
from keqi.activities.services import ActivityAction
from keqi.campaign.metrics import counting_district
from keqi.core import audit
from keqi.core.dates import business_today
from keqi.core.uscc import unusable
from keqi.registry.models import Enterprise


def month_end(month: dt.date) -> dt.date:
    """The last day of the month that `month` falls in."""
    first_next = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def _ensure_own_unit(actor: Any, unit: Unit) -> None:
    if actor is None or actor.is_hq:
        return
    if not may_record(actor) or actor.unit_id != unit.pk:
        raise PermissionDenied("只能填报本单位的数据")


def trainee_prefill(unit: Unit, month: dt.date) -> int | None:
    """Last filed cumulative of the same year before `month` (None in a fresh year)."""
    month = month.replace(day=1)
    before = (
        TraineeReport.objects.filter(unit=unit, month__lt=month, month__year=month.year)
        .order_by("-month")
        .first()
    )
    return before.cumulative if before is not None else None


def _trainee_problems(unit: Unit, month: dt.date, cumulative: int) -> list[str]:
    same_year = TraineeReport.objects.filter(unit=unit, month__year=month.year)
    before = same_year.filter(month__lt=month).order_by("-month").first()
    after = same_year.filter(month__gt=month).order_by("month").first()
    problems = []
    if month > business_today().replace(day=1):
        problems.append(f"{month:%Y年%m月}尚未到来，不能填报")
    if before is not None and cumulative < before.cumulative:
        problems.append(
            f"累计人数{cumulative}人少于{before.month:%Y年%m月}已报的累计"
            f"{before.cumulative}人（累计数不会减少）"
        )
    if after is not None and cumulative > after.cumulative:
        problems.append(
            f"累计人数{cumulative}人多于{after.month:%Y年%m月}已报的累计"
            f"{after.cumulative}人，请先更正后面的月份"
        )
    return problems


@transaction.atomic
def trainee_report_file(
    *,
    unit: Unit,
    month: dt.date,
    cumulative: int,
    actor: Any,
    note: str = "",
    reason: str = "",
) -> TraineeReport:
    """File (or correct) a unit's cumulative trainee count for a month.

    A unit files only its own figures (HQ any). Changing a filed figure needs a
    reason and is audited as a correction. Raises ValidationError in Chinese."""
    _ensure_own_unit(actor, unit)
    month = month.replace(day=1)
    if cumulative < 0:
        raise ValidationError("累计人数不能为负数")
    row = (
        TraineeReport.objects.select_for_update().filter(unit=unit, month=month).first()
    )
    before = {} if row is None else audit.snapshot(row, ("cumulative", "note"))
    if row is not None and row.cumulative != cumulative and not reason.strip():
        raise ValidationError("更正已填报的累计人数须填写更正原因")
    problems = _trainee_problems(unit, month, cumulative)
    if problems:
        raise ValidationError(problems)
    row = row or TraineeReport(unit=unit, month=month)
    row.cumulative, row.note = cumulative, note.strip()
    changes = audit.diff(before, audit.snapshot(row, ("cumulative", "note")))
    if not changes:
        return row
    row.filed_by = actor if getattr(actor, "pk", None) else None
    row.save()
    corrected = bool(before) and "cumulative" in changes
    audit.record(
        actor=actor,
        action=ActivityAction.TRAINEES_CORRECT
        if corrected
        else ActivityAction.TRAINEES_FILE,
        target=row,
        changes=changes,
        reason=reason.strip(),
    )
    return row


@dataclass
class TraineeLine:
    """One unit's year: the cumulative per month (None = not filed) and the last."""

    unit: Unit
    cumulative: list[int | None]
    latest: TraineeReport | None = None

    @property
    def monthly(self) -> list[int | None]:
        """Each month's own number: the cumulative minus the last one filed before."""
        out: list[int | None] = []
        last = 0
        for value in self.cumulative:
            out.append(None if value is None else value - last)
            last = value if value is not None else last
        return out


def _trainee_district_q(user: Any) -> Q:
    """The reports of the user's district's units; for no user (a plan's metric),
    the district being counted (every district when none is)."""
    if user is not None:
        return district_q(user, "unit__district_id")
    district = counting_district()
    return Q() if district is None else Q(unit__district_id=district)


def trainee_reports_upto(
    year: int, as_of: dt.date, user: Any = None, district_id: int | None = None
) -> list[TraineeReport]:
    """The reports of the year whose month has ended by `as_of`, of every unit of
    the user's district (see `_trainee_district_q`), of one district when the
    city picks one; a district's units together."""
    rows = TraineeReport.objects.filter(
        _trainee_district_q(user), month__year=year
    ).select_related("unit__district")
    if district_id is not None:
        rows = rows.filter(unit__district_id=district_id)
    order = ("unit__district__code", "unit__sort", "month")
    return [r for r in rows.order_by(*order) if month_end(r.month) <= as_of]


def trainee_table(
    year: int, as_of: dt.date, user: Any = None, district_id: int | None = None
) -> list[TraineeLine]:
    """A line per reporting unit with its monthly cumulative counts up to `as_of`."""
    lines: dict[int, TraineeLine] = {}
    for r in trainee_reports_upto(year, as_of, user, district_id):
        line = lines.setdefault(r.unit_id, TraineeLine(r.unit, [None] * 12))
        line.cumulative[r.month.month - 1] = r.cumulative
        line.latest = r
    return list(lines.values())


def trainee_total(
    year: int, as_of: dt.date, user: Any = None, district_id: int | None = None
) -> int:
    """People trained in the year so far: each unit's latest cumulative, added up."""
    return sum(
        line.latest.cumulative
        for line in trainee_table(year, as_of, user, district_id)
        if line.latest is not None
    )


# ---------------------------------------------------------------- 海河英才


INTRO_FIELDS = ("enterprise", "introduced_on", "people", "category", "unit", "note")


@transaction.atomic
def talent_introduction_save(
    *,
    values: dict[str, Any],
    actor: Any,
    row: TalentIntroduction | None = None,
    reason: str = "",
) -> TalentIntroduction:
    """Record (or change) a 海河英才 introduction for an enterprise in the actor's scope.

    The recording unit is the actor's own (HQ may name any); only that unit or HQ
    changes it later."""
    if not may_record(actor):
        raise PermissionDenied("当前账号只能查看，不能登记")
    values = dict(values)
    if actor is not None and not actor.is_hq:
        values["unit"] = actor.unit
    if row is not None:
        _ensure_own_unit(actor, row.unit)
    enterprise = values.get("enterprise") or (row.enterprise if row else None)
    if not isinstance(enterprise, Enterprise):
        raise ValidationError("请选择引进企业")
    if actor is not None and not (
        Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists()
    ):
        raise PermissionDenied(unusable(enterprise.uscc))
    if int(values.get("people") or (row.people if row else 0)) < 1:
        raise ValidationError("引进人数至少为1人")
    before = {} if row is None else audit.snapshot(row, INTRO_FIELDS)
    row = row or TalentIntroduction()
    for name in INTRO_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    changes = audit.diff(before, audit.snapshot(row, INTRO_FIELDS))
    if changes:
        row.save()
        audit.record(
            actor=actor,
            action=ActivityAction.TALENT_SAVE,
            target=row,
            changes=changes,
            reason=reason,
            subject=enterprise.subject,
        )
    return row


def introductions_for(
    user: Any,
    year: int | None,
    area_id: int | None = None,
    district_id: int | None = None,
) -> QuerySet[TalentIntroduction]:
    """Introductions at enterprises the user may see (of one district when the
    city picks one), newest first."""
    rows = TalentIntroduction.objects.filter(
        enterprise_q(user, prefix="enterprise__")
    ).select_related("enterprise__area__district", "unit")
    if district_id is not None:
        rows = rows.filter(enterprise__area__district_id=district_id)
    if year is not None:
        rows = rows.filter(introduced_on__year=year)
    if area_id is not None:
        rows = rows.filter(enterprise__area_id=area_id)
    return rows.order_by("-introduced_on", "-id")


@dataclass
class IntroTotals:
    """People introduced, by area and by enterprise (most first)."""

    people: int = 0
    by_area: list[tuple[Area, int]] = field(default_factory=list)
    by_enterprise: list[tuple[Enterprise, int]] = field(default_factory=list)


def introduction_totals(rows: QuerySet[TalentIntroduction]) -> IntroTotals:
    """Sum the people of the given introductions per area and per enterprise."""
    areas: dict[int, list[Any]] = {}
    firms: dict[int, list[Any]] = {}
    total = 0
    for r in rows:
        total += r.people
        areas.setdefault(r.enterprise.area_id, [r.enterprise.area, 0])[1] += r.people
        firms.setdefault(r.enterprise_id, [r.enterprise, 0])[1] += r.people
    return IntroTotals(
        people=total,
        by_area=sorted(
            ((a, n) for a, n in areas.values()), key=lambda x: (-x[1], x[0].sort)
        ),
        by_enterprise=sorted(
            ((e, n) for e, n in firms.values()), key=lambda x: (-x[1], x[0].name)
        ),
    )
