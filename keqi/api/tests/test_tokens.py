"""API tokens: made and revoked by their user on a page (and by HQ), shown once,
stored hashed, audited; a revoked token stops working at once."""

from __future__ import annotations

import pytest
from django.test import Client

from keqi.accounts.models import User
from keqi.api.models import ApiToken
from keqi.api.services import ApiAction, api_token_create, token_digest
from keqi.api.tests.helpers import Api, token_for
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _browser(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_user_creates_a_token_on_the_page_and_sees_the_key_only_once(
    town_a: User,
) -> None:
    browser = _browser(town_a)
    page = browser.post("/api/tokens/", {"name": "镇统计系统"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    key = page.context["created"].key
    assert key.startswith("kq_") and key in page.content.decode()
    token = ApiToken.objects.get(user=town_a)
    assert token.digest == token_digest(key) and key not in token.digest
    again = browser.get("/api/tokens/").content.decode()
    assert "镇统计系统" in again and key not in again
    assert Api(key).get("/api/v1/me/").json()["username"] == "town_a"


def test_creating_and_revoking_a_token_are_audited(town_a: User) -> None:
    made = api_token_create(user=town_a, name="对接", actor=town_a)
    created = AuditEvent.objects.get(action=ApiAction.TOKEN_CREATE)
    assert created.actor == town_a and created.target_id == str(made.token.pk)
    assert made.key not in str(created.changes)
    _browser(town_a).post(f"/api/tokens/{made.token.pk}/revoke/")
    revoked = AuditEvent.objects.get(action=ApiAction.TOKEN_REVOKE)
    assert revoked.actor == town_a and revoked.target_id == str(made.token.pk)


def test_a_revoked_token_gets_401_in_chinese(town_a: User) -> None:
    made = api_token_create(user=town_a, name="对接", actor=town_a)
    assert Api(made.key).get("/api/v1/me/").status_code == 200
    _browser(town_a).post(f"/api/tokens/{made.token.pk}/revoke/")
    response = Api(made.key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "令牌无效或已撤销",
        "code": "authentication_failed",
    }
    assert response["WWW-Authenticate"].startswith("Token")


def test_hq_lists_and_revokes_another_users_token(hq: User, town_a: User) -> None:
    made = api_token_create(user=town_a, name="对接", actor=town_a)
    browser = _browser(hq)
    assert "对接" in browser.get("/api/tokens/").content.decode()
    browser.post(f"/api/tokens/{made.token.pk}/revoke/")
    assert ApiToken.objects.get(pk=made.token.pk).revoked_by == hq


def test_hq_creates_a_token_for_another_user(hq: User, member: User) -> None:
    page = _browser(hq).post("/api/tokens/", {"name": "工信局对接", "user": member.pk})
    key = page.context["created"].key
    assert Api(key).get("/api/v1/me/").json()["username"] == "member"
    assert ApiToken.objects.get(user=member).created_by == hq


def test_a_user_cannot_see_or_revoke_another_users_token(
    town_a: User, town_b: User
) -> None:
    made = api_token_create(user=town_a, name="甲镇对接", actor=town_a)
    browser = _browser(town_b)
    assert "甲镇对接" not in browser.get("/api/tokens/").content.decode()
    assert browser.post(f"/api/tokens/{made.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is None


def test_a_user_cannot_make_a_token_for_someone_else(
    town_a: User, town_b: User
) -> None:
    response = _browser(town_a).post(
        "/api/tokens/", {"name": "冒用", "user": town_b.pk}
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_purpose(town_a: User) -> None:
    page = _browser(town_a).post("/api/tokens/", {"name": "  "})
    assert page.context["created"] is None
    assert "请填写令牌用途" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_the_token_of_a_deactivated_user_stops_working(town_a: User) -> None:
    key = token_for(town_a)
    User.objects.filter(pk=town_a.pk).update(is_active=False)
    response = Api(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌所属账号已停用"


def test_using_a_token_records_when_it_was_last_used(town_a: User) -> None:
    key = token_for(town_a)
    assert ApiToken.objects.get().last_used_at is None
    Api(key).get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at is not None


def test_an_unknown_token_and_a_malformed_header_are_401(town_a: User) -> None:
    assert Api("kq_wrong").get("/api/v1/me/").status_code == 401
    client = Client()
    bad = client.get("/api/v1/me/", headers={"Authorization": "Token a b"})
    assert bad.status_code == 401
    assert "Token <令牌>" in bad.json()["detail"]


def test_the_tokens_page_needs_a_login() -> None:
    response = Client().get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
