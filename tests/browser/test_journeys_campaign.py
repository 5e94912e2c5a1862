"""Journeys through the campaign and the dashboard in a real browser."""

from __future__ import annotations

import datetime as dt
import re

import docx
import pytest
from journeys import log_in, person

from keqi.campaign.models import ProgressReport, ReportStatus
from keqi.campaign.tests.helpers import baodi_plan, file_report, plan_with_typed_target
from keqi.core.testing import make_enterprise
from keqi.registry.models import QualificationKind
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.browser

DEMO_DAY = dt.date(2019, 9, 30)


@pytest.fixture
def plan(db, settings):  # type: ignore[no-untyped-def]
    """The Baodi plan loaded, pages pinned to the demo's 2019-09-30."""
    settings.KEQI_BUSINESS_DATE = DEMO_DAY
    return baodi_plan()


@pytest.fixture
def typed_plan(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The plan with one count 区工信局 types in (every seed count is counted)."""
    settings.KEQI_BUSINESS_DATE = DEMO_DAY
    return plan_with_typed_target(tmp_path)


def test_member_unit_fills_in_and_submits_its_monthly_report(page, typed_plan):  # type: ignore[no-untyped-def]
    member = person("member")  # 区工信局
    log_in(page, member)
    page.goto("/campaign/reports/")
    page.get_by_label("月份").select_option("2019-08")
    page.get_by_role("button", name="填报 / 打开月报").click()
    page.get_by_role("heading", name=re.compile("2019年08月月报")).wait_for()

    # every item the unit owns is answered, or the report is not filed (issue 16);
    # targets the registry counts have no input at all (issue 17)
    page.get_by_label(re.compile("^目标：走访服务科技企业")).fill("28")
    counted = page.locator("tr", has_text="目标：完成创新转型企业")
    assert counted.locator("input").count() == 0  # counted from records, not typed
    for number in (1, 7, 9):
        page.get_by_label(re.compile(f"^措施{number}：")).select_option("on_track")
    page.get_by_label(re.compile("^措施13：")).select_option("behind")
    page.get_by_label("责任人").fill("王立新")
    page.get_by_label("工作进展").fill(
        "完成第一批创新转型企业审核，推荐专精特新产品4项。"
    )
    page.get_by_label("存在问题").fill("第二批创新转型企业申报进度较慢。")
    page.get_by_role("button", name="保存并报送").click()
    page.get_by_role("heading", name="确认报送").wait_for()  # asked once more
    page.get_by_role("button", name="确认报送").click()
    page.locator(".page-head .badge", has_text="已报送").wait_for()

    report = ProgressReport.objects.get(unit=member.unit, month=dt.date(2019, 8, 1))
    assert report.status == ReportStatus.SUBMITTED
    assert report.responsible_person == "王立新"
    figures = {
        line.target.key: line.value
        for line in report.lines.select_related("target")
        if line.target
    }
    assert figures["visits"] == 28


def test_hq_downloads_the_monthly_summary_as_word_and_pdf(page, plan, tmp_path):  # type: ignore[no-untyped-def]
    file_report(plan, "gxj", dt.date(2019, 8, 1), dt.date(2019, 9, 3))
    log_in(page, person("hq"))
    page.goto("/campaign/?as_of=2019-09-30")
    with page.expect_download() as word:
        page.get_by_role("link", name="下载本月汇总（Word）").click()
    assert word.value.suggested_filename.endswith(".docx")
    word.value.save_as(tmp_path / "summary.docx")
    document = docx.Document(str(tmp_path / "summary.docx"))
    cells = {
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    }
    assert "新发展国家高新技术企业" in cells

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    pdf.value.save_as(tmp_path / "summary.pdf")
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")


@pytest.fixture
def high_tech_in_dakoutun(plan):  # type: ignore[no-untyped-def]
    """Two 大口屯镇 enterprises certified 高企 in 2019, one in 口东镇."""
    made = []
    for area, name in [
        ("dakoutun", "天津宝坻智联科技有限公司"),
        ("dakoutun", "天津大口屯新能源有限公司"),
        ("koudong", "天津口东精密机械有限公司"),
    ]:
        enterprise = make_enterprise(area=area, name=name)
        qualification_upsert(
            enterprise=enterprise,
            kind=QualificationKind.HIGH_TECH,
            values={"granted_on": dt.date(2019, 6, 1), "number": f"GR2019{len(made)}"},
            actor=None,
        )
        made.append(enterprise)
    return made


def test_leader_opens_the_dashboard_and_drills_down_to_the_enterprises(
    page, high_tech_in_dakoutun
):  # type: ignore[no-untyped-def]
    log_in(page, person("leader"))
    page.get_by_role("heading", name=re.compile("领导驾驶舱")).wait_for()

    libraries = page.locator("#libraries table")
    headers = libraries.locator("thead th").all_inner_texts()
    column = next(i for i, h in enumerate(headers) if "高新技术企业" in h)
    cell = (
        libraries.locator("tbody tr", has_text="大口屯镇").locator("th, td").nth(column)
    )
    assert cell.inner_text().strip() == "2"
    cell.get_by_role("link").click()

    page.get_by_role("heading", name=re.compile("高新技术企业库 · 大口屯镇")).wait_for()
    main = page.inner_text("main")
    assert "天津宝坻智联科技有限公司" in main and "天津大口屯新能源有限公司" in main
    assert "天津口东精密机械有限公司" not in main


def test_leader_drills_from_a_target_gauge_to_the_records_behind_it(
    page, high_tech_in_dakoutun
):  # type: ignore[no-untyped-def]
    log_in(page, person("leader"))
    row = page.locator("#targets tbody tr", has_text="新发展国家高新技术企业")
    row.get_by_role("link", name="3").click()
    page.get_by_role("heading", name="新发展国家高新技术企业：3家").wait_for()
    main = page.inner_text("main")
    for enterprise in high_tech_in_dakoutun:
        assert enterprise.name in main
