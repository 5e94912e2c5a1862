"""Journeys through account administration in a real browser."""

from __future__ import annotations

import pytest
from journeys import log_in

from keqi.accounts.models import User
from keqi.core.testing import persona

pytestmark = pytest.mark.browser

INITIAL = "Chushi-2019a"
OWN = "Ziji-de-2019"


def test_a_new_user_is_made_logs_in_and_must_change_the_password(page):  # type: ignore[no-untyped-def]
    log_in(page, persona("sysadmin"))
    assert page.url.endswith("/accounts/users/")
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名").fill("Zhangsan")
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("所属单位").select_option(label="大口屯镇人民政府（大口屯镇）")
    page.get_by_label("角色").select_option(label="街镇/园区工作人员")
    page.get_by_label("初始密码").fill(INITIAL)
    page.get_by_label("原因").fill("新入职，负责本镇企业库")
    page.get_by_role("button", name="新建账号").click()
    page.get_by_text("已新建账号 zhangsan，首次登录时须修改密码。").wait_for()
    page.get_by_role("button", name="退出").click()
    page.get_by_role("button", name="登录").wait_for()

    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("密码").fill(INITIAL)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="修改密码").wait_for()
    assert page.url.endswith("/accounts/password/")
    assert "须先设置您自己的新密码" in page.inner_text("main")
    page.goto("/enterprises/")  # nothing else opens before the change
    assert page.url.endswith("/accounts/password/")

    page.get_by_label("原密码").fill(INITIAL)
    page.get_by_label("新密码", exact=True).fill(OWN)
    page.get_by_label("再次输入新密码").fill(OWN)
    page.get_by_role("button", name="修改密码").click()
    page.get_by_text("密码已修改。").wait_for()
    assert page.url.endswith("/enterprises/")  # the home page of town staff
    assert "企业库" in page.locator("h1").first.inner_text()
    assert "张三" in page.locator(".who").inner_text()
    user = User.objects.get(username="zhangsan")
    assert user.check_password(OWN) and not user.must_change_password
