"""Login throttling keyed on the normalised user name.

Too many failures for one user name inside the window lock that name for a while,
whatever address they come from and however the name is written: `leader `,
`LEADER` and the full-width ｌｅａｄｅｒ are the same name. Each lock is a
LoginLock row and an audited `login.locked` event; its end (the time running out,
or a security administrator unlocking it) is an audited `login.unlocked` event.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone

from keqi.accounts.actions import AccountAction
from keqi.accounts.models import LoginFailure, LoginLock
from keqi.accounts.policy import security_policy
from keqi.core import audit


def username_key(username: str) -> str:
    """The name as a lock and a login know it: NFKC, casefolded, stripped."""
    return unicodedata.normalize("NFKC", username).casefold().strip()[:150]


def lock_minutes() -> int:
    """How long a lock lasts, in whole minutes (for messages)."""
    return max(1, security_policy().login_lock_seconds // 60)


def _active_locks(key: str) -> Any:
    return LoginLock.objects.filter(username=key, unlocked_at__isnull=True)


@transaction.atomic
def is_locked(username: str) -> bool:
    """True while the name has a lock; a lock whose time is up ends here (audited)."""
    now = timezone.now()
    locked = False
    for lock in _active_locks(username_key(username)).select_for_update():
        if lock.until > now:
            locked = True
        else:
            _lock_end(lock, at=lock.until, actor=None, reason="锁定期满自动解除")
    return locked


@transaction.atomic
def failure_record(username: str, address: str) -> LoginLock | None:
    """Remember one failed attempt; the one that reaches the limit locks the name."""
    key = username_key(username)
    policy = security_policy()
    lock_for = dt.timedelta(seconds=policy.login_lock_seconds)
    LoginFailure.objects.create(username=key, address=address[:64])
    failures = LoginFailure.objects.filter(
        username=key, at__gte=timezone.now() - lock_for
    ).count()
    if failures < policy.login_max_failures:
        return None
    # The failures are now part of the lock; counting starts afresh after it.
    LoginFailure.objects.filter(username=key).delete()
    lock = LoginLock.objects.create(
        username=key,
        address=address[:64],
        failures=failures,
        until=timezone.now() + lock_for,
    )
    audit.record(
        actor=None,
        action=AccountAction.LOGIN_LOCKED,
        target=lock,
        changes={"failures": [None, failures], "address": [None, lock.address]},
        subject=f"login:{key}",
    )
    return lock


def failures_clear(username: str) -> None:
    """Forget failures after a successful login."""
    LoginFailure.objects.filter(username=username_key(username)).delete()


def _lock_end(lock: LoginLock, *, at: dt.datetime, actor: Any, reason: str) -> None:
    lock.unlocked_at = at
    lock.unlocked_by = actor if getattr(actor, "pk", None) else None
    lock.save(update_fields=["unlocked_at", "unlocked_by"])
    audit.record(
        actor=actor,
        action=AccountAction.LOGIN_UNLOCKED,
        target=lock,
        reason=reason,
        subject=f"login:{lock.username}",
    )


@transaction.atomic
def login_unlock(*, lock: LoginLock, actor: Any, reason: str) -> LoginLock:
    """A security administrator ends a lock before its time. Raises ValueError
    when the lock has already ended or no reason is given."""
    lock = LoginLock.objects.select_for_update().get(pk=lock.pk)
    if lock.unlocked_at is not None:
        raise ValueError("该锁定已解除")
    if not reason.strip():
        raise ValueError("请填写解锁原因")
    LoginFailure.objects.filter(username=lock.username).delete()
    _lock_end(lock, at=timezone.now(), actor=actor, reason=reason.strip())
    return lock
