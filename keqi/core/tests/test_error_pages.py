"""The error pages a user can meet outside DEBUG are in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from keqi.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_server_error_shows_a_chinese_page_telling_to_check_what_was_saved() -> None:
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page and "查看是否已经保存" in page
    assert "Server Error" not in page


def test_an_expired_form_is_refused_with_a_chinese_page_not_djangos_csrf_text(
    town_a,
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": town_a.username, "password": PASSWORD}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page and "数据没有改动" in page
    assert "CSRF verification failed" not in page


def test_every_page_names_the_site_icon_and_favicon_ico_leads_to_it(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "keqi/favicon.svg" in page
    assert "科技企业群体规模壮大攻坚行动管理平台" in page
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302)
    assert response["Location"].endswith("keqi/favicon.svg")
