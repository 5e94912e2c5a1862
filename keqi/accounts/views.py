"""Logging in and out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from keqi.accounts import throttle


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _safe_next(request: HttpRequest) -> str:
    """The ?next= page, only when it is on this site (no open redirect)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else "/"


def login_view(request: HttpRequest) -> HttpResponse:
    """The login page; locks a username after repeated failures from one address."""
    form = AuthenticationForm(request, data=request.POST or None)
    username = request.POST.get("username", "")
    locked = bool(
        request.method == "POST" and throttle.is_locked(username, _address(request))
    )
    if locked:
        messages.error(request, "登录失败次数过多，该账号已暂时锁定，请15分钟后再试。")
    elif request.method == "POST" and form.is_valid():
        throttle.failures_clear(username, _address(request))
        login(request, form.get_user())
        return redirect(_safe_next(request))
    elif request.method == "POST":
        throttle.failure_record(username, _address(request))
    status = 429 if locked else 200
    return render(request, "accounts/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so a link cannot log someone out)."""
    logout(request)
    return redirect("login")
