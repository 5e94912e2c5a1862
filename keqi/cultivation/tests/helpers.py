"""Small builders for cultivation tests: qualifications and area moves on given days."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.utils import timezone

from keqi.accounts.models import Area
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.services import enterprise_upsert, qualification_upsert

D = dt.date


def grant(
    enterprise: Enterprise,
    kind: str,
    granted: dt.date,
    until: dt.date | None = None,
    revoked: dt.date | None = None,
    number: str = "",
) -> Qualification:
    """A qualification made through the registry service."""
    values: dict[str, Any] = {
        "number": number or f"{kind[:2]}-{enterprise.pk}-{granted.isoformat()}",
        "granted_on": granted,
        "valid_until_entered": until,
        "revoked_on": revoked,
    }
    return qualification_upsert(
        enterprise=enterprise, kind=kind, values=values, actor=None
    ).row


def move(enterprise: Enterprise, area_code: str, on: dt.date) -> None:
    """Move an enterprise to another area through the service, dated `on` (noon)."""
    area = Area.objects.get(code=area_code)
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    # The audit trail is append-only (even in the database), so the move is made
    # with the clock at that noon rather than back-dated afterwards.
    with mock.patch("django.utils.timezone.now", return_value=noon):
        enterprise_upsert(uscc=enterprise.uscc, values={"area": area}, actor=None)
    enterprise.refresh_from_db()
