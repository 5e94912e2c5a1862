"""The campaign demo: the Baodi plan with five months of reports and meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from keqi.activities.demo import demo_load as activities_demo
from keqi.campaign.board import board_build, late_reports
from keqi.campaign.demo import demo_load
from keqi.campaign.models import (
    Decision,
    Meeting,
    MonthClose,
    Plan,
    ProgressReport,
    ReportLine,
    ReportStatus,
)
from keqi.campaign.progress import Light
from keqi.core.audit import AuditEvent
from keqi.core.demo.accounts import DEMO_PASSWORD, demo_accounts_ensure
from keqi.core.testing import load_baodi

DEMO_DAY = dt.date(2019, 9, 30)


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo loaded once for this module, in a transaction rolled back after it.

    Each test runs in its own savepoint inside it (pytest-django's db fixture).
    """
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        load_baodi()
        demo_accounts_ensure()
        activities_demo(DEMO_DAY)  # trainings and trainees: counted, not reported
        lines = demo_load(DEMO_DAY)
        yield Plan.objects.get(name="baodi-2019"), lines
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_once, db):  # type: ignore[no-untyped-def]
    return demo_once


def _state() -> dict[str, object]:
    return {
        "audit": AuditEvent.objects.count(),
        "plans": list(Plan.objects.values_list("pk", "loaded_at", "source_sha256")),
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list(
                "pk", "status", "submitted_at", "narrative", "returned_count"
            )
        ),
        "lines": list(ReportLine.objects.order_by("pk").values_list("pk", "value")),
        "meetings": list(Meeting.objects.values_list("pk", "minutes")),
        "decisions": list(Decision.objects.values_list("pk", "status", "done_on")),
        "closes": list(MonthClose.objects.values_list("pk", "month")),
    }


def test_a_second_demo_run_changes_nothing(demo):  # type: ignore[no-untyped-def]
    before = _state()
    again = demo_load(DEMO_DAY)
    assert _state() == before
    assert "未改动" in again[0] and "未改动" in again[1]


def test_first_run_reports_what_it_made(demo):  # type: ignore[no-untyped-def]
    _plan, lines = demo
    assert lines[0].startswith("攻坚行动：已载入实施方案 baodi-2019")
    assert "联席会议：新建 4 次" in "".join(lines)


def test_board_on_the_demo_day_shows_green_yellow_and_red_targets(demo):  # type: ignore[no-untyped-def]
    plan, _ = demo
    board = board_build(plan, DEMO_DAY)
    lights = {t.target.key: t.light for t in board.targets}
    assert lights["tech-sme-training"] == Light.GREEN  # 3 of 3 (keqi.activities)
    assert lights["skilled-talent-training"] == Light.YELLOW  # 3900 vs 4000
    assert lights["innovation-transformation"] == Light.RED  # counted: none here
    assert lights["three-year-plan"] == Light.GREEN  # done by its deadline


def test_august_reports_tell_the_story_the_meeting_hears(demo):  # type: ignore[no-untyped-def]
    plan, _ = demo
    late = {
        x.unit.code: x.reason for x in late_reports(plan, DEMO_DAY, latest_only=True)
    }
    assert "逾期未报" in late["scjgj"]
    assert "迟报" in late["kx"]
    returned = ProgressReport.objects.get(unit__code="rsj", month="2019-08-01")
    assert returned.status == ReportStatus.RETURNED and returned.return_reason
    fixed = ProgressReport.objects.get(unit__code="koudong-gov", month="2019-06-01")
    assert fixed.status == ReportStatus.SUBMITTED and fixed.returned_count == 1
    assert fixed.problems and fixed.next_steps


def test_every_meeting_has_an_agenda_minutes_and_agreed_items(demo):  # type: ignore[no-untyped-def]
    plan, _ = demo
    meetings = list(Meeting.objects.filter(plan=plan).order_by("held_on"))
    assert [m.held_on.month for m in meetings] == [6, 7, 8, 9]
    for meeting in meetings:
        assert meeting.agenda and meeting.minutes and meeting.decisions.exists()
    kinds = {item["kind"] for item in meetings[-1].agenda}
    assert {"red", "late", "overdue", "yellow"} <= kinds


def test_agreed_items_are_some_done_some_overdue_some_still_in_time(demo):  # type: ignore[no-untyped-def]
    plan, _ = demo
    board = board_build(plan, DEMO_DAY)
    words = [why for _d, _light, why in board.decisions]
    assert any(w.startswith("已于") for w in words)
    assert any(w.startswith("超过办结时限") for w in words)
    assert any(w.startswith("办理中") for w in words)


def test_past_months_are_closed_but_august_is_still_open(demo):  # type: ignore[no-untyped-def]
    closed = sorted(MonthClose.objects.values_list("month", flat=True))
    assert [m.month for m in closed] == [5, 6, 7]


def test_reports_carry_plausible_chinese_text_and_a_person(demo):  # type: ignore[no-untyped-def]
    report = ProgressReport.objects.get(unit__code="dakoutun-gov", month="2019-07-01")
    assert "大口屯镇" in report.narrative or "企业" in report.narrative
    assert report.responsible_person and report.problems and report.next_steps
    hq_draft = ProgressReport.objects.get(unit__code="hq", month="2019-09-01")
    assert hq_draft.status == ReportStatus.DRAFT


def test_demo_board_page_shows_the_lights_to_hq(demo, client):  # type: ignore[no-untyped-def]
    client.login(username="hq", password=DEMO_PASSWORD)
    page = client.get("/campaign/", {"as_of": "2019-09-30"}).content.decode()
    assert "尚未载入实施方案" not in page
    assert "红灯" in page and "黄灯" in page and "绿灯" in page


def test_hqs_july_report_carries_the_training_sign_in_sheet(demo):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    report = ProgressReport.objects.get(unit__code="hq", month="2019-07-01")
    (attachment,) = report.attachments.all()
    assert attachment.name.endswith("签到表.xlsx")
    with attachment.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    assert [c.value for c in sheet[1]] == [
        "序号",
        "企业名称",
        "所属街镇/园区",
        "参训人员",
    ]


def test_the_demo_fills_the_organisation_pages(demo, client):  # type: ignore[no-untyped-def]
    plan, lines = demo
    members = plan.hq_members.all()
    assert members.filter(role="commander").count() == 1
    assert members.filter(role="office_head", name="张伟").exists()
    tasks = plan.work_tasks.all()
    assert tasks.values("unit").distinct().count() >= 8
    assert all(t.person and t.due_on >= t.starts_on for t in tasks)
    assert {t.status for t in tasks} == {"done", "doing", "not_started"}
    overdue = [t.title for t in tasks if t.is_overdue(DEMO_DAY)]
    assert "推动企业参与标准制定" in overdue
    for meeting in plan.meetings.all():
        rows = meeting.attendance.all()
        assert rows.filter(present=True).exists(), meeting
    absent = Meeting.objects.filter(plan=plan, attendance__present=False)
    assert absent.exists()
    assert any("组织保障" in line for line in lines)
    assert client.login(username="hq", password=DEMO_PASSWORD)
    for url, words in {
        "/campaign/hq-members/": "刘振华",
        "/campaign/work-plans/": "分三期组织科技型中小企业入库申报培训",
    }.items():
        assert words in client.get(url).content.decode(), url
    meeting = plan.meetings.order_by("held_on").first()
    page = client.get(f"/campaign/meetings/{meeting.pk}/attendance/")
    assert page.status_code == 200 and "张伟" in page.content.decode()
