"""Login rules checked on every request: idle sessions end, a person who must
change their password (first login, or after a reset) does nothing else first, and
the three administrators stay on their own pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from keqi.accounts.models import ADMIN_ROLES
from keqi.accounts.policy import security_policy

SEEN_COOKIE = "keqi_seen"
_SALT = "keqi.accounts.idle"


def _idle_too_long(request: HttpRequest, minutes: int) -> bool:
    """Whether the signed last-seen time is older than the idle limit.

    The time lives in a signed cookie, not the session, so a page view writes
    nothing to the database (SQLite has one writer). No cookie (the first request
    of a session) only starts the clock.
    """
    idle = minutes * 60
    try:
        request.get_signed_cookie(SEEN_COOKIE, salt=_SALT, max_age=idle)
    except KeyError:
        return False
    except BadSignature:  # expired, or tampered with
        return True
    return False


def idle_timeout(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Log out a session unused for the policy's idle minutes."""

    def middleware(request: HttpRequest) -> HttpResponse:
        idle = 0
        # Read for every signed-in page, first one included, so each page view
        # costs the same one policy query (query-count tests rely on it).
        if request.user.is_authenticated:
            idle = security_policy().session_idle_minutes
        if idle and _idle_too_long(request, idle):
            logout(request)
            messages.info(
                request,
                f"超过 {idle} 分钟未操作，已自动退出，请重新登录。",
            )
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.set_signed_cookie(
                SEEN_COOKIE,
                "1",
                salt=_SALT,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif SEEN_COOKIE in request.COOKIES:
            response.delete_cookie(SEEN_COOKIE, samesite="Lax")
        return response

    return middleware


def _allowed_while_forced() -> tuple[str, ...]:
    return (
        reverse("password_change"),
        reverse("logout"),
        reverse("login"),
        _static_prefix(),
    )


def _static_prefix() -> str:
    url = settings.STATIC_URL
    return url if url.startswith("/") else f"/{url}"


def password_change_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Send someone who must change their password to that page before any other."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        forced = user.is_authenticated and getattr(user, "must_change_password", False)
        if forced and not request.path.startswith(_allowed_while_forced()):
            return redirect("password_change")
        return get_response(request)

    return middleware


def admin_roles_confined(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """三员分立: the three administrators see no business data, so every page outside
    their own (/accounts/) answers 403, whatever a business page would allow. The
    pages of a background download (/downloads/) are open to them: each shows only
    a download its requester asked for (the audit trail's, for the audit
    administrator), never anyone else's (keqi.core.downloads)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "role", None) in ADMIN_ROLES
            and request.path != "/"
            and not request.path.startswith(
                ("/accounts/", "/downloads/", _static_prefix())
            )
        ):
            raise PermissionDenied("系统管理员、安全管理员、安全审计员不查看业务数据。")
        return get_response(request)

    return middleware
