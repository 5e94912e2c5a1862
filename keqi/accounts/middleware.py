"""Two login rules checked on every request: idle sessions end, and a person who
must change their password (first login, or after a reset) does nothing else first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

LAST_SEEN = "keqi_last_seen"
# Writing the session on every request would cost a write per page; a minute's
# precision is plenty for a timeout counted in tens of minutes.
_TOUCH_EVERY = 60


def idle_timeout(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Log out a session unused for KEQI_SESSION_IDLE_MINUTES."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            idle = settings.KEQI_SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle:
                logout(request)
                messages.info(
                    request,
                    f"超过 {settings.KEQI_SESSION_IDLE_MINUTES} 分钟未操作，"
                    "已自动退出，请重新登录。",
                )
            elif last is None or now - int(last) >= _TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return get_response(request)

    return middleware


def _allowed_while_forced() -> tuple[str, ...]:
    return (
        reverse("password_change"),
        reverse("logout"),
        reverse("login"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/",
    )


def password_change_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Send someone who must change their password to that page before any other."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        forced = user.is_authenticated and getattr(user, "must_change_password", False)
        if forced and not request.path.startswith(_allowed_while_forced()):
            return redirect("password_change")
        return get_response(request)

    return middleware
