"""Steps the journeys share: logging in as a person does, and the people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import user_create
from keqi.core.testing import PASSWORD, persona

if TYPE_CHECKING:
    from playwright.sync_api import Page


def person(name: str) -> User:
    """A persona of keqi.core.testing, or the auditor (who has no persona there)."""
    if name != "auditor":
        return persona(name)
    persona("hq")  # loads the district
    return user_create(
        username="auditor",
        password=PASSWORD,
        unit=Unit.objects.get(code="hq"),
        role=Role.AUDITOR,
        full_name="审计人员",
    )


def log_in(page: Page, user: User) -> None:
    """Fill the login form and wait until the header names the user."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator(".who").get_by_text(str(user), exact=True).wait_for()
