from __future__ import annotations

import pytest
from django.test import Client, override_settings

from keqi.accounts.models import Area, Unit
from keqi.accounts.services import district_config_load, district_init
from keqi.cli import main
from keqi.core.testing import PASSWORD


@pytest.mark.django_db
def test_init_loads_baodi_and_a_second_run_changes_nothing() -> None:
    config = district_config_load("baodi")
    first = district_init(config=config)
    assert first.changed
    counts = (Area.objects.count(), Unit.objects.count())
    assert not district_init(config=config).changed
    assert (Area.objects.count(), Unit.objects.count()) == counts
    names = set(Area.objects.values_list("name", flat=True))
    assert {
        "宝坻经济开发区",
        "京津中关村科技城",
        "京津新城",
        "口东镇",
        "海滨街道",
    } <= names
    assert Unit.objects.filter(short_name="区市场监管局").exists()
    assert Unit.objects.get(code="koudong-gov").area.name == "口东镇"


@pytest.mark.django_db
def test_every_member_unit_named_by_the_plan_exists() -> None:
    district_init(config=district_config_load("baodi"))
    short = set(Unit.objects.values_list("short_name", flat=True))
    for name in [
        "区科技局",
        "区工信局",
        "区金融局",
        "区财政局",
        "区市场监管局",
        "区合作交流办",
        "区科协",
        "区人才办",
        "区人社局",
        "宝坻经济开发区管委会",
        "京津中关村科技城管委会",
        "京津新城建管委",
    ]:
        assert name in short


def test_every_subcommand_has_chinese_help(capsys: pytest.CaptureFixture[str]) -> None:
    from keqi.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        with pytest.raises(SystemExit):
            main([name, "--help"])
        out = capsys.readouterr().out
        assert "用法：" in out and "显示本帮助并退出" in out, name


@override_settings(KEQI_LOGIN_MAX_FAILURES=3)
def test_login_locks_after_repeated_failures(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "hq", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "hq", "password": PASSWORD})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password_reaches_the_registry(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post("/accounts/login/", {"username": "hq", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200


def test_pages_need_login(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_never_redirects_to_another_site(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post(
        "/accounts/login/?next=https://evil.example/steal",
        {"username": "hq", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    inside = Client().post(
        "/accounts/login/?next=/enterprises/", {"username": "hq", "password": PASSWORD}
    )
    assert inside["Location"] == "/enterprises/"
