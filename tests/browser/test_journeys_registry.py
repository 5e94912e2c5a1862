"""Journeys through the registry in a real browser: logging in, importing, scopes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from journeys import log_in, person

from keqi.core.testing import make_enterprise

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def two_towns(db):  # type: ignore[no-untyped-def]
    """One enterprise in 大口屯镇 (town_a's) and one in 口东镇 (town_b's)."""
    ours = make_enterprise(area="dakoutun", name="天津大口屯精工科技有限公司")
    theirs = make_enterprise(area="koudong", name="天津口东新材料有限公司")
    return ours, theirs


# role → (where the home page lands, its heading, the role the header shows)
HOMES = {
    "hq": ("/enterprises/", "企业库", "指挥部管理员"),
    "leader": ("/dashboard/", "领导驾驶舱", "领导（只读）"),
    "town_a": ("/enterprises/", "企业库", "街镇/园区工作人员"),
    "member": ("/enterprises/", "企业库", "成员单位"),
    "auditor": ("/enterprises/", "企业库", "审计（只读）"),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_logs_in_and_lands_on_its_home_page(page, two_towns, role):  # type: ignore[no-untyped-def]
    path, heading, role_label = HOMES[role]
    user = person(role)
    log_in(page, user)
    assert page.url.endswith(path)
    assert heading in page.locator("h1").first.inner_text()
    assert role_label in page.locator(".who").inner_text()


@pytest.mark.parametrize("role", ["hq", "member", "auditor"])
def test_district_wide_roles_see_every_towns_enterprises(page, two_towns, role):  # type: ignore[no-untyped-def]
    log_in(page, person(role))
    page.goto("/enterprises/")
    for enterprise in two_towns:
        page.get_by_role("link", name=enterprise.name).wait_for()


def test_town_user_sees_only_its_own_enterprises(page, two_towns):  # type: ignore[no-untyped-def]
    ours, theirs = two_towns
    log_in(page, person("town_a"))
    page.goto("/enterprises/")
    page.get_by_role("link", name=ours.name).wait_for()
    assert theirs.name not in page.content()


def test_town_user_gets_the_404_page_on_another_towns_enterprise(page, two_towns):  # type: ignore[no-untyped-def]
    _ours, theirs = two_towns
    log_in(page, person("town_a"))
    for path in (f"/enterprises/{theirs.pk}/", f"/cultivation/portrait/{theirs.pk}/"):
        response = page.goto(path)
        assert response is not None and response.status == 404
        page.get_by_role("heading", name="未找到该页面").wait_for()
        assert "不在您的管辖范围内" in page.inner_text("main")
        assert theirs.name not in page.content()


def test_hq_imports_a_workbook_and_sees_verdicts_on_the_portrait(page, settings):  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)
    settings.TASKS = {  # the worker's tasks run as they are queued
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    log_in(page, person("hq"))
    page.goto("/enterprises/import/")
    page.get_by_label("选择文件").set_input_files(FIXTURES / "workbook_good.xlsx")
    page.get_by_role("button", name="上传并核对").click()
    page.get_by_role("heading", name=re.compile("检查通过")).wait_for()
    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", name=re.compile("导入完成")).wait_for()
    # the result lists the imported enterprises with their verdicts now
    assert "科技型中小企业：" in page.inner_text("#imported")

    page.goto("/enterprises/")
    page.get_by_role("link", name="天津宏远电子科技有限公司").click()
    page.get_by_role("link", name="企业画像").first.click()
    page.get_by_role("heading", name="企业画像 · 天津宏远电子科技有限公司").wait_for()
    verdicts = page.locator("h2").all_inner_texts()
    # each verdict heads with its programme and a status badge (issue 16)
    assert any(text.startswith("科技型中小企业 ") for text in verdicts), verdicts
    assert any(text.startswith("高新技术企业 ") for text in verdicts), verdicts
