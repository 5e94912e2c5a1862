"""The security administrator changes the security policy (三员分立: only they may),
each change is audited with who and why and applies at once; bad values change
nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from keqi.accounts.models import LoginLock, PasswordHistory, SecurityPolicy, User
from keqi.accounts.policy import security_policy
from keqi.accounts.services import password_change, security_policy_set
from keqi.accounts.tests.conftest import client_for
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD, persona

POLICY = "/accounts/policy/"
LOGIN = "/accounts/login/"
CHANGE = "/accounts/password/"


def set_policy(key: str, value: Any, reason: str = "等保测评整改要求") -> None:
    security_policy_set(key=key, value=value, reason=reason, actor=persona("secadmin"))


def log_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def attempt(name: str, password: str = "wrong") -> int:
    return Client().post(LOGIN, {"username": name, "password": password}).status_code


def test_with_nothing_stored_the_environment_values_are_in_force(db: None) -> None:
    with override_settings(
        KEQI_PASSWORD_MIN_LENGTH=12,
        KEQI_PASSWORD_HISTORY=4,
        KEQI_LOGIN_MAX_FAILURES=6,
        KEQI_LOGIN_LOCK_SECONDS=600,
        KEQI_SESSION_IDLE_MINUTES=20,
    ):
        policy = security_policy()
    assert (
        policy.password_min_length,
        policy.password_history,
        policy.login_max_failures,
        policy.login_lock_seconds,
        policy.session_idle_minutes,
    ) == (12, 4, 6, 600, 20)


@override_settings(KEQI_PASSWORD_MIN_LENGTH=10)
def test_a_raised_minimum_length_is_enforced_on_the_next_password_change(
    hq: User,
) -> None:
    set_policy("password_min_length", 14)
    client = log_in("hq")
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password": "Xinmima-2026",  # 12 characters
            "new_password_again": "Xinmima-2026",
        },
    )
    page = response.content.decode()
    assert "密码太短：至少 14 位，现在只有 12 位。" in page
    assert "至少 14 位" in client.get(CHANGE).content.decode()  # the help text
    hq.refresh_from_db()
    assert hq.check_password(PASSWORD)
    password_change(
        user=hq, old_password=PASSWORD, new_password="Xinmima-2026-ok"
    )  # 15 characters is fine


@override_settings(KEQI_LOGIN_MAX_FAILURES=5)
def test_a_changed_max_failures_locks_at_the_new_count(leader: User) -> None:
    set_policy("login_max_failures", 3)
    attempt("leader")
    attempt("leader")
    assert not LoginLock.objects.exists()
    attempt("leader")
    lock = LoginLock.objects.get()
    assert lock.failures == 3
    assert attempt("leader", PASSWORD) == 429


@override_settings(KEQI_LOGIN_LOCK_SECONDS=900)
def test_a_changed_lock_time_sets_how_long_the_lock_lasts(leader: User) -> None:
    set_policy("login_max_failures", 3)
    set_policy("login_lock_seconds", 3600)
    for _ in range(3):
        attempt("leader")
    lock = LoginLock.objects.get()
    assert (lock.until - lock.locked_at).total_seconds() == pytest.approx(3600, abs=5)


@override_settings(KEQI_PASSWORD_HISTORY=5)
def test_a_changed_history_keeps_that_many_old_passwords(hq: User) -> None:
    set_policy("password_history", 2)
    current = PASSWORD
    for n in range(4):
        new = f"Xinmima-{n}-2026"
        password_change(user=hq, old_password=current, new_password=new)
        current = new
    assert PasswordHistory.objects.filter(user=hq).count() == 2
    # The third-to-last password may be used again, the last two may not.
    with pytest.raises(ValidationError, match="最近 2 次"):
        password_change(user=hq, old_password=current, new_password="Xinmima-2-2026")
    password_change(user=hq, old_password=current, new_password="Xinmima-1-2026")


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    start = time.time()

    def move(minutes: int) -> None:
        monkeypatch.setattr(time, "time", lambda: start + minutes * 60)

    return move


@override_settings(KEQI_SESSION_IDLE_MINUTES=30)
def test_a_shorter_idle_time_applies_to_open_sessions(hq: User, later: Any) -> None:
    client = log_in("hq")
    assert client.get("/enterprises/").status_code == 200
    set_policy("session_idle_minutes", 10)
    later(9)
    assert client.get("/enterprises/").status_code == 200
    later(20)  # 11 minutes after the last page
    response = client.get("/enterprises/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "超过 10 分钟未操作，已自动退出" in response.content.decode()


@override_settings(KEQI_SESSION_IDLE_MINUTES=30)
def test_a_longer_idle_time_keeps_sessions_open(hq: User, later: Any) -> None:
    set_policy("session_idle_minutes", 60)
    client = log_in("hq")
    client.get("/enterprises/")
    later(45)
    assert client.get("/enterprises/").status_code == 200


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("password_min_length", 9, "密码最短长度须在 10 到 64 位之间，收到 9。"),
        ("password_min_length", 65, "密码最短长度须在 10 到 64 位之间，收到 65。"),
        ("password_history", 0, "须在 1 到 24 次之间，收到 0。"),
        ("password_history", 25, "须在 1 到 24 次之间，收到 25。"),
        ("login_max_failures", 2, "须在 3 到 20 次之间，收到 2。"),
        ("login_max_failures", 21, "须在 3 到 20 次之间，收到 21。"),
        ("login_lock_seconds", 59, "锁定时长须在 60 到 86400 秒之间，收到 59。"),
        ("login_lock_seconds", 86401, "须在 60 到 86400 秒之间，收到 86401。"),
        ("session_idle_minutes", 4, "会话空闲超时须在 5 到 480 分钟之间，收到 4。"),
        ("session_idle_minutes", 481, "须在 5 到 480 分钟之间，收到 481。"),
        ("password_min_length", "十二", "须为 10 到 64 位之间的整数，收到“十二”。"),
        ("password_min_length", "-12", "须为 10 到 64 位之间的整数"),
        ("password_min_length", "12.5", "须为 10 到 64 位之间的整数"),
        ("password_min_length", "", "须为 10 到 64 位之间的整数"),
    ],
)
def test_a_value_out_of_bounds_is_refused_and_nothing_stored(
    db: None, key: str, value: Any, says: str
) -> None:
    before = security_policy()
    with pytest.raises(ValidationError) as info:
        set_policy(key, value)
    assert says in " ".join(info.value.messages)
    assert not SecurityPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.change").exists()
    assert security_policy() == before


@pytest.mark.parametrize(
    "bounds",
    [
        (10, "password_min_length"),
        (64, "password_min_length"),
        (3, "login_max_failures"),
        (480, "session_idle_minutes"),
    ],
)
@override_settings(
    KEQI_PASSWORD_MIN_LENGTH=12, KEQI_LOGIN_MAX_FAILURES=5, KEQI_SESSION_IDLE_MINUTES=30
)
def test_the_bounds_themselves_are_accepted(db: None, bounds: tuple[int, str]) -> None:
    value, key = bounds
    set_policy(key, value)
    assert getattr(security_policy(), key) == value


def test_a_stored_change_cannot_be_edited_or_deleted(db: None) -> None:
    from django.db import DatabaseError, transaction

    set_policy("password_history", 8)
    row = SecurityPolicy.objects.get()
    for change in (
        lambda: SecurityPolicy.objects.filter(pk=row.pk).update(value=1),
        lambda: SecurityPolicy.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            change()
    assert SecurityPolicy.objects.get().value == 8


def test_a_change_needs_a_reason(db: None) -> None:
    with pytest.raises(ValidationError, match="请填写原因"):
        set_policy("password_min_length", 12, reason="  ")
    assert not SecurityPolicy.objects.exists()


def test_the_same_value_again_is_refused(db: None) -> None:
    with (
        override_settings(KEQI_LOGIN_MAX_FAILURES=5),
        pytest.raises(ValidationError, match="现行值已是 5"),
    ):
        set_policy("login_max_failures", 5)
    assert not SecurityPolicy.objects.exists()


def test_every_change_is_audited_with_who_why_and_before_after(db: None) -> None:
    secadmin = persona("secadmin")
    auditadmin = persona("auditadmin")
    with override_settings(KEQI_PASSWORD_MIN_LENGTH=10):
        set_policy("password_min_length", 12, reason="测评要求不少于12位")
        set_policy("password_min_length", 16, reason="上级通知提高到16位")
    events = AuditEvent.objects.filter(action="policy.change").order_by("id")
    assert [(e.actor, e.reason, e.changes) for e in events] == [
        (secadmin, "测评要求不少于12位", {"password_min_length": [10, 12]}),
        (secadmin, "上级通知提高到16位", {"password_min_length": [12, 16]}),
    ]
    assert {e.subject for e in events} == {"policy:password_min_length"}
    assert security_policy().password_min_length == 16  # the newest wins
    trail = client_for(auditadmin).get("/accounts/audit/")
    page = trail.content.decode()
    assert "修改安全策略" in page and "上级通知提高到16位" in page


OTHERS = ["hq", "town_a", "member", "leader", "sysadmin", "auditadmin"]


@pytest.mark.parametrize("name", OTHERS)
def test_no_one_but_the_security_administrator_may_change_the_policy(
    db: None, name: str
) -> None:
    user = persona(name)
    with pytest.raises(PermissionDenied, match="只有安全管理员"):
        security_policy_set(
            key="password_min_length", value=12, reason="试试", actor=user
        )
    response = client_for(user).post(
        POLICY + "password_min_length/",
        {"password_min_length-value": "12", "password_min_length-reason": "试试"},
    )
    assert response.status_code == 403
    assert client_for(user).get(POLICY).status_code == 403
    assert not SecurityPolicy.objects.exists()


def test_a_disabled_security_administrator_may_not_change_it(db: None) -> None:
    secadmin = persona("secadmin")
    secadmin.is_active = False
    with pytest.raises(PermissionDenied):
        security_policy_set(
            key="password_min_length", value=12, reason="离职前", actor=secadmin
        )


def test_the_page_says_where_each_value_comes_from_and_its_history(
    secadmin: User,
) -> None:
    client = client_for(secadmin)
    page = client.get(POLICY).content.decode()
    assert page.count("环境变量默认") == 5
    assert "安全管理员修改" not in page
    response = client.post(
        POLICY + "session_idle_minutes/",
        {
            "session_idle_minutes-value": "15",
            "session_idle_minutes-reason": "办公区人员流动大",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已将会话空闲超时改为 15 分钟，即时生效。" in page
    assert page.count("环境变量默认") == 4
    assert "安全管理员修改（secadmin，" in page
    assert "办公区人员流动大" in page
    assert security_policy().session_idle_minutes == 15
    locks = client.get("/accounts/locks/").content.decode()
    assert "15 分钟" in locks


def test_a_bad_value_on_the_page_is_shown_on_its_form_and_nothing_stored(
    secadmin: User,
) -> None:
    response = client_for(secadmin).post(
        POLICY + "password_min_length/",
        {"password_min_length-value": "8", "password_min_length-reason": "嫌太长"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "密码最短长度须在 10 到 64 位之间，收到 8。" in page
    assert 'value="8"' in page  # what was typed stays on the form
    assert not SecurityPolicy.objects.exists()


def test_an_unknown_policy_is_not_found(secadmin: User) -> None:
    response = client_for(secadmin).post(POLICY + "is_superuser/", {})
    assert response.status_code == 404


def _policy_queries(queries: CaptureQueriesContext) -> int:
    return sum("accounts_securitypolicy" in q["sql"] for q in queries)


def test_a_page_view_reads_the_policy_at_most_once(hq: User) -> None:
    set_policy("session_idle_minutes", 20)
    client = log_in("hq")
    client.get("/accounts/password/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/password/").status_code == 200
    assert _policy_queries(queries) == 1


def test_a_failed_login_reads_the_policy_at_most_once(leader: User) -> None:
    set_policy("login_max_failures", 3)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        client.post(LOGIN, {"username": "leader", "password": "wrong"})
    assert _policy_queries(queries) == 1


def test_a_change_is_seen_by_the_rest_of_the_same_request(secadmin: User) -> None:
    client = client_for(secadmin)
    client.get(POLICY)
    response = client.post(
        POLICY + "password_history/",
        {"password_history-value": "8", "password_history-reason": "加强"},
        follow=True,
    )
    assert "已将不得重复使用最近几次的密码改为 8 次" in response.content.decode()
    assert security_policy().password_history == 8
