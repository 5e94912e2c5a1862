"""Joint meetings: a generated agenda, and agreed items tracked like measures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from keqi.accounts.models import Unit
from keqi.campaign.board import board_build
from keqi.campaign.meetings import decision_add, decision_close, meeting_create
from keqi.campaign.models import Meeting
from keqi.campaign.progress import Light
from keqi.campaign.services import CampaignAction, progress_report_open
from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
JUNE, JULY = dt.date(2019, 6, 1), dt.date(2019, 7, 1)


def test_a_late_report_reaches_the_meeting_agenda(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "kx", JUNE, dt.date(2019, 7, 8))  # three days late
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 7, 10), actor=hq)
    late = [i for i in meeting.agenda if i["kind"] == "late"]
    kx = next(i for i in late if i["unit"] == "区科协")
    assert kx["reason"] == "2019年06月月报迟报（07月08日报送，截止07月05日）"
    assert any(i["unit"] == "区工信局" and "逾期未报" in i["reason"] for i in late)
    assert AuditEvent.objects.filter(action=CampaignAction.MEETING_CREATE).exists()


def test_red_items_come_first_on_the_agenda(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 6, 3), actor=hq)
    kinds = [i["kind"] for i in meeting.agenda]
    assert kinds and kinds[0] == "red"
    overdue_plan = next(i for i in meeting.agenda if "三年行动计划" in i["subject"])
    assert overdue_plan["kind"] == "red"  # due 31 May, nothing reported
    assert overdue_plan["reason"] == "已过截止日期 2019-05-31，尚无数据"
    assert overdue_plan["unit"] == "区科技局"
    assert kinds == sorted(kinds, key=["red", "late", "overdue", "yellow"].index)


def test_a_decision_becomes_a_tracked_item(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 7, 10), actor=hq)
    jrj = Unit.objects.get(code="jrj")
    decision = decision_add(
        meeting=meeting,
        text="梳理拟股改企业名单并逐户对接",
        owner=jrj,
        due_on=dt.date(2019, 7, 31),
        actor=hq,
    )
    report = progress_report_open(plan=plan, unit=jrj, month=JULY, actor=hq)
    assert report.lines.filter(decision=decision).exists()
    on_time = board_build(plan, dt.date(2019, 7, 31))
    assert (decision, Light.GREEN) == on_time.decisions[0][:2]
    overdue = board_build(plan, dt.date(2019, 8, 1))
    assert overdue.decisions[0][1] == Light.RED
    item = next(i for i in overdue.items[jrj.pk] if i.kind == "decision")
    assert item.light == Light.RED
    agenda = meeting_create(plan=plan, held_on=dt.date(2019, 8, 1), actor=hq).agenda
    assert any(i["kind"] == "overdue" and i["unit"] == "区金融局" for i in agenda)


def test_the_owner_unit_closes_its_decision_and_nobody_else(hq, member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 7, 10), actor=hq)
    jrj = Unit.objects.get(code="jrj")
    decision = decision_add(
        meeting=meeting,
        text="对接券商",
        owner=jrj,
        due_on=dt.date(2019, 7, 31),
        actor=hq,
    )
    with pytest.raises(PermissionDenied):
        decision_close(
            decision=decision, done_on=dt.date(2019, 7, 20), note="", actor=member
        )
    decision_close(
        decision=decision, done_on=dt.date(2019, 7, 20), note="已对接", actor=hq
    )
    assert board_build(plan, dt.date(2019, 9, 1)).decisions[0][1] == Light.GREEN


def test_only_hq_calls_a_meeting(member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        meeting_create(plan=baodi_plan(), held_on=dt.date(2019, 7, 10), actor=member)
    assert not Meeting.objects.exists()
