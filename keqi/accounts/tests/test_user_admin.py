"""Account administration: services, the system administrator's pages, `keqi user`."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import (
    user_create,
    user_disable,
    user_enable,
    user_reset_password,
)
from keqi.accounts.tests.conftest import client_for
from keqi.cli import main
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD, persona

GOOD = "Xinmima-2019"


def town_unit() -> Unit:
    return Unit.objects.get(code="dakoutun-gov")


def make_staff(sysadmin: User, username: str = "zhangsan") -> User:
    return user_create(
        username=username,
        password=GOOD,
        unit=town_unit(),
        role=Role.AREA_STAFF,
        full_name="张三",
        actor=sysadmin,
        reason="新入职",
        must_change_password=True,
    )


def test_the_system_administrator_creates_an_account_that_is_audited(
    sysadmin: User,
) -> None:
    user = make_staff(sysadmin, "ＺｈａｎｇＳａｎ ")
    assert user.username == "zhangsan" and user.must_change_password
    assert user.area_id_in_scope == town_unit().area_id
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.actor == sysadmin and event.reason == "新入职"
    assert event.changes["role"] == [None, "街镇/园区工作人员"]


def test_a_name_already_used_in_another_spelling_is_refused(sysadmin: User) -> None:
    make_staff(sysadmin, "zhangsan")
    with pytest.raises(ValidationError) as info:
        make_staff(sysadmin, "ZhangSan ")
    assert "已被使用" in str(info.value.message_dict["username"])
    assert User.objects.filter(username__iexact="zhangsan").count() == 1


@pytest.mark.parametrize(
    ("password", "says"),
    [("Ab1-short", "10"), ("alllowercase123", "三类"), ("Kq-2019-ok!", None)],
)
def test_an_initial_password_must_meet_the_policy(
    sysadmin: User, password: str, says: str | None
) -> None:
    def create() -> User:
        return user_create(
            username="lisi",
            password=password,
            unit=town_unit(),
            role=Role.AREA_STAFF,
            actor=sysadmin,
        )

    if says is None:
        assert create().check_password(password)
        return
    with pytest.raises(ValidationError) as info:
        create()
    assert says in " ".join(info.value.message_dict["password"])
    assert not User.objects.filter(username="lisi").exists()


def test_disabling_keeps_the_account_stops_its_login_and_needs_a_reason(
    sysadmin: User,
) -> None:
    user = make_staff(sysadmin)
    with pytest.raises(ValidationError):
        user_disable(user=user, actor=sysadmin, reason=" ")
    user_disable(user=user, actor=sysadmin, reason="调离")
    user.refresh_from_db()
    assert not user.is_active
    response = Client().post(
        "/accounts/login/", {"username": "zhangsan", "password": GOOD}
    )
    assert (
        response.status_code == 200 and "_auth_user_id" not in response.client.session
    )
    assert AuditEvent.objects.get(action="user.disable").reason == "调离"
    user_enable(user=user, actor=sysadmin, reason="调回")
    assert User.objects.get(pk=user.pk).is_active


def test_a_reset_password_works_once_and_must_then_be_changed(sysadmin: User) -> None:
    user = make_staff(sysadmin)
    user.must_change_password = False
    user.save()
    user_reset_password(
        user=user, password="Linshi-2019x", actor=sysadmin, reason="忘记密码"
    )
    user.refresh_from_db()
    assert user.check_password("Linshi-2019x") and not user.check_password(GOOD)
    assert user.must_change_password
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.reason == "忘记密码" and "Linshi" not in str(event.changes)


@pytest.mark.parametrize(
    "name", ["hq", "town_a", "member", "leader", "secadmin", "auditadmin"]
)
def test_only_the_system_administrator_may_call_the_account_services(
    sysadmin: User, name: str
) -> None:
    other = persona(name)
    target = make_staff(sysadmin)
    with pytest.raises(PermissionDenied):
        user_disable(user=target, actor=other, reason="试图越权")
    with pytest.raises(PermissionDenied):
        user_reset_password(
            user=target, password="Linshi-2019x", actor=other, reason="x"
        )
    with pytest.raises(PermissionDenied):
        user_create(
            username="new",
            password=GOOD,
            unit=town_unit(),
            role=Role.LEADER,
            actor=other,
        )


@pytest.mark.parametrize("name", ["secadmin", "auditadmin", "sysadmin"])
def test_the_system_administrator_cannot_make_or_change_the_three_administrators(
    sysadmin: User, name: str
) -> None:
    admin = persona(name)
    role = admin.role
    with pytest.raises(PermissionDenied):
        user_create(
            username="another",
            password=GOOD,
            unit=admin.unit,
            role=role,
            actor=sysadmin,
        )
    with pytest.raises(PermissionDenied):
        user_reset_password(
            user=admin, password="Linshi-2019x", actor=sysadmin, reason="x"
        )
    with pytest.raises(PermissionDenied):
        user_disable(user=admin, actor=sysadmin, reason="x")


# --- pages -----------------------------------------------------------------


def test_the_system_administrator_creates_a_town_user_on_the_page(
    sysadmin: User,
) -> None:
    client = client_for(sysadmin)
    assert "新建账号" in client.get("/accounts/users/new/").content.decode()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "unit": town_unit().pk,
            "role": Role.AREA_STAFF,
            "password": GOOD,
            "reason": "新入职",
        },
    )
    user = User.objects.get(username="wangwu")
    assert (
        response.status_code == 302
        and response["Location"] == f"/accounts/users/{user.pk}/"
    )
    assert user.must_change_password and user.unit == town_unit()
    page = client.get("/accounts/users/").content.decode()
    assert "王五" in page and "大口屯镇" in page and "待改密码" in page


@pytest.mark.parametrize(
    ("unit", "password", "says"),
    [
        ("hq", GOOD, "街镇/园区工作人员必须属于一个街镇/园区单位"),
        ("dakoutun-gov", "short", "10"),
        ("dakoutun-gov", "onlylowercase1", "至少三类"),
    ],
)
def test_bad_input_on_the_create_page_names_the_field_and_changes_nothing(
    sysadmin: User, unit: str, password: str, says: str
) -> None:
    before = User.objects.count()
    response = client_for(sysadmin).post(
        "/accounts/users/new/",
        {
            "username": "zhaoliu",
            "full_name": "赵六",
            "unit": Unit.objects.get(code=unit).pk,
            "role": Role.AREA_STAFF,
            "password": password,
            "reason": "新入职",
        },
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert User.objects.count() == before


def test_the_create_page_offers_no_administrator_roles(sysadmin: User) -> None:
    page = client_for(sysadmin).get("/accounts/users/new/").content.decode()
    assert (
        "指挥部管理员" in page and "安全审计员" not in page and "安全管理员" not in page
    )
    response = client_for(sysadmin).post(
        "/accounts/users/new/",
        {
            "username": "sneaky",
            "full_name": "x",
            "unit": Unit.objects.get(code="hq").pk,
            "role": Role.AUDIT_ADMIN,
            "password": GOOD,
            "reason": "x",
        },
    )
    assert (
        response.status_code == 200
        and not User.objects.filter(username="sneaky").exists()
    )


def test_disable_and_reset_on_the_detail_page(sysadmin: User) -> None:
    user = make_staff(sysadmin)
    client = client_for(sysadmin)
    base = f"/accounts/users/{user.pk}/"
    assert "停用账号" in client.get(base).content.decode()
    client.post(base + "disable/", {"reason": ""})
    assert User.objects.get(pk=user.pk).is_active
    client.post(base + "disable/", {"reason": "调离"})
    assert not User.objects.get(pk=user.pk).is_active
    client.post(
        base + "reset-password/", {"reason": "忘记", "password": "Linshi-2019x"}
    )
    assert User.objects.get(pk=user.pk).check_password("Linshi-2019x")
    page = client.get(base).content.decode()
    assert "停用账号" in page and "重置密码" in page and "调离" in page
    assert client.post(base + "delete/", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    "name", ["hq", "town_a", "member", "leader", "secadmin", "auditadmin"]
)
def test_every_other_role_gets_403_on_the_account_pages(
    sysadmin: User, name: str
) -> None:
    target = make_staff(sysadmin)
    client = client_for(persona(name))
    for url in (
        "/accounts/users/",
        "/accounts/users/new/",
        f"/accounts/users/{target.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/accounts/users/{target.pk}/disable/", {"reason": "越权"})
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).is_active


def test_the_account_pages_need_a_login(db: None) -> None:
    response = Client().get("/accounts/users/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_administrator_accounts_are_not_found_from_the_system_administrators_pages(
    sysadmin: User, auditadmin: User
) -> None:
    client = client_for(sysadmin)
    assert client.get(f"/accounts/users/{auditadmin.pk}/").status_code == 404
    response = client.post(f"/accounts/users/{auditadmin.pk}/disable/", {"reason": "x"})
    assert response.status_code == 404
    assert "auditadmin" not in client.get("/accounts/users/").content.decode()


# --- keqi user ---------------------------------------------------------------


def test_keqi_user_add_makes_a_town_user_by_area_and_prints_a_generated_password(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    persona("hq")
    code = main(
        [
            "user",
            "add",
            "Sunqi",
            "--role",
            "area_staff",
            "--area",
            "dakoutun",
            "--name",
            "孙七",
            "--reason",
            "新入职",
        ]
    )
    out = capsys.readouterr().out
    user = User.objects.get(username="sunqi")
    assert code == 0 and user.unit == town_unit() and user.must_change_password
    password = out.split("初始密码：")[1].split()[0]
    assert user.check_password(password)
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.actor is None and event.reason.startswith("新入职（命令行")


def test_keqi_user_makes_the_three_administrators(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    persona("hq")
    for role in ("sys_admin", "sec_admin", "audit_admin"):
        assert (
            main(
                [
                    "user",
                    "add",
                    role.replace("_", ""),
                    "--role",
                    role,
                    "--unit",
                    "hq",
                    "--password",
                    GOOD,
                    "--reason",
                    "三员分立",
                ]
            )
            == 0
        )
    assert set(
        User.objects.filter(role__endswith="_admin").values_list("role", flat=True)
    ) >= {"sys_admin", "sec_admin", "audit_admin"}


def test_keqi_user_disable_reset_and_list(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    persona("town_a")
    assert main(["user", "disable", "TOWN_A", "--reason", "调离"]) == 0
    assert not User.objects.get(username="town_a").is_active
    assert main(["user", "enable", "town_a", "--reason", "调回"]) == 0
    assert (
        main(
            [
                "user",
                "reset-password",
                "town_a",
                "--password",
                "Linshi-2019x",
                "--reason",
                "忘记密码",
            ]
        )
        == 0
    )
    user = User.objects.get(username="town_a")
    assert user.check_password("Linshi-2019x") and user.must_change_password
    capsys.readouterr()
    assert main(["user", "list", "--role", "area_staff"]) == 0
    out = capsys.readouterr().out
    assert "town_a" in out and "待改密码" in out and "hq\t" not in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["add", "x1", "--role", "member", "--unit", "nope", "--reason", "r"],
            "找不到单位代码 nope",
        ),
        (["add", "x2", "--role", "boss", "--unit", "hq", "--reason", "r"], "未知角色"),
        (
            [
                "add",
                "x3",
                "--role",
                "member",
                "--unit",
                "hq",
                "--password",
                "abc",
                "--reason",
                "r",
            ],
            "未新建账号",
        ),
        (["disable", "ghost", "--reason", "r"], "找不到账号 ghost"),
        (
            ["reset-password", "town_a", "--password", PASSWORD, "--reason", "r"],
            "最近 5 次",
        ),
    ],
)
def test_keqi_user_refuses_bad_input_with_a_chinese_message(
    db: None, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    persona("town_a")
    before = AuditEvent.objects.count()
    assert main(["user", *args]) == 1
    assert says in capsys.readouterr().err
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "query",
    [
        {"q": "a\x00b"},
        {"q": "\x1b"},
        {"role": "x" * 300},
        {"active": "maybe"},
        {"page": "9" * 30},
    ],
)
def test_odd_list_parameters_never_give_a_500(
    sysadmin: User, query: dict[str, str]
) -> None:
    response = client_for(sysadmin).get("/accounts/users/", query)
    # a control character is refused for the whole site with a Chinese 400
    hostile = any("\x00" in v or "\x1b" in v for v in query.values())
    assert response.status_code == (400 if hostile else 200)
