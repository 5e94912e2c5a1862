"""组织保障: each unit's own work plan (tasks, person, time line, overdue), the
指挥部's members, and attendance at the joint meetings — for every role."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from keqi.accounts.models import Unit
from keqi.campaign import organisation as org
from keqi.campaign.meetings import meeting_create
from keqi.campaign.models import HqMember, UnitWorkTask
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.models import AuditEvent
from keqi.core.testing import persona

pytestmark = pytest.mark.django_db
PLANS = reverse("campaign:work_plans")
NEW = reverse("campaign:work_task_new")


@pytest.fixture(autouse=True)
def _september(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def task_values(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "组织入库申报培训（第3次）",
        "person": "李四（科长）",
        "starts_on": dt.date(2019, 6, 1),
        "due_on": dt.date(2019, 8, 31),
        "status": "doing",
    }
    values.update(extra)
    return values


def add_task(user, **extra: object) -> UnitWorkTask:  # type: ignore[no-untyped-def]
    return org.work_task_create(
        plan=baodi_plan(), values=task_values(**extra), actor=user
    )


def test_a_unit_fills_its_work_plan_through_the_page(member) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    response = client_for("member").post(NEW, {
        "title": "推动企业申报市级企业技术中心", "person": "王五",
        "starts_on": "2019-06-01", "due_on": "2019-12-31", "status": "not_started",
    })  # fmt: skip
    assert response.status_code == 302
    task = UnitWorkTask.objects.get()
    assert task.unit == member.unit and task.person == "王五"
    event = AuditEvent.objects.get(action=org.OrganisationAction.WORK_TASK_CREATE)
    assert event.changes["person"] == [None, "王五"]


def test_a_due_date_before_the_start_is_refused_with_a_chinese_error(member) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    response = client_for("member").post(NEW, {
        "title": "任务", "person": "王五", "starts_on": "2019-06-01",
        "due_on": "2019-05-01", "status": "not_started",
    })  # fmt: skip
    assert response.status_code == 200
    assert "完成时限不能早于开始日期" in response.content.decode()
    assert not UnitWorkTask.objects.exists()


def test_done_needs_a_done_date(member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="完成日期"):
        add_task(member, status="done")


def test_hq_sees_the_overdue_task_of_a_unit(member, hq) -> None:  # type: ignore[no-untyped-def]
    add_task(member)  # due 31 August, still 推进中 on 30 September
    add_task(member, title="已完成的任务", status="done", done_on=dt.date(2019, 7, 1))
    text = client_for("hq").get(PLANS).content.decode()
    assert "逾期未完成的任务 1 项" in text
    assert "组织入库申报培训（第3次）" in text and "区工信局" in text
    overdue = client_for("hq").get(PLANS, {"status": "overdue"}).content.decode()
    assert "组织入库申报培训" in overdue and "已完成的任务" not in overdue


def test_a_unit_sees_and_edits_only_its_own_tasks(member, town_a) -> None:  # type: ignore[no-untyped-def]
    theirs = add_task(member, title="工信局的任务")
    add_task(town_a, title="大口屯镇的任务")
    text = client_for("town_a").get(PLANS).content.decode()
    assert "大口屯镇的任务" in text and "工信局的任务" not in text
    edit = reverse("campaign:work_task_edit", args=[theirs.pk])
    assert client_for("town_a").get(edit).status_code == 404
    delete = reverse("campaign:work_task_delete", args=[theirs.pk])
    assert client_for("town_a").post(delete).status_code == 404
    with pytest.raises(PermissionDenied):
        org.work_task_update(task=theirs, values={"title": "x"}, actor=town_a)


def test_the_owner_edits_and_the_change_is_audited(member) -> None:  # type: ignore[no-untyped-def]
    task = add_task(member)
    edit = reverse("campaign:work_task_edit", args=[task.pk])
    response = client_for("member").post(edit, {
        "title": task.title, "person": "赵六", "starts_on": "2019-06-01",
        "due_on": "2019-08-31", "status": "done", "done_on": "2019-08-30",
    })  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.person == "赵六" and not task.is_overdue(dt.date(2019, 9, 30))
    event = AuditEvent.objects.get(action=org.OrganisationAction.WORK_TASK_UPDATE)
    assert event.changes["person"] == ["李四（科长）", "赵六"]


def test_read_only_roles_read_all_but_cannot_write(member) -> None:  # type: ignore[no-untyped-def]
    add_task(member)
    for name in ("leader",):
        client = client_for(name)
        assert "组织入库申报培训" in client.get(PLANS).content.decode()
        assert client.get(NEW).status_code == 403


def test_the_work_plan_downloads_as_excel_with_the_overdue_mark(member) -> None:  # type: ignore[no-untyped-def]
    add_task(member)
    response = client_for("hq").get(PLANS, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("责任单位", "任务", "对应工作措施")
    assert rows[1][0] == "区工信局" and rows[1][7] == "推进中（逾期）"


def test_hq_keeps_the_list_of_members_and_others_only_read_it(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    page = reverse("campaign:hq_members")
    unit = Unit.objects.get(code="gxj")
    response = client_for("hq").post(page, {
        "unit": unit.pk, "name": "张局长", "post": "局长", "role": "member",
    })  # fmt: skip
    assert response.status_code == 302
    member = HqMember.objects.get()
    assert str(member) == "张局长（区工信局）"
    assert AuditEvent.objects.filter(action="hq_member.save").exists()
    town = client_for("town_a")
    assert "张局长" in town.get(page).content.decode()
    assert (
        town.post(page, {"unit": unit.pk, "name": "某人", "role": "member"}).status_code
        == 403
    )
    delete = reverse("campaign:hq_member_delete", args=[member.pk])
    assert town.post(delete).status_code == 403
    assert client_for("hq").post(delete).status_code == 302
    assert not HqMember.objects.exists()


def test_attendance_is_recorded_and_shown_in_the_meeting(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=hq)
    gxj, kx = Unit.objects.get(code="gxj"), Unit.objects.get(code="kx")
    url = reverse("campaign:meeting_attendance", args=[meeting.pk])
    response = client_for("hq").post(url, {
        f"u{gxj.pk}-state": "present", f"u{gxj.pk}-attendee": "王科长",
        f"u{kx.pk}-state": "absent", f"u{kx.pk}-reason": "参加市科协会议",
    })  # fmt: skip
    assert response.status_code == 302
    detail = (
        client_for("member")
        .get(reverse("campaign:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )
    assert "王科长" in detail and "参加市科协会议" in detail and "缺席" in detail
    assert org.attendance_counts(meeting) == (1, 1)


def test_absent_without_reason_changes_nothing(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=hq)
    gxj, kx = Unit.objects.get(code="gxj"), Unit.objects.get(code="kx")
    url = reverse("campaign:meeting_attendance", args=[meeting.pk])
    response = client_for("hq").post(url, {
        f"u{gxj.pk}-state": "present", f"u{gxj.pk}-attendee": "王科长",
        f"u{kx.pk}-state": "absent",
    })  # fmt: skip
    assert response.status_code == 200
    assert "区科协：缺席请填写原因" in response.content.decode()
    assert not meeting.attendance.exists()


def test_only_hq_records_attendance(member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=None)
    url = reverse("campaign:meeting_attendance", args=[meeting.pk])
    assert client_for("member").get(url).status_code == 403
    assert client_for("town_a").post(url, {}).status_code == 403


def test_after_an_attendance_error_what_was_typed_is_still_there(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=hq)
    gxj, kx = Unit.objects.get(code="gxj"), Unit.objects.get(code="kx")
    url = reverse("campaign:meeting_attendance", args=[meeting.pk])
    text = client_for("hq").post(url, {
        f"u{gxj.pk}-state": "present", f"u{gxj.pk}-attendee": "王科长",
        f"u{kx.pk}-state": "absent",
    }).content.decode()  # fmt: skip
    assert 'value="王科长"' in text
    assert text.count("checked") == 2


def test_a_mangled_edit_parameter_is_ignored(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    page = reverse("campaign:hq_members")
    assert client_for("hq").get(page, {"edit": "abc"}).status_code == 200
