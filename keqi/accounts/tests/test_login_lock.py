"""Login protection keyed on the normalised user name, with audited lock and unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from keqi.accounts.models import LoginLock, User
from keqi.accounts.throttle import is_locked, login_unlock, username_key
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD

LOGIN = "/accounts/login/"


def attempt(name: str, password: str = "wrong", address: str = "10.0.0.1") -> int:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": name, "password": password})
    return response.status_code


@pytest.mark.parametrize(
    "typed",
    [
        "leader",
        "leader ",
        " leader",
        "LEADER",
        "Leader",
        "ｌｅａｄｅｒ",
        "ＬＥＡＤＥＲ\u3000",
    ],
)
def test_every_spelling_of_a_name_has_the_same_key(typed: str) -> None:
    assert username_key(typed) == "leader"


@override_settings(KEQI_LOGIN_MAX_FAILURES=3)
def test_trailing_space_case_and_full_width_variants_share_one_lock(leader) -> None:  # type: ignore[no-untyped-def]
    for variant in ("leader ", "ｌｅａｄｅｒ", "LEADER"):
        attempt(variant)
    client = Client()
    response = client.post(LOGIN, {"username": "leader", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(KEQI_LOGIN_MAX_FAILURES=3)
def test_changing_address_does_not_escape_the_lock(leader) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        attempt("leader", address=f"10.0.0.{n}")
    assert attempt("leader", PASSWORD, address="10.9.9.9") == 429


@override_settings(KEQI_LOGIN_MAX_FAILURES=3)
def test_failures_below_the_limit_do_not_lock(leader) -> None:  # type: ignore[no-untyped-def]
    attempt("leader")
    attempt("ｌｅａｄｅｒ")
    assert attempt("leader", PASSWORD) == 302


def test_a_name_typed_in_full_width_or_capitals_logs_in(leader) -> None:  # type: ignore[no-untyped-def]
    assert attempt("ＬＥＡＤＥＲ ", PASSWORD) == 302


@override_settings(KEQI_LOGIN_MAX_FAILURES=3, KEQI_LOGIN_LOCK_SECONDS=1200)
def test_the_lock_is_audited_once_under_the_normalised_name(leader) -> None:  # type: ignore[no-untyped-def]
    for variant in ("leader ", "ｌｅａｄｅｒ", "LEADER", "leader"):
        attempt(variant, address="10.1.2.3")
    lock = LoginLock.objects.get()
    assert lock.username == "leader" and lock.failures == 3
    assert lock.address == "10.1.2.3"
    event = AuditEvent.objects.get(action="login.locked")
    assert (event.target_type, event.target_id) == ("accounts.loginlock", str(lock.pk))
    assert event.subject == "login:leader"
    assert (
        "请20分钟后再试"
        in Client()
        .post(LOGIN, {"username": "leader", "password": "x"})
        .content.decode()
    )


@override_settings(KEQI_LOGIN_MAX_FAILURES=2)
def test_a_name_that_does_not_exist_is_locked_too(db) -> None:  # type: ignore[no-untyped-def]
    attempt("nobody")
    attempt("NOBODY ")
    assert is_locked("nobody")
    assert AuditEvent.objects.filter(action="login.locked").count() == 1


@override_settings(KEQI_LOGIN_MAX_FAILURES=2)
def test_when_the_time_is_up_the_lock_ends_and_that_is_audited(leader) -> None:  # type: ignore[no-untyped-def]
    attempt("leader")
    attempt("leader")
    LoginLock.objects.update(until=timezone.now() - dt.timedelta(seconds=1))
    assert attempt("leader", PASSWORD) == 302
    lock = LoginLock.objects.get()
    assert lock.unlocked_at is not None and lock.unlocked_by is None
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.actor is None and event.reason == "锁定期满自动解除"


@override_settings(KEQI_LOGIN_MAX_FAILURES=2)
def test_after_a_lock_ends_the_count_starts_afresh(leader) -> None:  # type: ignore[no-untyped-def]
    attempt("leader")
    attempt("leader")
    LoginLock.objects.update(until=timezone.now() - dt.timedelta(seconds=1))
    assert attempt("leader") == 200
    assert attempt("leader", PASSWORD) == 302


@override_settings(KEQI_LOGIN_MAX_FAILURES=2)
def test_the_security_administrator_unlocks_with_a_reason_and_it_is_audited(
    leader: User, secadmin: User
) -> None:
    attempt("leader")
    attempt("leader")
    lock = LoginLock.objects.get()
    with pytest.raises(ValueError, match="原因"):
        login_unlock(lock=lock, actor=secadmin, reason="  ")
    login_unlock(lock=lock, actor=secadmin, reason="本人来电核实")
    assert attempt("leader", PASSWORD) == 302
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.actor == secadmin and event.reason == "本人来电核实"
    with pytest.raises(ValueError, match="已解除"):
        login_unlock(lock=lock, actor=secadmin, reason="再来一次")


@override_settings(KEQI_LOGIN_MAX_FAILURES=1)
def test_a_lock_is_named_with_the_local_time(db: None) -> None:
    attempt("somebody")
    lock = LoginLock.objects.get()
    local = timezone.localtime(lock.locked_at)
    assert str(lock) == f"somebody（{local:%Y-%m-%d %H:%M} 锁定）"


@override_settings(KEQI_LOGIN_MAX_FAILURES=2)
def test_a_locked_page_does_not_tell_a_right_password_from_a_wrong_one(
    leader: User,
) -> None:
    from unittest import mock

    attempt("leader")
    attempt("leader")
    with mock.patch("django.contrib.auth.forms.authenticate") as checked:
        right = Client().post(LOGIN, {"username": "leader", "password": PASSWORD})
        wrong = Client().post(LOGIN, {"username": "leader", "password": "nope"})
    assert not checked.called
    assert right.status_code == wrong.status_code == 429
    strip = [line for line in right.content.decode().splitlines() if "csrf" not in line]
    other = [line for line in wrong.content.decode().splitlines() if "csrf" not in line]
    assert strip == other
    assert "用户名或密码不正确" not in right.content.decode()
