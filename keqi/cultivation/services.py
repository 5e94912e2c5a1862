"""Every change to cultivation data goes through these functions; each is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.accounts.models import District
from keqi.accounts.scopes import can_edit_enterprises
from keqi.core import audit
from keqi.cultivation.models import (
    TIER_KINDS,
    ReminderDate,
    ReminderDone,
    ReminderType,
    RungRole,
    TierRung,
)
from keqi.cultivation.selectors import ladder_load
from keqi.registry.models import Enterprise
from keqi.registry.selectors import enterprise_get_for


class CultivationAction:
    """Names of audited cultivation actions (labels belong in core.audit.ACTION_LABELS)."""

    TIER_LADDER_SET = "tier_ladder.set"
    REMINDER_COMPLETE = "reminder.complete"
    REMINDER_REOPEN = "reminder.reopen"
    REMINDER_DATE_SET = "reminder_date.set"


def _ensure_hq_of(actor: Any, district_id: int) -> None:
    """A district's settings are its own HQ's to change (the server's operator
    may change any district's; the city none)."""
    if actor is None:
        return
    if not actor.is_hq:
        raise PermissionDenied("只有指挥部管理员可以修改此项设置")
    if not actor.is_superuser and actor.district_id_in_scope != district_id:
        raise PermissionDenied("只能修改本区的设置，其他区的设置由该区指挥部管理")


def _ensure_may_mark(actor: Any, enterprise: Enterprise) -> None:
    """HQ and area staff mark reminders, for enterprises they see (else 404)."""
    if actor is None:
        return
    if not can_edit_enterprises(actor):
        raise PermissionDenied("当前账号无权登记提醒完成情况")
    enterprise_get_for(actor, enterprise.pk)


def _ensure_own_type(reminder_type: ReminderType, enterprise: Enterprise) -> None:
    """A mark of done is on the reminder of the enterprise's own district."""
    if reminder_type.district_id != enterprise.area.district_id:
        raise ValidationError(
            f"“{reminder_type.name}”是另一个区的提醒事项，不能用于{enterprise.name}"
        )


def _check_ladder(tiers: list[str], mark: str | None) -> None:
    known = {value for value, _ in TIER_KINDS}
    if not tiers:
        raise ValidationError("梯度层级至少要有一级")
    for kind in [*tiers, *([mark] if mark else [])]:
        if kind not in known:
            raise ValidationError(f"“{kind}”不是资质类型")
    if len(set(tiers)) != len(tiers):
        raise ValidationError("梯度层级中有重复的资质类型")
    if mark in tiers:
        raise ValidationError(f"国家级标识“{mark}”不能同时作为梯度层级")


@transaction.atomic
def tier_ladder_set(
    *, district: District, tiers: list[str], mark: str | None, actor: Any
) -> list[TierRung]:
    """Replace a district's ladder: `tiers` from the lowest rung up, and the
    national mark. Other districts' ladders stay as they are.

    Raises ValidationError (Chinese) for unknown or repeated kinds; the
    district's HQ only.
    """
    _ensure_hq_of(actor, district.pk)
    _check_ladder(tiers, mark)
    old_tiers, old_mark = ladder_load(district)
    own = TierRung.objects.filter(district=district)
    own.delete()
    rows = [
        TierRung(district=district, kind=k, position=i, role=RungRole.TIER)
        for i, k in enumerate(tiers, 1)
    ]
    if mark:
        rows.append(
            TierRung(district=district, kind=mark, position=1, role=RungRole.MARK)
        )
    TierRung.objects.bulk_create(rows)
    changes = audit.diff(
        {"tiers": " → ".join(old_tiers), "mark": old_mark},
        {"tiers": " → ".join(tiers), "mark": mark},
    )
    audit.record(
        actor=actor,
        action=CultivationAction.TIER_LADDER_SET,
        target=own.order_by("pk").first() or rows[0],
        changes={"district": [None, district.name], **changes},
    )
    return list(own)


@transaction.atomic
def reminder_complete(
    *,
    reminder_type: ReminderType,
    enterprise: Enterprise,
    year: int,
    done_on: dt.date,
    actor: Any,
    note: str = "",
) -> ReminderDone:
    """Mark a reminder done for an enterprise and year (again = update the date/note).

    The enterprise must be in the actor's scope, else 404 (as for any read).
    """
    _ensure_may_mark(actor, enterprise)
    _ensure_own_type(reminder_type, enterprise)
    row = ReminderDone.objects.filter(
        reminder_type=reminder_type, enterprise=enterprise, year=year
    ).first()
    before = audit.snapshot(row, ["done_on", "note"]) if row else {}
    if row is None:
        row = ReminderDone(
            reminder_type=reminder_type, enterprise=enterprise, year=year
        )
    row.done_on, row.note = done_on, note.strip()[:300]
    row.done_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit.record(
        actor=actor,
        action=CultivationAction.REMINDER_COMPLETE,
        target=row,
        changes={
            "reminder": [None, reminder_type.name],
            "year": [None, year],
            **audit.diff(before, audit.snapshot(row, ["done_on", "note"])),
        },
        subject=enterprise.subject,
    )
    return row


@transaction.atomic
def reminder_reopen(
    *, reminder_type: ReminderType, enterprise: Enterprise, year: int, actor: Any
) -> None:
    """Undo a completion (e.g. marked by mistake); the audit row keeps what it was."""
    _ensure_may_mark(actor, enterprise)
    row = ReminderDone.objects.filter(
        reminder_type=reminder_type, enterprise=enterprise, year=year
    ).first()
    if row is None:
        return
    audit.record(
        actor=actor,
        action=CultivationAction.REMINDER_REOPEN,
        target=row,
        changes=audit.diff(audit.snapshot(row, ["done_on", "note"]), {}),
        subject=enterprise.subject,
    )
    row.delete()


@transaction.atomic
def reminder_date_set(
    *,
    reminder_type: ReminderType,
    year: int,
    opens_on: dt.date | None,
    due_on: dt.date,
    actor: Any,
    note: str = "",
) -> ReminderDate:
    """Set one year's window for a reminder (from that year's notice), in the
    reminder's district only. That district's HQ only."""
    _ensure_hq_of(actor, reminder_type.district_id)
    if opens_on is not None and opens_on > due_on:
        raise ValidationError("开始日期不能晚于截止日期")
    row = ReminderDate.objects.filter(reminder_type=reminder_type, year=year).first()
    fields = ["opens_on", "due_on", "note"]
    before = audit.snapshot(row, fields) if row else {}
    if row is None:
        row = ReminderDate(reminder_type=reminder_type, year=year)
    row.opens_on, row.due_on, row.note = opens_on, due_on, note.strip()[:300]
    row.save()
    audit.record(
        actor=actor,
        action=CultivationAction.REMINDER_DATE_SET,
        target=row,
        changes={
            "district": [None, reminder_type.district.name],
            **audit.diff(before, audit.snapshot(row, fields)),
        },
    )
    return row
