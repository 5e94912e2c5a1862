"""Monthly reports: pre-filled lines, scope, lateness, return and correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from keqi.accounts.models import Unit
from keqi.campaign.board import board_build
from keqi.campaign.models import ReportStatus
from keqi.campaign.progress import Light
from keqi.campaign.selectors import report_get_for, report_list_for
from keqi.campaign.services import (
    CampaignAction,
    month_close,
    progress_report_open,
    progress_report_return,
    progress_report_save,
    progress_report_submit,
)
from keqi.campaign.tests.helpers import (
    at,
    baodi_plan,
    file_report,
    grant,
    plan_with_typed_target,
)
from keqi.core.models import AuditEvent

JUNE = dt.date(2019, 6, 1)
pytestmark = pytest.mark.django_db


def test_a_report_lists_the_units_measures_and_the_targets_it_leads(member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    report = progress_report_open(plan=plan, unit=member.unit, month=JUNE, actor=member)
    measures = sorted(li.measure.number for li in report.lines.all() if li.measure)
    targets = sorted(li.target.key for li in report.lines.all() if li.target)
    assert measures == [1, 7, 9, 13]
    assert targets == ["city-tech-center", "innovation-transformation", "zjtx-products"]


def test_auto_figures_are_prefilled_from_the_registry(member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    grant("企业技术中心", dt.date(2019, 6, 10), level="省级（市级）")
    grant("企业技术中心", dt.date(2019, 6, 11), level="国家级")
    grant("企业技术中心", dt.date(2019, 7, 2), level="省级（市级）")
    report = progress_report_open(plan=plan, unit=member.unit, month=JUNE, actor=member)
    line = report.lines.get(target__key="city-tech-center")
    assert line.prefilled == Decimal(1)  # June only, city level only


def test_a_unit_cannot_see_or_edit_another_units_report(member, town_a) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    theirs = progress_report_open(plan=plan, unit=town_a.unit, month=JUNE, actor=town_a)
    with pytest.raises(Http404):
        report_get_for(member, theirs.pk)
    assert not report_list_for(member, plan).filter(pk=theirs.pk).exists()
    with pytest.raises(PermissionDenied):
        progress_report_save(
            report=theirs, values={"narrative": "x"}, lines={}, actor=member
        )


def test_hq_and_leaders_read_every_report_but_leaders_cannot_edit(hq, leader) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    report = progress_report_open(
        plan=plan, unit=Unit.objects.get(code="gxj"), month=JUNE, actor=hq
    )
    assert report_get_for(leader, report.pk) == report
    with pytest.raises(PermissionDenied):
        progress_report_save(
            report=report, values={"narrative": "x"}, lines={}, actor=leader
        )


def test_a_submitted_report_is_locked_until_hq_returns_it(member, hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    report = file_report(plan, "gxj", JUNE, dt.date(2019, 7, 3))
    with pytest.raises(ValidationError):
        progress_report_save(
            report=report, values={"narrative": "改"}, lines={}, actor=member
        )
    progress_report_return(report=report, reason="创新转型企业数与名单不符", actor=hq)
    report.refresh_from_db()
    assert (report.status, report.returned_count) == (ReportStatus.RETURNED, 1)
    progress_report_save(
        report=report, values={"narrative": "改"}, lines={}, actor=member
    )
    progress_report_submit(report=report, actor=member, now=at(dt.date(2019, 7, 9)))
    report.refresh_from_db()
    assert report.first_submitted_at == at(dt.date(2019, 7, 3))  # still on time
    assert AuditEvent.objects.filter(
        action=CampaignAction.REPORT_RETURN, target_id=str(report.pk)
    ).exists()


def test_only_hq_can_return_a_report(member) -> None:  # type: ignore[no-untyped-def]
    report = file_report(baodi_plan(), "gxj", JUNE, dt.date(2019, 7, 3))
    with pytest.raises(PermissionDenied):
        progress_report_return(report=report, reason="x", actor=member)


def test_a_correction_after_the_month_closes_needs_a_reason_and_is_audited(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    report = file_report(plan, "gxj", JUNE, dt.date(2019, 7, 3))
    month_close(plan=plan, month=JUNE, actor=hq)
    with pytest.raises(ValidationError):
        progress_report_save(
            report=report, values={"problems": "补充"}, lines={}, actor=hq
        )
    progress_report_save(
        report=report,
        values={"problems": "补充"},
        lines={},
        actor=hq,
        reason="核实后更正",
    )
    report.refresh_from_db()
    assert report.corrected_after_close
    event = AuditEvent.objects.get(action=CampaignAction.REPORT_CORRECT)
    assert event.reason == "核实后更正"
    assert event.changes == {"problems": ["", "补充"]}


def test_a_late_report_turns_the_units_items_red(member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "kx", JUNE, dt.date(2019, 7, 5))  # on the due day
    board = board_build(plan, dt.date(2019, 7, 6))
    gxj, kx = Unit.objects.get(code="gxj"), Unit.objects.get(code="kx")
    assert board.unit_light(gxj) == Light.RED
    assert all(i.light == Light.RED for i in board.items[gxj.pk])
    assert board.items[gxj.pk][0].reasons[0].startswith("2019年06月月报逾期未报")
    assert not any("月报" in r for i in board.items[kx.pk] for r in i.reasons)


def test_on_the_due_day_nobody_is_late_yet() -> None:
    plan = baodi_plan()
    assert board_build(plan, dt.date(2019, 7, 5)).late[-1].month == dt.date(2019, 5, 1)
    assert all(
        late.month == dt.date(2019, 5, 1)
        for late in board_build(plan, dt.date(2019, 7, 5)).late
    )


def test_a_reported_target_takes_the_lead_units_latest_submitted_figure(
    tmp_path: Path,
) -> None:
    plan = plan_with_typed_target(tmp_path)
    file_report(
        plan,
        "gxj",
        JUNE,
        dt.date(2019, 7, 3),
        figures={"visits": "20"},
    )
    file_report(
        plan,
        "gxj",
        dt.date(2019, 7, 1),
        dt.date(2019, 8, 2),
        figures={"visits": "35"},
    )
    board = board_build(plan, dt.date(2019, 8, 10))
    status = next(t for t in board.targets if t.target.key == "visits")
    assert status.actual == Decimal(35)
    assert "区工信局2019年07月月报" in status.actual_source
    assert status.judgement.expected == Fraction(75, 2)  # 100 × 3/8 (May–July done)
    assert status.light == Light.YELLOW  # 35 ≥ 0.8 × 37.5 = 30


def test_new_high_tech_counts_first_time_grants_of_the_year_only() -> None:
    plan = baodi_plan()
    grant("高新技术企业", dt.date(2019, 3, 1), number="GR201912000001")
    grant(
        "高新技术企业",
        dt.date(2019, 11, 20),
        number="GR201912000002",
        revoked_on=dt.date(2019, 12, 1),
    )
    grant("高新技术企业", dt.date(2018, 11, 1), number="GR201812000001")
    board = board_build(plan, dt.date(2019, 12, 31))
    status = next(t for t in board.targets if t.target.key == "high-tech")
    assert status.actual == 1
    assert [e.number for e in status.metric.evidence(2019, dt.date(2019, 12, 31))] == [
        "GR201912000001"
    ]


def test_reminders_list_who_still_owes_last_months_report() -> None:
    from keqi.campaign.board import report_reminders

    plan = baodi_plan()
    file_report(plan, "kx", JUNE, dt.date(2019, 7, 2))
    before = {r.unit.code: r for r in report_reminders(plan, dt.date(2019, 7, 3))}
    assert "kx" not in before
    assert before["gxj"].text == "2019年06月月报于07月05日截止，还有2天"
    after = {r.unit.code: r for r in report_reminders(plan, dt.date(2019, 7, 8))}
    assert after["gxj"].late and after["gxj"].text == "2019年06月月报已逾期3天未报"


def test_the_board_query_count_does_not_grow_with_reports() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = baodi_plan()
    file_report(plan, "gxj", JUNE, dt.date(2019, 7, 3))
    with CaptureQueriesContext(connection) as one:
        board_build(plan, dt.date(2019, 7, 8))
    for code in ("kx", "czj", "rsj", "rcb", "dakoutun-gov"):
        file_report(plan, code, JUNE, dt.date(2019, 7, 3))
    with CaptureQueriesContext(connection) as six:
        board_build(plan, dt.date(2019, 7, 8))
    # One query per counted target: 15 of the seed plan's 16 are counted now.
    assert len(six) == len(one) <= 50
