"""The monthly joint meeting (成员单位联席会议): agenda, minutes, agreed items.

The agenda is generated from the board on the meeting day: red items first, then
late reports, overdue agreed items and yellow items. Agreed items (议定事项) get an
owner unit and a due date and are then tracked like measures: they appear on the
board, in the owner's monthly report, and on the next agenda when overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from keqi.accounts.models import Unit
from keqi.campaign.board import Board, board_build
from keqi.campaign.models import Decision, DecisionStatus, Meeting, Plan
from keqi.campaign.progress import Light, month_start
from keqi.campaign.services import CampaignAction, ensure_hq
from keqi.core import audit

AGENDA_KINDS = {
    "red": "红灯事项",
    "late": "月报迟报、未报",
    "overdue": "逾期未办结的议定事项",
    "yellow": "黄灯事项",
}


def _lead(units: list[Unit]) -> str:
    return str(units[0]) if units else ""


def agenda_build(board: Board) -> list[dict[str, Any]]:
    """Agenda items from the board, most urgent first; each says why it is there."""
    items: list[dict[str, Any]] = []
    for colour in (Light.RED, Light.YELLOW):
        kind = colour.value
        for t in board.targets:
            if t.light == colour:
                items.append(
                    _item(
                        kind,
                        f"目标：{t.target.name}",
                        _lead(t.units),
                        t.judgement.reason,
                    )
                )
        for m in board.measures:
            if m.light == colour:
                items.append(
                    _item(kind, str(m.measure), _lead(m.units), "；".join(m.reasons))
                )
        if colour == Light.RED:
            items += [
                _item("late", str(x.unit), str(x.unit), x.reason) for x in board.late
            ]
            items += [
                _item("overdue", f"议定事项：{d.text}", str(d.owner), why)
                for d, light, why in board.decisions
                if light == Light.RED
            ]
    return items


def _item(kind: str, subject: str, unit: str, reason: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "kind_label": AGENDA_KINDS[kind],
        "subject": subject,
        "unit": unit,
        "reason": reason,
    }


@transaction.atomic
def meeting_create(*, plan: Plan, held_on: dt.date, actor: Any) -> Meeting:
    """Call a joint meeting; its agenda is generated from the board on that day."""
    ensure_hq(actor)
    agenda = agenda_build(board_build(plan, held_on))
    meeting = Meeting.objects.create(
        plan=plan, month=month_start(held_on), held_on=held_on, agenda=agenda
    )
    audit.record(
        actor=actor,
        action=CampaignAction.MEETING_CREATE,
        target=meeting,
        changes={"agenda": [None, len(agenda)]},
    )
    return meeting


@transaction.atomic
def meeting_minutes_save(*, meeting: Meeting, minutes: str, actor: Any) -> Meeting:
    """Record the minutes (会议纪要)."""
    ensure_hq(actor)
    changes = audit.diff({"minutes": meeting.minutes}, {"minutes": minutes.strip()})
    meeting.minutes = minutes.strip()
    meeting.save(update_fields=["minutes"])
    if changes:
        audit.record(
            actor=actor,
            action=CampaignAction.MEETING_MINUTES,
            target=meeting,
            changes=changes,
        )
    return meeting


@transaction.atomic
def decision_add(
    *, meeting: Meeting, text: str, owner: Unit, due_on: dt.date, actor: Any
) -> Decision:
    """Add an agreed item with its owner unit and due date."""
    ensure_hq(actor)
    if not text.strip():
        raise ValidationError("请填写议定事项内容")
    if due_on < meeting.held_on:
        raise ValidationError("办结时限不能早于会议日期")
    last = meeting.decisions.aggregate(n=Max("number"))["n"] or 0
    decision = Decision.objects.create(
        meeting=meeting, number=last + 1, text=text.strip(), owner=owner, due_on=due_on
    )
    audit.record(
        actor=actor,
        action=CampaignAction.DECISION_CREATE,
        target=decision,
        changes={"owner": [None, str(owner)], "due_on": [None, due_on.isoformat()]},
    )
    return decision


@transaction.atomic
def decision_close(
    *, decision: Decision, done_on: dt.date, note: str, actor: Any
) -> Decision:
    """Mark an agreed item done; HQ or the owner unit may do it."""
    if actor is not None and not actor.is_hq and actor.unit_id != decision.owner_id:
        raise PermissionDenied("只能办结本单位的议定事项")
    if decision.status == DecisionStatus.DONE:
        raise ValidationError("该事项已办结")
    decision.status, decision.done_on, decision.done_note = (
        "done",
        done_on,
        note.strip(),
    )
    decision.save()
    audit.record(
        actor=actor,
        action=CampaignAction.DECISION_CLOSE,
        target=decision,
        changes={"status": ["open", "done"], "done_on": [None, done_on.isoformat()]},
    )
    return decision
