"""Journeys through 组织保障 and the service log in a real browser: a unit fills
its own work plan and HQ sees the overdue task; a second unit is warned before
visiting an enterprise another unit has just visited.

KEQI_SHOTS=<folder> also saves each page at 1366 and 390 px wide for review.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from journeys import log_in, person

from keqi.campaign.models import UnitWorkTask
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.testing import make_enterprise
from keqi.partners.models import ServiceEntry
from keqi.partners.tests.helpers import log_visit

pytestmark = pytest.mark.browser

DEMO_DAY = dt.date(2019, 9, 30)


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Full-page PNGs at 1366 and 390 px when KEQI_SHOTS names a folder."""
    folder = os.environ.get("KEQI_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def plan(db, settings):  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = DEMO_DAY
    return baodi_plan()


def test_a_unit_fills_its_work_plan_and_hq_sees_the_overdue_task(page, plan):  # type: ignore[no-untyped-def]
    log_in(page, person("member"))  # 区工信局
    page.goto("/campaign/work-plans/")
    page.get_by_role("link", name="新增任务").click()
    page.get_by_label("任务").fill("组织企业申报市级企业技术中心")
    page.get_by_label("对应工作措施").select_option(
        label="措施13：创新转型企业、市级企业技术中心与专精特新产品"
    )
    page.get_by_label("责任人").fill("王科长")
    page.get_by_label("开始日期").fill("2019-06-01")
    page.get_by_label("完成时限").fill("2019-08-31")
    page.get_by_label("状态").select_option(label="推进中")
    shoot(page, "work-task-form")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已添加任务“组织企业申报市级企业技术中心”").wait_for()
    assert UnitWorkTask.objects.get().unit.code == "gxj"
    page.get_by_role("button", name="退出").click()

    log_in(page, person("hq"))
    page.goto("/campaign/work-plans/")
    page.get_by_text("逾期未完成的任务 1 项").wait_for()
    row = page.locator("tr", has_text="组织企业申报市级企业技术中心")
    assert "逾期" in row.inner_text() and "王科长" in row.inner_text()
    assert "修改" not in row.inner_text()  # HQ reads, the unit edits
    shoot(page, "work-plans-hq")
    page.get_by_text("逾期未完成的任务 1 项").click()
    assert "status=overdue" in page.url
    assert page.locator("tr", has_text="组织企业申报市级企业技术中心").count() == 1


def test_a_second_unit_is_warned_before_a_repeat_visit_and_saves_anyway(page, plan):  # type: ignore[no-untyped-def]
    firm = make_enterprise("dakoutun", name="大口屯示例科技有限公司")
    log_visit(firm, person("member"), on=dt.date(2019, 9, 20))
    log_in(page, person("town_a"))
    page.goto("/partners/services/new/")
    page.get_by_label("企业", exact=True).fill(firm.uscc)
    page.get_by_label("方式").select_option(label="走访")
    page.get_by_label("日期", exact=True).fill("2019-09-28")
    page.get_by_label("服务人员").fill("李四")
    page.get_by_label("企业诉求").fill("厂房扩建")
    page.get_by_role("button", name="保存").click()
    warning = page.locator(".revisit-warning")
    warning.wait_for()
    assert "区工信局" in warning.inner_text() and "2019-09-20" in warning.inner_text()
    assert ServiceEntry.objects.count() == 1
    shoot(page, "service-revisit-warning")
    page.get_by_role("button", name="仍然保存").click()
    page.get_by_text("已保存走访服务记录").wait_for()
    assert ServiceEntry.objects.count() == 2


def test_hq_records_who_attended_a_joint_meeting(page, plan):  # type: ignore[no-untyped-def]
    from keqi.campaign.meetings import meeting_create

    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=None)
    _plan_item_samples()
    log_in(page, person("hq"))
    page.goto(f"/campaign/meetings/{meeting.pk}/")
    page.get_by_role("link", name="登记出席情况").click()
    page.get_by_label("区工信局出席", exact=True).check()
    page.get_by_label("区工信局参会人").fill("王科长")
    page.get_by_label("区科协缺席", exact=True).check()
    shoot(page, "meeting-attendance")
    page.get_by_role("button", name="保存出席情况").click()
    page.get_by_text("区科协：缺席请填写原因").wait_for()  # nothing saved yet
    page.get_by_label("区科协缺席原因").fill("参加市科协会议")
    page.get_by_role("button", name="保存出席情况").click()
    page.get_by_text("出席情况已保存").wait_for()
    section = page.locator("section", has_text="出席情况")
    assert "王科长" in section.first.inner_text()
    assert "参加市科协会议" in section.first.inner_text()
    shoot(page, "meeting-detail")
    for name, path in (
        ("plan-carriers", "/partners/plan/carriers/"),
        ("plan-alliances", "/partners/plan/alliances/"),
        ("plan-standards", "/partners/plan/standards/"),
        ("hq-members", "/campaign/hq-members/"),
        ("transfers", "/funds/transfers/?year=2019"),
        ("settlement", "/funds/settlement/?year=2019"),
    ):
        page.goto(path)
        page.locator("h1").first.wait_for()
        shoot(page, name)


def _plan_item_samples() -> None:
    """A little of each new list, so the pages shot for review are not empty."""
    from decimal import Decimal

    from keqi.funds.transfers import transfer_income_record
    from keqi.partners import services_plan as sp

    hq = person("hq")
    firm = make_enterprise("dakoutun", name="宝坻石墨烯科技有限公司")
    city = sp.carrier_create(
        values={"name": "京津中关村科技城", "kind": "科技城"}, actor=hq
    )
    sp.carrier_settlement_create(
        values={"carrier": city, "enterprise": firm, "settled_on": dt.date(2019, 4, 1)},
        actor=hq,
    )
    sp.alliance_create(
        values={"name": "宝坻石墨烯产业技术创新战略联盟", "level": "区级",
                "founded_on": dt.date(2019, 8, 1), "enterprises": [firm],
                "lead": "区科技局"},
        actor=hq,
    )  # fmt: skip
    sp.standard_work_create(
        values={"title": "石墨烯导热膜通用技术要求", "level": "团体标准",
                "stage": "起草", "lead_enterprise": firm,
                "started_on": dt.date(2019, 3, 1)},
        actor=hq,
    )  # fmt: skip
    transfer_income_record(
        year=2019, level="city", title="市科技型企业培育专项资金",
        received_on=dt.date(2019, 7, 1), amount=Decimal("300000.00"), actor=hq,
        document="津科〔2019〕88号",
    )  # fmt: skip
