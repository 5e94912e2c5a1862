"""三员分立: the system, security and audit administrators each do only their own
work, see no business data; the audit administrator reads and downloads the trail."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import load_workbook

from keqi.accounts.models import LoginLock, Role, Unit, User
from keqi.accounts.services import user_create, user_disable
from keqi.accounts.tests.conftest import client_for
from keqi.accounts.throttle import failure_record
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.core.text_safety import restore_cell_text

USERS, LOCKS, AUDIT = "/accounts/users/", "/accounts/locks/", "/accounts/audit/"
PAGES = {"sysadmin": USERS, "secadmin": LOCKS, "auditadmin": AUDIT}
EVERYONE = ["hq", "town_a", "member", "leader", "sysadmin", "secadmin", "auditadmin"]


@override_settings(KEQI_LOGIN_MAX_FAILURES=1)
def a_lock() -> LoginLock:
    lock = failure_record("town_a", "10.0.0.9")
    assert lock is not None
    return lock


@pytest.mark.parametrize("name", EVERYONE)
def test_each_administrator_page_opens_for_its_own_role_only(
    db: None, name: str
) -> None:
    client = client_for(persona(name))
    for owner, url in PAGES.items():
        expected = 200 if owner == name else 403
        assert client.get(url).status_code == expected, (name, url)


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditadmin"])
def test_each_administrator_lands_on_their_own_page(db: None, name: str) -> None:
    response = client_for(persona(name)).get("/")
    assert response.status_code == 302 and response["Location"] == PAGES[name]


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditadmin"])
def test_the_three_administrators_see_no_business_data(db: None, name: str) -> None:
    firm = make_enterprise(name="天津三员看不到科技有限公司")
    client = client_for(persona(name))
    for url in (
        "/enterprises/",
        f"/enterprises/{firm.pk}/",
        "/dashboard/",
        "/campaign/",
        "/funds/",
        "/reports/",
        "/api/v1/enterprises/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert firm.name not in response.content.decode()
    page = client.get(PAGES[name]).content.decode()
    assert "企业库" not in page  # no business navigation either


def test_the_system_administrator_cannot_unlock_or_read_the_trail(
    sysadmin: User,
) -> None:
    persona("town_a")
    lock = a_lock()
    client = client_for(sysadmin)
    response = client.post(f"{LOCKS}{lock.pk}/unlock/", {"reason": "越权"})
    assert response.status_code == 403
    assert LoginLock.objects.get(pk=lock.pk).unlocked_at is None
    assert client.get(AUDIT + "?format=xlsx").status_code == 403


def test_the_security_administrator_unlocks_but_cannot_manage_accounts(
    secadmin: User,
) -> None:
    town = persona("town_a")
    lock = a_lock()
    client = client_for(secadmin)
    assert "town_a" in client.get(LOCKS).content.decode()
    assert client.post(f"{LOCKS}{lock.pk}/unlock/", {"reason": ""}).status_code == 302
    assert LoginLock.objects.get(pk=lock.pk).unlocked_at is None
    client.post(f"{LOCKS}{lock.pk}/unlock/", {"reason": "本人来电核实"})
    assert LoginLock.objects.get(pk=lock.pk).unlocked_by == secadmin
    for url in (USERS + "new/", f"{USERS}{town.pk}/"):
        assert client.get(url).status_code == 403
    response = client.post(f"{USERS}{town.pk}/disable/", {"reason": "越权"})
    assert response.status_code == 403 and User.objects.get(pk=town.pk).is_active
    assert client.get(AUDIT).status_code == 403


def test_the_audit_administrator_only_reads(auditadmin: User) -> None:
    town = persona("town_a")
    lock = a_lock()
    client = client_for(auditadmin)
    response = client.post(f"{LOCKS}{lock.pk}/unlock/", {"reason": "越权"})
    assert response.status_code == 403
    response = client.post(f"{USERS}{town.pk}/reset-password/", {"reason": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=auditadmin).count() == 0


@pytest.mark.parametrize("name", ["hq", "town_a", "member", "leader"])
def test_business_roles_get_403_on_every_administrator_action(
    db: None, name: str
) -> None:
    persona("town_a")
    lock = a_lock()
    client = client_for(persona(name))
    assert (
        client.post(f"{LOCKS}{lock.pk}/unlock/", {"reason": "越权"}).status_code == 403
    )
    assert client.get(AUDIT + "?format=xlsx").status_code == 403
    assert LoginLock.objects.get(pk=lock.pk).unlocked_at is None


# --- the audit log page ------------------------------------------------------


@pytest.fixture
def trail(db: None) -> dict[str, User]:
    """A system administrator's account changes and a lock, to filter."""
    admin = persona("sysadmin")
    made = user_create(
        username="qianjiu",
        password="Chushi-2019a",
        unit=Unit.objects.get(code="gxj"),
        role=Role.MEMBER,
        full_name="钱九",
        actor=admin,
        reason="新入职",
    )
    user_disable(user=made, actor=admin, reason="调离")
    persona("town_a")
    a_lock()
    return {"admin": admin, "made": made}


def table(response: Any) -> str:
    """The rows of the page's table (not the filter form's choices)."""
    page = response.content.decode()
    return page.split("<tbody>")[1] if "<tbody>" in page else ""


def test_the_audit_log_shows_who_what_target_and_why(
    auditadmin: User, trail: dict[str, User]
) -> None:
    page = client_for(auditadmin).get(AUDIT).content.decode()
    assert "操作记录审计" in page
    for text in (
        "停用账号",
        "user.disable",
        "调离",
        "钱九",
        "登录锁定",
        "town_a",
        "新建账号",
    ):
        assert text in page, text


def test_the_audit_log_names_changed_fields_in_chinese_and_says_yes_or_no(
    auditadmin: User, trail: dict[str, User]
) -> None:
    rows = table(client_for(auditadmin).get(AUDIT))
    assert "所属单位：— → 区工信局" in rows and "姓名：— → 钱九" in rows
    assert "full_name" not in rows and "True" not in rows and "False" not in rows


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"who": "sysadmin"}, ["停用账号", "新建账号"], ["登录锁定"]),
        ({"action": "login.locked"}, ["登录锁定"], ["停用账号"]),
        ({"target": "钱九"}, ["停用账号", "新建账号"], ["登录锁定"]),
        (
            {"action": "user.disable", "target": "钱九"},
            ["停用账号"],
            ["新建账号（user.create）"],
        ),
    ],
)
def test_the_audit_log_filters(
    auditadmin: User,
    trail: dict[str, User],
    query: dict[str, str],
    shown: list[str],
    hidden: list[str],
) -> None:
    rows = table(client_for(auditadmin).get(AUDIT, query))
    for text in shown:
        assert text in rows, text
    for text in hidden:
        assert text not in rows, text


def test_the_audit_log_filters_by_date_range(
    auditadmin: User, trail: dict[str, User]
) -> None:
    # The trail is append-only (even in the database): an old event is made with
    # the clock 40 days back rather than back-dated afterwards.
    past = timezone.now() - dt.timedelta(days=40)
    with mock.patch("django.utils.timezone.now", return_value=past):
        user_create(
            username="laozhang",
            password="Chushi-2019a",
            unit=Unit.objects.get(code="gxj"),
            role=Role.MEMBER,
            actor=trail["admin"],
            reason="早年开通",
        )
    today = timezone.localdate()
    client = client_for(auditadmin)
    recent = table(client.get(AUDIT, {"date_from": str(today - dt.timedelta(days=1))}))
    assert "user.disable" in recent and "laozhang" not in recent
    old = table(
        client.get(
            AUDIT,
            {
                "date_from": str(today - dt.timedelta(days=45)),
                "date_to": str(today - dt.timedelta(days=30)),
            },
        )
    )
    assert "laozhang" in old and "user.disable" not in old


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"date_from": "2019-13-01"}, 200, "起始日期"),
        (
            {"date_from": "2020-02-01", "date_to": "2020-01-01"},
            200,
            "截止日期不能早于起始日期",
        ),
        # control characters are refused for the whole site before any view runs
        ({"who": "a\x1bb"}, 400, "控制字符"),
        ({"target": "a\x00b"}, 400, "控制字符"),
        ({"action": "no.such"}, 200, "操作"),
    ],
)
def test_bad_filters_get_a_chinese_message_not_a_500(
    auditadmin: User,
    trail: dict[str, User],
    query: dict[str, str],
    status: int,
    says: str,
) -> None:
    response = client_for(auditadmin).get(AUDIT, query)
    assert response.status_code == status and says in response.content.decode()


def test_the_audit_log_is_paginated(auditadmin: User, trail: dict[str, User]) -> None:
    admin = trail["admin"]
    for n in range(55):
        user_create(
            username=f"p{n:02d}",
            password="Chushi-2019a",
            unit=Unit.objects.get(code="gxj"),
            role=Role.MEMBER,
            actor=admin,
        )
    client = client_for(auditadmin)
    first = client.get(AUDIT, {"action": "user.create"}).content.decode()
    assert "第 1 / 2 页" in first and "page=2" in first
    second = client.get(AUDIT, {"action": "user.create", "page": 2}).content.decode()
    assert (
        second.count('title="user.create"')
        == AuditEvent.objects.filter(action="user.create").count() - 50
    )


def test_the_audit_log_downloads_as_excel_with_the_same_filters(
    auditadmin: User, trail: dict[str, User]
) -> None:
    response = client_for(auditadmin).get(AUDIT, {"who": "sysadmin", "format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    table = book.worksheets[0]
    header = [c.value for c in table[1]]
    assert header[:3] == ["时间", "操作人", "操作"]
    actions = {row[3] for row in table.iter_rows(min_row=2, values_only=True)}
    assert actions == {"user.create", "user.disable"}
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["操作人"] == "sysadmin" and about["记录数"] == 2


def test_a_formula_in_the_trail_is_downloaded_as_text(
    auditadmin: User, trail: dict[str, User]
) -> None:
    hostile = '=HYPERLINK("http://evil.example","点我")'
    user_create(
        username="hyperlink",
        password="Chushi-2019a",
        unit=Unit.objects.get(code="gxj"),
        role=Role.MEMBER,
        full_name=hostile,
        actor=trail["admin"],
        reason="新入职",
    )
    response = client_for(auditadmin).get(
        AUDIT, {"target": "HYPERLINK", "format": "xlsx"}
    )
    table = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [row[6] for row in table.iter_rows(min_row=2)]
    assert cells and all(c.data_type == "s" for c in cells)
    assert {restore_cell_text(c.value) for c in cells} == {hostile}


def test_anonymous_visitors_are_sent_to_login(db: None) -> None:
    for url in PAGES.values():
        response = Client().get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("auditadmin", AUDIT + "?page=" + "9" * 30),
        ("auditadmin", AUDIT + "?who=%00&target=%1b&action=%00"),
        ("auditadmin", AUDIT + "?date_from=9999-12-31&date_to=0001-01-01"),
        ("secadmin", LOCKS + "?all=%00&page=-1"),
    ],
)
def test_odd_parameters_on_the_administrator_pages_never_give_a_500(
    db: None, name: str, url: str
) -> None:
    response = client_for(persona(name)).get(url)
    # a control character is refused for the whole site with a Chinese 400
    expected = 400 if "%00" in url or "%1b" in url else 200
    assert response.status_code == expected
    if expected == 400:
        assert "控制字符" in response.content.decode()
