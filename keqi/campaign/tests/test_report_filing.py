"""A monthly report counts as filed only when it says something (issue 16).

gxj pressed 保存并报送 on an untouched form and the empty report was counted as
filed, fed the PDF summary and measure 13. Now every item the unit owns must be
answered — or the report says 本月无进展 with a reason — the page asks once more
before submitting, and the month picker starts at the month being collected.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from keqi.accounts.models import Unit
from keqi.api.tests.helpers import api_as
from keqi.campaign.board import board_build, current_reporting_month
from keqi.campaign.filing import report_gaps
from keqi.campaign.models import Plan, ProgressReport, ReportStatus
from keqi.campaign.services import (
    CampaignAction,
    progress_report_open,
    progress_report_save,
    progress_report_submit,
)
from keqi.campaign.summary import summary_build
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
AUGUST = dt.date(2019, 8, 1)
DEMO_DAY = dt.date(2019, 9, 30)


@pytest.fixture
def plan(settings: Any) -> Plan:
    settings.KEQI_BUSINESS_DATE = DEMO_DAY
    return baodi_plan()


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _open(plan: Plan, user: Any) -> ProgressReport:
    return progress_report_open(plan=plan, unit=user.unit, month=AUGUST, actor=user)


def _page(client: Client, report: ProgressReport) -> str:
    return client.get(f"/campaign/reports/{report.pk}/").content.decode()


def _answers(report: ProgressReport) -> dict[str, str]:
    """Every line of the form answered, as a careful unit would."""
    data = {"responsible_person": "王立新", "narrative": "完成第一批企业审核。"}
    for line in report.lines.select_related("target"):
        if line.target is None:
            data[f"line-{line.pk}-progress"] = "on_track"
        elif line.target.source != "auto":
            data[f"line-{line.pk}-value"] = "3"
    return data


def _submitted() -> int:
    return AuditEvent.objects.filter(action=CampaignAction.REPORT_SUBMIT).count()


def test_an_untouched_form_is_refused_naming_each_item_and_nothing_is_filed(
    plan: Plan, member: Any
) -> None:
    report = _open(plan, member)
    client = _client(member)
    response = client.post(
        f"/campaign/reports/{report.pk}/", {"action": "submit"}, follow=True
    )
    text = response.content.decode()
    assert "尚未报送。请补全以下 7 项后再报送" in text
    assert "工作进展：请填写本月工作进展" in text
    assert "措施13：创新转型企业、市级企业技术中心与专精特新产品：请选择进度" in text
    assert "目标：完成创新转型企业：请填写累计完成" in text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.first_submitted_at is None
    assert _submitted() == 0
    # neither the summary (Word/PDF) nor measure 13 on the board counts it
    assert summary_build(plan, AUGUST, DEMO_DAY).progress == []
    measure = next(
        m for m in board_build(plan, DEMO_DAY).measures if m.measure.number == 13
    )
    assert measure.latest is None


def test_the_service_refuses_an_empty_report_whoever_submits_it(
    plan: Plan, member: Any
) -> None:
    report = _open(plan, member)
    with pytest.raises(ValidationError) as refused:
        progress_report_submit(report=report, actor=None)
    assert set(refused.value.message_dict) == {"narrative", "lines"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_complete_form_asks_for_confirmation_before_anything_is_filed(
    plan: Plan, member: Any
) -> None:
    report = _open(plan, member)
    client = _client(member)
    data = {"action": "submit", **_answers(report)}
    asked = client.post(f"/campaign/reports/{report.pk}/", data)
    assert asked.url == f"/campaign/reports/{report.pk}/?confirm=1#confirm"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and _submitted() == 0
    assert report.narrative == "完成第一批企业审核。"  # the draft is kept
    page = client.get(asked.url).content.decode()
    assert "确认报送" in page and "正常推进 4 项" in page
    assert "报送后本单位不能再修改" in page
    done = client.post(
        f"/campaign/reports/{report.pk}/", {"action": "confirm"}, follow=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and _submitted() == 1
    assert "已报送" in done.content.decode()


def test_confirming_an_incomplete_report_is_refused(plan: Plan, member: Any) -> None:
    report = _open(plan, member)
    _client(member).post(f"/campaign/reports/{report.pk}/", {"action": "confirm"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and _submitted() == 0
    # and the confirmation box is not offered for it
    page = _client(member).get(f"/campaign/reports/{report.pk}/?confirm=1")
    assert "确认报送" not in page.content.decode()


def test_no_progress_with_a_reason_is_accepted(plan: Plan, member: Any) -> None:
    report = _open(plan, member)
    client = _client(member)
    data = {
        "action": "submit",
        "responsible_person": "王立新",
        "no_progress": "on",
        "no_progress_reason": "本月集中开展年中考核，培育工作顺延至9月。",
    }
    asked = client.post(f"/campaign/reports/{report.pk}/", data)
    page = client.get(asked.url).content.decode()
    assert "本月无进展，原因：本月集中开展年中考核" in page
    client.post(f"/campaign/reports/{report.pk}/", {"action": "confirm"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.no_progress
    summary = summary_build(plan, AUGUST, DEMO_DAY)
    assert summary.progress == [
        (str(report.unit), "本月无进展（本月集中开展年中考核，培育工作顺延至9月。）")
    ]
    measure = next(
        m for m in board_build(plan, DEMO_DAY).measures if m.measure.number == 13
    )
    assert "区工信局报：本月无进展" in measure.reasons


def test_no_progress_without_a_reason_is_refused(plan: Plan, member: Any) -> None:
    report = _open(plan, member)
    response = _client(member).post(
        f"/campaign/reports/{report.pk}/",
        {"action": "submit", "responsible_person": "王立新", "no_progress": "on"},
        follow=True,
    )
    assert "无进展原因：勾选“本月无进展”时须写明原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.no_progress
    assert _submitted() == 0


def test_a_target_without_a_figure_may_be_explained_in_its_note(
    plan: Plan, member: Any
) -> None:
    report = _open(plan, member)
    data: dict[int, dict[str, Any]] = {}
    for line in report.lines.select_related("target"):
        data[line.pk] = (
            {"progress": "behind"} if line.target is None else {"note": "统计未出"}
        )
    saved = progress_report_save(
        report=report, values={"narrative": "推进中"}, lines=data, actor=member
    )
    assert report_gaps(saved) == {}


def test_a_town_files_its_own_report_and_cannot_confirm_anothers(
    plan: Plan, town_a: Any, member: Any
) -> None:
    mine = _open(plan, town_a)
    theirs = _open(plan, member)
    client = _client(town_a)
    untouched = client.post(f"/campaign/reports/{mine.pk}/", {"action": "submit"})
    assert untouched.url == f"/campaign/reports/{mine.pk}/?check=1#missing"
    asked = client.post(
        f"/campaign/reports/{mine.pk}/", {"action": "submit", **_answers(mine)}
    )
    assert asked.url.endswith("?confirm=1#confirm")
    client.post(f"/campaign/reports/{mine.pk}/", {"action": "confirm"})
    mine.refresh_from_db()
    assert mine.status == ReportStatus.SUBMITTED
    other = client.post(f"/campaign/reports/{theirs.pk}/", {"action": "confirm"})
    assert other.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (dt.date(2019, 9, 30), dt.date(2019, 8, 1)),  # September collects August
        (dt.date(2019, 9, 3), dt.date(2019, 8, 1)),
        (dt.date(2019, 5, 10), dt.date(2019, 5, 1)),  # before the first: the first
        (dt.date(2021, 3, 1), dt.date(2019, 12, 1)),  # after the last: the last
    ],
)
def test_the_current_reporting_month_follows_the_business_date(
    plan: Plan, day: dt.date, month: dt.date
) -> None:
    assert current_reporting_month(plan, day) == month


def test_the_month_picker_defaults_to_the_current_reporting_month(
    plan: Plan, member: Any, settings: Any
) -> None:
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 10, 8)
    page = _client(member).get("/campaign/reports/").content.decode()
    picked = re.findall(r'<option value="([0-9-]+)" selected>', page)
    assert picked[0] == "2019-09"
    # opening without a month opens that month's report
    _client(member).post("/campaign/reports/open/", {"plan": plan.name})
    opened = ProgressReport.objects.get(unit=member.unit)
    assert opened.month == dt.date(2019, 9, 1)


def test_the_api_refuses_an_untouched_report_naming_the_fields(plan: Plan) -> None:
    member = api_as("member")
    report = member.post("/api/v1/reports/open/", {"month": "2019-08"}).json()
    refused = member.post(f"/api/v1/reports/{report['id']}/submit/")
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert errors["narrative"][0].startswith("工作进展：")
    assert any("请选择进度" in e for e in errors["lines"])
    assert ProgressReport.objects.get(pk=report["id"]).status == ReportStatus.DRAFT


def test_the_api_accepts_no_progress_only_with_a_reason(plan: Plan) -> None:
    member = api_as("member")
    report = member.post("/api/v1/reports/open/", {"month": "2019-08"}).json()
    path = f"/api/v1/reports/{report['id']}/"
    member.patch(path, {"no_progress": True})
    refused = member.post(path + "submit/")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "no_progress_reason": ["无进展原因：勾选“本月无进展”时须写明原因"]
    }
    saved = member.patch(path, {"no_progress_reason": "等待市级批复"})
    assert saved.json()["no_progress"] is True
    filed = member.post(path + "submit/")
    assert filed.status_code == 200 and filed.json()["status"] == "submitted"
    assert Unit.objects.get(code="gxj").pk == ProgressReport.objects.get().unit_id
