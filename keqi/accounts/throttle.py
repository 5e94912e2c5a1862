"""Login throttling: too many failures for one username from one address locks it a while."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from keqi.accounts.models import LoginFailure


def is_locked(username: str, address: str) -> bool:
    """True while the username has reached the failure limit inside the lock window."""
    since = timezone.now() - dt.timedelta(seconds=settings.KEQI_LOGIN_LOCK_SECONDS)
    failures = LoginFailure.objects.filter(
        username=username, address=address, at__gte=since
    )
    return failures.count() >= settings.KEQI_LOGIN_MAX_FAILURES


def failure_record(username: str, address: str) -> None:
    """Remember one failed attempt."""
    LoginFailure.objects.create(username=username[:150], address=address[:64])


def failures_clear(username: str, address: str) -> None:
    """Forget failures after a successful login."""
    LoginFailure.objects.filter(username=username, address=address).delete()
