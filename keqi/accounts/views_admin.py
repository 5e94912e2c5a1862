"""The system administrator's account pages and the security administrator's lock
pages (三员分立: each page answers 403 to every other role)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from keqi.accounts import selectors, services, throttle
from keqi.accounts.forms import (
    BUSINESS_ROLES,
    PasswordResetForm,
    PolicyForm,
    ReasonForm,
    UserCreateForm,
)
from keqi.accounts.models import Role
from keqi.accounts.policy import RULES, security_policy
from keqi.accounts.views import _errors_to_form
from keqi.core.audit import ACTION_LABELS
from keqi.core.models import AuditEvent
from keqi.core.text_safety import control_character_error

View = Callable[..., HttpResponse]


def role_required(role: str) -> Callable[[View], View]:
    """Only this one role may open the page; anyone else signed in gets 403."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not selectors.has_role(request.user, role):
                raise PermissionDenied("无权访问该页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@role_required(Role.SYS_ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    """Business accounts, with filters."""
    q = request.GET.get("q", "").strip()[:50]
    problem = control_character_error(q)
    if problem:
        messages.error(request, f"用户名或姓名{problem}")
        q = ""
    role = request.GET.get("role", "")[:20]
    active = request.GET.get("active", "")
    rows = selectors.user_list_for(request.user, q=q, role=role, active=active)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "role": role,
        "active": active,
        "roles": BUSINESS_ROLES,
    }
    return render(request, "accounts/user_list.html", context)


@role_required(Role.SYS_ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    """A new account; the person must change the initial password at first login."""
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password"],
                unit=data["unit"],
                role=data["role"],
                full_name=data["full_name"],
                actor=request.user,
                reason=data["reason"],
                must_change_password=True,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, f"已新建账号 {user.username}，首次登录时须修改密码。"
            )
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@role_required(Role.SYS_ADMIN)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: who, where, state, its history; disable, enable, reset password."""
    user = get_object_or_404(selectors.user_list_for(request.user), pk=pk)
    events = AuditEvent.objects.filter(subject=f"user:{user.pk}").select_related(
        "actor"
    )[:50]
    context = {
        "account": user,
        "history": [(e, ACTION_LABELS.get(e.action, e.action)) for e in events],
        "reason_form": ReasonForm(),
        "reset_form": PasswordResetForm(),
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
@role_required(Role.SYS_ADMIN)
def user_state(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """Disable, enable or reset the password of one account (with a reason)."""
    if change not in _DONE:
        raise Http404("没有这个操作")
    user = get_object_or_404(selectors.user_list_for(request.user), pk=pk)
    form_class = PasswordResetForm if change == "reset-password" else ReasonForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            _apply(change, user, form.cleaned_data, request.user)
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _DONE[change].format(user.username))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("user_detail", pk=user.pk)


_DONE = {
    "disable": "已停用账号 {}。",
    "enable": "已启用账号 {}。",
    "reset-password": "已重置 {} 的密码，本人下次登录时须修改。",
}


def _apply(change: str, user: Any, data: dict[str, Any], actor: Any) -> None:
    if change == "disable":
        services.user_disable(user=user, actor=actor, reason=data["reason"])
    elif change == "enable":
        services.user_enable(user=user, actor=actor, reason=data["reason"])
    else:
        services.user_reset_password(
            user=user, password=data["password"], actor=actor, reason=data["reason"]
        )


@role_required(Role.SEC_ADMIN)
def lock_list(request: HttpRequest) -> HttpResponse:
    """Login locks (current first) and the policy in force."""
    current_only = request.GET.get("all") != "1"
    rows = selectors.lock_list_for(request.user, current_only=current_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    now = security_policy()
    policy = [
        ("密码最短长度", f"{now.password_min_length} 位"),
        ("字符类别", "大写字母、小写字母、数字、符号四类中至少三类"),
        ("不得重复使用", f"最近 {now.password_history} 次的密码"),
        ("首次登录/重置后", "须修改密码"),
        (
            "登录失败锁定",
            f"{now.login_max_failures} 次失败后锁定 "
            f"{throttle.lock_minutes()} 分钟（按用户名，不分大小写和全角半角）",
        ),
        ("会话空闲超时", f"{now.session_idle_minutes} 分钟"),
    ]
    context = {"page": page, "current_only": current_only, "policy": policy}
    return render(request, "accounts/lock_list.html", context)


@require_POST
@role_required(Role.SEC_ADMIN)
def lock_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """End a lock before its time, with a reason."""
    lock = get_object_or_404(selectors.lock_list_for(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写解锁原因（将记入操作记录）。")
        return redirect("lock_list")
    try:
        throttle.login_unlock(
            lock=lock, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已解除 {lock.username} 的登录锁定。")
    return redirect("lock_list")


@role_required(Role.SEC_ADMIN)
def policy_page(request: HttpRequest) -> HttpResponse:
    """The security policy in force, where each value comes from, its changes."""
    return _policy_render(request, {})


def _policy_render(
    request: HttpRequest, forms: dict[str, PolicyForm], status: int = 200
) -> HttpResponse:
    lines = selectors.security_policy_lines_for(request.user)
    rows = [
        (line, forms.get(line.rule.key) or PolicyForm(prefix=line.rule.key))
        for line in lines
    ]
    return render(request, "accounts/policy.html", {"rows": rows}, status=status)


@require_POST
@role_required(Role.SEC_ADMIN)
def policy_set(request: HttpRequest, key: str) -> HttpResponse:
    """Change one policy value, with a reason; a bad value is refused with the
    reason on the form and nothing stored."""
    if key not in RULES:
        raise Http404("没有这项安全策略")
    form = PolicyForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            row = services.security_policy_set(
                key=key,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            rule = RULES[key]
            messages.success(
                request, f"已将{rule.label}改为 {row.value} {rule.unit}，即时生效。"
            )
            return redirect("policy_page")
    return _policy_render(request, {key: form}, status=400)
