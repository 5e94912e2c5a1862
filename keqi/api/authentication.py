"""Who is calling: `Authorization: Token <key>` (or a signed-in browser session).

A token acts as its user, so every read goes through the same scope helpers and
selectors as the web pages. Messages are in Chinese; a missing or bad token is a
401 with `WWW-Authenticate: Token`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from keqi.api.models import ApiToken
from keqi.api.services import token_digest

KEYWORD = "Token"
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """API tokens made on the 接口令牌 page; only their SHA-256 is stored."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization 请求头格式应为：Token <令牌>"
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌含有无效字符") from None
        return self._check(key)

    def _check(self, key: str) -> tuple[Any, ApiToken]:
        token = (
            ApiToken.objects.select_related("user__unit")
            .filter(digest=token_digest(key))
            .first()
        )
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("令牌无效或已撤销")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌所属账号已停用")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="keqi"'


def token_of(request: Request) -> ApiToken | None:
    """The token a request came with (None for a browser session)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class SessionAuthentication(authentication.SessionAuthentication):
    """A signed-in browser; writes need the CSRF token as on the web pages."""

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                "CSRF 校验失败：浏览器会话写入须带 CSRF 令牌，系统对接请使用接口令牌"
            ) from None


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes the token header in the OpenAPI schema."""

    target_class = "keqi.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "接口令牌，写作 `Token kq_…`（在“接口令牌”页面创建）",
        }


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """A signed-in browser session (the web pages' login cookie)."""

    target_class = "keqi.api.authentication.SessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
