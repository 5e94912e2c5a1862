"""Campaign pages end to end through the test client."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keqi.campaign.models import ProgressReport, ReportStatus
from keqi.campaign.services import progress_report_open
from keqi.campaign.tests.helpers import (
    baodi_plan,
    file_report,
    grant,
    plan_with_typed_target,
)
from keqi.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
JUNE = dt.date(2019, 6, 1)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_board_shows_targets_lights_and_the_rule(leader) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    grant("高新技术企业", dt.date(2019, 6, 12), number="GR201912000007")
    page = _client(leader).get("/campaign/?as_of=2019-07-01").content.decode()
    assert "新发展国家高新技术企业" in page
    assert "序时进度 = 目标值 × 已过月数 ÷ 计划月数" in page
    assert "/campaign/targets/high-tech/records/?as_of=2019-07-01" in page
    assert "8000人" in page and "1E+" not in page


def test_auto_target_records_are_limited_to_the_users_area(town_a, town_b) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    grant(
        "高新技术企业", dt.date(2019, 6, 12), area="dakoutun", number="GR201912000011"
    )
    grant("高新技术企业", dt.date(2019, 6, 13), area="koudong", number="GR201912000012")
    page = _client(town_a).get("/campaign/targets/high-tech/records/?as_of=2019-07-01")
    text = page.content.decode()
    assert "GR201912000011" in text and "GR201912000012" not in text
    assert "全区共 2 条记录，您的权限范围内可查看 1 条" in text


def test_auto_target_records_are_paged_with_the_whole_count(hq, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A city's 科小 target has thousands of records: a page at a time, numbered
    on, the count whole; the download has every row."""
    from io import BytesIO

    from openpyxl import load_workbook

    from keqi.core import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    baodi_plan()
    for n in range(3):
        grant("高新技术企业", dt.date(2019, 6, 12 + n), number=f"GR20191200002{n}")
    url = "/campaign/targets/high-tech/records/?as_of=2019-07-01"
    client = _client(hq)
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert "GR201912000020" in first and "GR201912000022" not in first
    assert "GR201912000022" in second and "GR201912000020" not in second
    assert "第 2 / 2 页，共 3 条" in second and "<td>3</td>" in second
    book = load_workbook(BytesIO(client.get(url + "&format=xlsx").content))
    cells = {c.value for row in book.active.iter_rows() for c in row}
    assert {f"GR20191200002{n}" for n in range(3)} <= cells


def test_a_member_unit_gets_404_on_another_units_report(member, town_a) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    theirs = progress_report_open(plan=plan, unit=town_a.unit, month=JUNE, actor=town_a)
    client = _client(member)
    assert client.get(f"/campaign/reports/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/campaign/reports/{theirs.pk}/", {"action": "save", "narrative": "篡改"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.narrative == ""


def test_a_member_unit_fills_in_and_submits_its_report(member, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan_with_typed_target(tmp_path)
    client = _client(member)
    response = client.post(
        "/campaign/reports/open/", {"plan": "baodi-2019", "month": "2019-06"}
    )
    report = ProgressReport.objects.get(unit=member.unit, month=JUNE)
    assert response.url == f"/campaign/reports/{report.pk}/"
    line = report.lines.get(target__key="visits")
    data = {
        "action": "submit",
        "responsible_person": "李四",
        "narrative": "走访服务科技企业12家。",
        f"line-{line.pk}-value": "12",
        "file": SimpleUploadedFile("名单.xlsx", b"x"),
    }
    for other in report.lines.exclude(pk=line.pk):
        if other.target is None:
            data[f"line-{other.pk}-progress"] = "on_track"
        else:
            data[f"line-{other.pk}-note"] = "本月暂无新数据"
    asked = client.post(f"/campaign/reports/{report.pk}/", data)
    assert asked.url == f"/campaign/reports/{report.pk}/?confirm=1#confirm"
    client.post(f"/campaign/reports/{report.pk}/", {"action": "confirm"})
    report.refresh_from_db()
    line.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert line.value == 12 and report.responsible_person == "李四"


def test_a_bad_number_is_refused_in_chinese_and_nothing_changes(
    member, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_with_typed_target(tmp_path)
    report = progress_report_open(plan=plan, unit=member.unit, month=JUNE, actor=member)
    line = report.lines.get(target__key="visits")
    response = _client(member).post(
        f"/campaign/reports/{report.pk}/",
        {"action": "save", "narrative": "x", f"line-{line.pk}-value": "十二"},
        follow=True,
    )
    assert "累计完成应为数字（实际为 十二）" in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == ""


def test_attachments_upload_and_download_within_scope(
    member, town_a, tmp_path, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    plan = baodi_plan()
    report = progress_report_open(plan=plan, unit=member.unit, month=JUNE, actor=member)
    client = _client(member)
    client.post(
        f"/campaign/reports/{report.pk}/",
        {"action": "attach", "file": SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4")},
    )
    attachment = report.attachments.get()
    assert client.get(f"/campaign/attachments/{attachment.pk}/").status_code == 200
    other = _client(town_a).get(f"/campaign/attachments/{attachment.pk}/")
    assert other.status_code == 404


def test_hq_downloads_the_summary_and_a_town_may_not(hq, town_a) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "gxj", JUNE, dt.date(2019, 7, 3))
    url = "/campaign/summary/?month=2019-06&as_of=2019-07-08"
    response = _client(hq).get(url)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # a .docx is a zip
    # the plan's name already carries the year: not baodi-2019-2019-06
    disposition = unquote(response["Content-Disposition"])
    assert disposition.endswith("baodi-2019-06-汇总.docx")
    assert _client(town_a).get(url).status_code == 403


def test_meeting_and_assessment_pages_render(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    client = _client(hq)
    response = client.post("/campaign/meetings/", {"held_on": "2019-07-10"})
    assert response.status_code == 302
    meeting_page = client.get(response.url).content.decode()
    assert "月报逾期未报" in meeting_page
    page = client.get("/campaign/assessment/?as_of=2019-07-10").content.decode()
    assert "得分 = 按时报送率 × 30" in page
    assert "拟点名单位" in page


def test_the_owner_unit_closes_its_decision_from_the_page(hq, member) -> None:  # type: ignore[no-untyped-def]
    from keqi.campaign.meetings import decision_add, meeting_create

    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 7, 10), actor=hq)
    decision = decision_add(
        meeting=meeting,
        text="推动企业申报市级企业技术中心",
        owner=member.unit,
        due_on=dt.date(2019, 8, 31),
        actor=hq,
    )
    url = f"/campaign/decisions/{decision.pk}/close/"
    _client(member).post(url, {"done_on": "2019-08-20", "note": "已申报3家"})
    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == ("done", dt.date(2019, 8, 20))


def test_the_board_leads_with_the_light_and_explains_the_rule_once(town_a) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    page = _client(town_a).get("/campaign/?as_of=2019-09-30").content.decode()
    assert page.count("看图说明") == 1 and page.count("完整判定规则") == 1
    assert page.count("序时进度 = 目标值") == 1  # the rule, behind <details>
    assert "约" not in page and "的 80%" not in page  # exact, no per-row sentence
    # a one-off deliverable before its deadline is not "达到序时进度 0"
    assert "达到序时进度 0" not in page and "尚未到期" in page
    assert "<details" in page and "数据来源" in page


def test_the_assessment_page_shows_points_with_their_working_on_demand(
    member,
) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "gxj", dt.date(2019, 8, 1), dt.date(2019, 9, 3))
    page = _client(member).get("/campaign/assessment/?as_of=2019-09-30")
    text = page.content.decode()
    assert page.status_code == 200 and text.count("计分办法") == 1
    # gxj filed one of its four due reports on time: 30 × 1/4, the working behind it
    assert "<summary>7.50</summary>" in text
    assert "到期月报 4 份，按期报送 1 份" in text and "organisation" not in text
