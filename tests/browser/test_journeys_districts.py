"""A city officer compares the districts and drills into one district's library."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from journeys import log_in

from keqi.accounts.tests.test_districts import load_shifan, person
from keqi.core.testing import make_enterprise
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.browser

# KEQI_SHOTS=folder keeps the journey's pages at 1366 and 390 px for a look.
SHOTS = os.environ.get("KEQI_SHOTS", "")


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not SHOTS:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def two_districts(db):  # type: ignore[no-untyped-def]
    load_shifan()
    firms = [
        make_enterprise("dakoutun", name="天津大口屯精工科技有限公司"),
        make_enterprise("sf-hexi", name="示范河西智造科技有限公司"),
        make_enterprise("sf-gxq", name="示范高新信息技术有限公司"),
    ]
    for firm in firms:
        qualification_upsert(
            enterprise=firm,
            kind="科技型中小企业",
            values={"number": f"TS{firm.pk:06d}", "granted_on": dt.date(2019, 4, 1)},
            actor=None,
        )
    return firms


def test_city_user_compares_districts_and_opens_one_districts_library(  # type: ignore[no-untyped-def]
    page, two_districts
):
    log_in(page, person("city"))
    assert page.url.endswith("/dashboard/districts/")
    page.get_by_label("统计日期").fill("2019-09-30")
    page.get_by_role("button", name="查询").click()
    row = page.locator(
        "tr", has=page.get_by_role("rowheader", name="国家科技型中小企业库")
    )
    shoot(page, "districts")
    # districts are columns, Baodi first: 示范区 has 2 in the library
    row.locator("td").nth(1).get_by_role("link", name="2").click()
    page.get_by_role("heading", name="国家科技型中小企业库 · 示范区（虚构）").wait_for()
    body = page.locator("table.grid").inner_text()
    assert "示范河西智造" in body and "示范高新信息" in body
    assert "大口屯精工" not in body
    shoot(page, "districts-library")


def test_a_district_hq_officer_does_not_see_the_comparison(page, two_districts):  # type: ignore[no-untyped-def]
    log_in(page, person("sf_hq"))
    response = page.goto("/dashboard/districts/")
    assert response is not None and response.status == 404
    page.goto("/enterprises/")
    page.get_by_role("link", name="示范河西智造科技有限公司").wait_for()
    assert "大口屯精工" not in page.content()
    shoot(page, "district-hq-registry")


def test_each_district_sees_its_own_runs_and_the_city_picks_a_districts_settlement(  # type: ignore[no-untyped-def]
    page, two_districts
):
    from keqi.evaluations.models import RunTrigger
    from keqi.evaluations.services import (
        evaluation_run_create,
        evaluation_run_execute,
    )

    runs = {}
    for name in ("hq", "sf_hq"):
        run = evaluation_run_create(
            as_of=dt.date(2019, 9, 30), trigger=RunTrigger.CLI, actor=person(name)
        )
        runs[name] = evaluation_run_execute(run=run)
    log_in(page, person("sf_hq"))
    page.goto("/evaluations/")
    page.get_by_role("link", name=f"第 {runs['sf_hq'].pk} 次").click()
    page.get_by_role("heading", name="示范区（虚构）").wait_for()
    assert "大口屯精工" not in page.content()
    page.goto("/evaluations/")
    assert page.get_by_role("link", name=f"第 {runs['hq'].pk} 次").count() == 0
    shoot(page, "district-runs")
    page.context.clear_cookies()
    log_in(page, person("city"))
    page.goto("/funds/settlement/?year=2019")
    page.locator("select[name=district]").select_option(label="示范区（虚构）")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="年度结算 · 示范区（虚构） · 2019年度").wait_for()
    assert page.get_by_role("button", name="2019年度结算关账").count() == 0
    shoot(page, "city-settlement")


def test_city_user_picks_a_district_on_the_dashboard(page, two_districts):  # type: ignore[no-untyped-def]
    log_in(page, person("city"))
    page.goto("/dashboard/?as_of=2019-09-30")
    page.get_by_role("heading", name="领导驾驶舱 · 全市").wait_for()
    libraries = page.locator("#libraries table").inner_text()
    assert "全市合计" in libraries and "示范区（虚构）合计" in libraries
    shoot(page, "dashboard-city")
    page.locator('select[name="district"]').select_option("shifan")
    page.get_by_role("button", name="查看").first.click()
    page.get_by_role("heading", name="领导驾驶舱 · 示范区（虚构）").wait_for()
    libraries = page.locator("#libraries table").inner_text()
    assert "示范河西镇" in libraries and "大口屯镇" not in libraries
    shoot(page, "dashboard-city-shifan")
