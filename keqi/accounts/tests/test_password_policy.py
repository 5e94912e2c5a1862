"""Password policy: forced change at first login and after a reset, changing one's
own password, no reuse of the last five, and sessions that end when left idle."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from keqi.accounts.models import PasswordHistory, Role, Unit, User
from keqi.accounts.services import password_change, user_create
from keqi.accounts.tests.conftest import client_for
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD

CHANGE = "/accounts/password/"


def new_staff(db: None, must_change: bool = True) -> User:
    from keqi.core.testing import persona

    persona("hq")
    return user_create(
        username="zhou",
        password="Chushi-2019a",
        unit=Unit.objects.get(code="dakoutun-gov"),
        role=Role.AREA_STAFF,
        full_name="周八",
        must_change_password=must_change,
    )


def log_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}
    )
    assert response.status_code == 302
    return client


def test_first_login_goes_to_the_password_page_before_anything_else(db: None) -> None:
    new_staff(db)
    client = log_in("zhou", "Chushi-2019a")
    for url in ("/", "/enterprises/", "/campaign/", "/api/v1/enterprises/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == CHANGE, url
    page = client.get(CHANGE).content.decode()
    assert "须先设置您自己的新密码" in page


def test_after_the_change_the_person_lands_on_the_home_page_and_works(db: None) -> None:
    user = new_staff(db)
    client = log_in("zhou", "Chushi-2019a")
    response = client.post(
        CHANGE,
        {
            "old_password": "Chushi-2019a",
            "new_password": "Ziji-de-2019",
            "new_password_again": "Ziji-de-2019",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/enterprises/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Ziji-de-2019")
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.actor == user and "Ziji" not in str(event.changes)


@pytest.mark.parametrize(
    ("old", "new", "again", "says"),
    [
        ("wrong-Old-1", "Ziji-de-2019", "Ziji-de-2019", "原密码不正确"),
        ("Chushi-2019a", "Ziji-de-2019", "Ziji-de-2018", "两次输入的新密码不一致"),
        ("Chushi-2019a", "Short-1", "Short-1", "10"),
        ("Chushi-2019a", "onlylowercase", "onlylowercase", "至少三类"),
        ("Chushi-2019a", "Chushi-2019a", "Chushi-2019a", "最近 5 次"),
    ],
)
def test_a_bad_change_is_refused_with_a_chinese_message_and_changes_nothing(
    db: None, old: str, new: str, again: str, says: str
) -> None:
    user = new_staff(db)
    client = log_in("zhou", "Chushi-2019a")
    response = client.post(
        CHANGE, {"old_password": old, "new_password": new, "new_password_again": again}
    )
    assert response.status_code == 200 and says in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Chushi-2019a") and user.must_change_password


def test_none_of_the_last_five_passwords_can_be_used_again(db: None) -> None:
    user = new_staff(db, must_change=False)
    sequence = ["Chushi-2019a"] + [f"Mima-{n}-2019x" for n in range(1, 6)]
    for old, new in zip(sequence[:4], sequence[1:5], strict=True):
        password_change(user=user, old_password=old, new_password=new)
    # Now used: the first and four more; the first is among the last five.
    with pytest.raises(ValidationError, match="最近 5 次"):
        password_change(user=user, old_password=sequence[4], new_password=sequence[0])
    password_change(user=user, old_password=sequence[4], new_password=sequence[5])
    # Five newer passwords since: the first may come back, and only five hashes are kept.
    password_change(user=user, old_password=sequence[5], new_password=sequence[0])
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_anyone_can_change_their_own_password_from_the_header(hq: User) -> None:
    client = client_for(hq)
    assert "修改密码" in client.get("/enterprises/").content.decode()
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password": "Hq-new-2019!",
            "new_password_again": "Hq-new-2019!",
        },
    )
    assert response.status_code == 302
    assert client.get("/enterprises/").status_code == 200  # still signed in


def test_the_password_page_needs_a_login(db: None) -> None:
    response = Client().get(CHANGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    """later(n): the clock shows n minutes after the test began (the signed
    last-seen time is checked against it)."""
    start = time.time()

    def move(minutes: int) -> None:
        monkeypatch.setattr(time, "time", lambda: start + minutes * 60)

    return move


@override_settings(KEQI_SESSION_IDLE_MINUTES=30)
def test_a_session_left_idle_too_long_ends(hq: User, later: Any) -> None:
    client = log_in("hq", PASSWORD)
    assert client.get("/enterprises/").status_code == 200
    later(31)
    response = client.get("/enterprises/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "超过 30 分钟未操作，已自动退出" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(KEQI_SESSION_IDLE_MINUTES=30)
def test_a_session_in_use_stays_open(hq: User, later: Any) -> None:
    client = log_in("hq", PASSWORD)
    for step in (20, 40, 60):  # a page every 20 minutes for an hour
        later(step)
        assert client.get("/enterprises/").status_code == 200, step


@override_settings(KEQI_SESSION_IDLE_MINUTES=30)
def test_a_forged_last_seen_time_ends_the_session(hq: User) -> None:
    from keqi.accounts.middleware import SEEN_COOKIE

    client = log_in("hq", PASSWORD)
    client.cookies[SEEN_COOKIE] = "1:forged:signature"
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_looking_at_pages_writes_nothing_to_the_session_table(hq: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = log_in("hq", PASSWORD)
    client.get("/enterprises/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/enterprises/").status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert not any(
        sql.lstrip().upper().startswith(("UPDATE", "INSERT")) for sql in writes
    )


def test_demo_logins_keep_their_public_password_and_are_not_asked_to_change_it(
    db: None,
) -> None:
    from keqi.core.demo.accounts import DEMO_PASSWORD, demo_accounts_ensure
    from keqi.core.testing import load_baodi

    load_baodi()
    demo_accounts_ensure()
    client = log_in("hq", DEMO_PASSWORD)
    assert client.get("/enterprises/").status_code == 200
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Ab-1", "密码太短：至少 10 位，现在只有 4 位。"),
        ("12345678901234", "密码只包含数字"),
        ("abcdefghijkl", "至少三类"),
    ],
)
def test_every_policy_message_is_in_chinese(db: None, password: str, says: str) -> None:
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError) as info:
        validate_password(password)
    assert says in " ".join(info.value.messages)
    assert not any(m.isascii() for m in info.value.messages)


@override_settings(KEQI_PASSWORD_MIN_LENGTH=14)
def test_a_longer_minimum_can_be_set(db: None) -> None:
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError, match="至少 14 位"):
        validate_password("Abcdef-12345")
