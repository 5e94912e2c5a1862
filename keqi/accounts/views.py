"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from keqi.accounts import throttle
from keqi.accounts.forms import PasswordChangeForm
from keqi.accounts.models import User
from keqi.accounts.services import password_change


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
    """The login page; a user name is locked after repeated failures (any address,
    any spelling: the name is normalised before it is checked or counted)."""
    data = None
    username = ""
    if request.method == "POST":
        data = request.POST.copy()
        username = throttle.username_key(str(data.get("username", "")))
        data["username"] = username
    form = AuthenticationForm(request, data=data)
    locked = bool(data is not None and throttle.is_locked(username))
    if data is not None and not locked:
        if form.is_valid():
            throttle.failures_clear(username)
            login(request, form.get_user())
            return redirect(_safe_next(request))
        locked = throttle.failure_record(username, _address(request)) is not None
    if locked:
        messages.error(
            request,
            f"登录失败次数过多，该账号已暂时锁定，请{throttle.lock_minutes()}分钟后再试"
            "或联系安全管理员解锁。",
        )
        # An unbound form: the template must not check the password of a locked
        # name (its error or its absence would tell a guesser they were right).
        form = AuthenticationForm(request, initial={"username": username})
    status = 429 if locked else 200
    return render(request, "accounts/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so a link cannot log someone out)."""
    logout(request)
    return redirect("login")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """A person changes their own password; required at first login and after a reset."""
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            # Changing the password ends other sessions; keep this one.
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


def _errors_to_form(form: Form, exc: ValidationError) -> None:
    """Put a service's field errors on the form's fields (the rest on the form)."""
    mapping = {"password": "new_password"}
    for field, messages_ in exc.message_dict.items():
        name = field if field in form.fields else mapping.get(field, field)
        form.add_error(name if name in form.fields else None, messages_)
