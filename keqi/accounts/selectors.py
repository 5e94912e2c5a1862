"""Reads for the three administrators' pages, each scoped to the one role it serves.

三员分立: the system administrator sees business accounts (never the three
administrators'), the security administrator sees login locks, the audit
administrator sees the audit trail. Anyone else gets nothing from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from keqi.accounts.models import (
    ADMIN_ROLES,
    Area,
    LoginLock,
    Role,
    SecurityPolicy,
    User,
)
from keqi.accounts.policy import RULES, PolicyRule, environment_default
from keqi.accounts.scopes import area_q
from keqi.core.models import AuditEvent
from keqi.core.query import whole_number


def area_named_for(user: Any, raw: str) -> Area | None:
    """The area a filter names (code, name or id) within the user's scope (their
    area, their district), or None when unknown or outside it."""
    areas = Area.objects.filter(area_q(user))
    found = areas.filter(code=raw).first() or areas.filter(name=raw).first()
    if found is None and (pk := whole_number(raw)) is not None:
        found = areas.filter(pk=pk).first()
    return found


def has_role(user: Any, role: str) -> bool:
    """Whether a signed-in, active user holds exactly this role."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) == role
    )


def user_list_for(
    user: Any, *, q: str = "", role: str = "", active: str = ""
) -> QuerySet[User]:
    """Business accounts the system administrator manages, filtered."""
    if not has_role(user, Role.SYS_ADMIN):
        return User.objects.none()
    rows = (
        User.objects.exclude(role__in=ADMIN_ROLES)
        .exclude(is_superuser=True)
        .select_related("unit__area")
        .order_by("unit__sort", "unit__code", "username")
    )
    if user.unit is not None and user.unit.district_id is not None:
        # a district's administrator manages that district's accounts only
        rows = rows.filter(unit__district_id=user.unit.district_id)
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        rows = rows.filter(role=role)
    if active in ("1", "0"):
        rows = rows.filter(is_active=active == "1")
    return rows


@dataclass(frozen=True)
class PolicyLine:
    """One policy value on the security administrator's page."""

    rule: PolicyRule
    value: int
    default: int
    latest: SecurityPolicy | None  # None: the environment's default is in force
    history: list[SecurityPolicy]


def security_policy_lines_for(user: Any, *, history: int = 20) -> list[PolicyLine]:
    """Each policy value in force, where it comes from and its recent changes."""
    if not has_role(user, Role.SEC_ADMIN):
        return []
    lines = []
    for key, rule in RULES.items():
        default = environment_default(key)
        changes = list(
            SecurityPolicy.objects.filter(key=key)
            .select_related("changed_by")
            .order_by("-id")[:history]
        )
        latest = changes[0] if changes else None
        value = latest.value if latest else default
        lines.append(PolicyLine(rule, value, default, latest, changes))
    return lines


def lock_list_for(user: Any, *, current_only: bool = False) -> QuerySet[LoginLock]:
    """Login locks, newest first, for the security administrator."""
    if not has_role(user, Role.SEC_ADMIN):
        return LoginLock.objects.none()
    rows = LoginLock.objects.select_related("unlocked_by")
    if current_only:
        rows = rows.filter(unlocked_at__isnull=True)
    return rows


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log page narrows by; empty values mean no limit."""

    who: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    target: str = ""


def audit_event_list_for(user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, for the audit administrator only."""
    if not has_role(user, Role.AUDIT_ADMIN):
        return AuditEvent.objects.none()
    rows = AuditEvent.objects.select_related("actor")
    if filters.who:
        rows = rows.filter(
            Q(actor__username__icontains=filters.who)
            | Q(actor__full_name__icontains=filters.who)
        )
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.date_from:
        rows = rows.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(at__date__lte=filters.date_to)
    if filters.target:
        rows = rows.filter(
            Q(target_repr__icontains=filters.target)
            | Q(subject=filters.target)
            | Q(target_id=filters.target)
        )
    return rows
