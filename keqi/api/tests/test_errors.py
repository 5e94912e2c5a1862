"""Every API error is JSON with a Chinese message: 400, 401, 403, 404, 405, 415,
429 and 500 alike, never an HTML page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from keqi.api.tests.helpers import api_as

pytestmark = pytest.mark.django_db


def _is_chinese_json(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    return body


def test_no_token_is_401_telling_how_to_send_one() -> None:
    response = Client().get("/api/v1/enterprises/")
    assert response.status_code == 401
    body = _is_chinese_json(response)
    assert body["code"] == "not_authenticated"
    assert "Authorization: Token" in body["detail"]
    assert response["WWW-Authenticate"] == 'Token realm="keqi"'


def test_a_read_only_role_writing_is_403() -> None:
    response = api_as("leader").post("/api/v1/reports/open/", {"month": "2019-08"})
    assert response.status_code == 403
    assert _is_chinese_json(response)["code"] == "permission_denied"


def test_an_address_that_names_no_endpoint_is_a_json_404() -> None:
    response = api_as("hq").get("/api/v2/nothing/")
    assert response.status_code == 404
    assert _is_chinese_json(response)["detail"] == "没有这个接口地址，接口列表见 /api/"
    stray = Client().post("/api/nothing/", {"a": 1})
    assert stray.status_code == 404 and _is_chinese_json(stray)


def test_a_missing_trailing_slash_is_a_404_that_says_so() -> None:
    response = api_as("hq").get("/api/v1/enterprises")
    assert response.status_code == 404
    assert _is_chinese_json(response)["detail"] == (
        "接口地址应以 / 结尾：/api/v1/enterprises/"
    )


def test_a_wrong_method_is_405_in_chinese() -> None:
    response = api_as("hq").client.delete(
        "/api/v1/enterprises/", headers=api_as("hq").headers
    )
    assert response.status_code == 405
    assert _is_chinese_json(response)["detail"] == "该地址不支持 DELETE 请求"


def test_invalid_json_is_400_and_a_wrong_content_type_415() -> None:
    hq = api_as("hq")
    broken = hq.client.post(
        "/api/v1/reports/open/",
        "{not json",
        content_type="application/json",
        headers=hq.headers,
    )
    assert broken.status_code == 400
    assert _is_chinese_json(broken)["code"] == "parse_error"
    form = hq.client.post(
        "/api/v1/reports/open/", {"month": "2019-08"}, headers=hq.headers
    )
    assert form.status_code == 415 and _is_chinese_json(form)


def test_field_errors_are_listed_per_field_in_chinese() -> None:
    response = api_as("hq").get(
        "/api/v1/enterprises/", year="1800", as_of="昨天", page_size="0"
    )
    assert response.status_code == 400
    body = _is_chinese_json(response)
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"year", "as_of", "page_size"}
    for messages in body["errors"].values():
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


def test_too_many_requests_is_429_with_the_wait(settings: Any) -> None:
    settings.KEQI_API_RATE_USER = "3/min"
    hq = api_as("hq")
    statuses = [hq.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = hq.get("/api/v1/me/")
    assert "请求过于频繁" in _is_chinese_json(response)["detail"]
    assert int(response["Retry-After"]) > 0


def test_an_unexpected_failure_is_a_json_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("keqi.api.views_registry.is_read_only", broken)
    response = api_as("hq").get("/api/v1/me/")
    assert response.status_code == 500
    assert _is_chinese_json(response) == {
        "detail": "服务器内部错误，已记录，请联系系统管理员",
        "code": "server_error",
    }


def test_a_bad_request_raised_inside_a_view_is_a_chinese_json_400(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.exceptions import BadRequest

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise BadRequest("参数“area”应为记录编号（数字），实际为“x”")

    monkeypatch.setattr("keqi.api.views_registry.is_read_only", refuse)
    response = api_as("hq").get("/api/v1/me/")
    assert response.status_code == 400
    assert _is_chinese_json(response) == {
        "detail": "参数“area”应为记录编号（数字），实际为“x”",
        "code": "invalid",
    }
