"""The security policy in force: what the security administrator set, else the
server's environment variable (or its default).

`security_policy()` is the one place the password, lock and idle rules are read.
Inside a request it asks the database at most once (the answer is kept for the
rest of the request by `policy_per_request`, and forgotten when a value changes);
outside a request (commands, tests calling services) it asks every time.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse

from keqi.accounts.models import PolicyKey, SecurityPolicy


@dataclass(frozen=True)
class PolicyRule:
    """One value the security administrator may set, with its bounds."""

    key: str
    label: str
    unit: str
    setting: str
    minimum: int
    maximum: int


RULES: dict[str, PolicyRule] = {
    rule.key: rule
    for rule in (
        PolicyRule(
            PolicyKey.PASSWORD_MIN_LENGTH,
            "密码最短长度",
            "位",
            "KEQI_PASSWORD_MIN_LENGTH",
            10,
            64,
        ),
        PolicyRule(
            PolicyKey.PASSWORD_HISTORY,
            "不得重复使用最近几次的密码",
            "次",
            "KEQI_PASSWORD_HISTORY",
            1,
            24,
        ),
        PolicyRule(
            PolicyKey.LOGIN_MAX_FAILURES,
            "连续登录失败几次后锁定",
            "次",
            "KEQI_LOGIN_MAX_FAILURES",
            3,
            20,
        ),
        PolicyRule(
            PolicyKey.LOGIN_LOCK_SECONDS,
            "锁定时长",
            "秒",
            "KEQI_LOGIN_LOCK_SECONDS",
            60,
            86400,
        ),
        PolicyRule(
            PolicyKey.SESSION_IDLE_MINUTES,
            "会话空闲超时",
            "分钟",
            "KEQI_SESSION_IDLE_MINUTES",
            5,
            480,
        ),
    )
}


@dataclass(frozen=True)
class Policy:
    """The five values in force."""

    password_min_length: int
    password_history: int
    login_max_failures: int
    login_lock_seconds: int
    session_idle_minutes: int


def environment_default(key: str) -> int:
    """The value the server's environment sets (settings.py applies the floors)."""
    value = int(getattr(settings, RULES[key].setting))
    if key == PolicyKey.PASSWORD_MIN_LENGTH:
        value = max(10, value)
    return value


def stored_values() -> dict[str, int]:
    """The newest value the security administrator set per key (one query)."""
    newest = (
        SecurityPolicy.objects.order_by()
        .values("key")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    rows = SecurityPolicy.objects.filter(id__in=newest).values_list("key", "value")
    return {key: value for key, value in rows}


# Set by `policy_per_request` for the length of one request: a dict that holds
# the stored values once they have been read.
_request_memo: ContextVar[dict[str, dict[str, int]] | None] = ContextVar(
    "keqi_security_policy", default=None
)


def _stored() -> dict[str, int]:
    memo = _request_memo.get()
    if memo is None:
        return stored_values()
    if "stored" not in memo:
        memo["stored"] = stored_values()
    return memo["stored"]


def security_policy() -> Policy:
    """The values in force: stored by the security administrator, else the default."""
    stored = _stored()
    values = {key: stored.get(key, environment_default(key)) for key in RULES}
    return Policy(**values)


def forget() -> None:
    """A value changed: the next read in this request asks the database again."""
    memo = _request_memo.get()
    if memo is not None:
        memo.pop("stored", None)


def policy_per_request(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Read the stored policy at most once per request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _request_memo.set({})
        try:
            return get_response(request)
        finally:
            _request_memo.reset(token)

    return middleware
