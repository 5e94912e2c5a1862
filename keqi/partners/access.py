"""Who may record and change partners entries.

Reading follows the registry's scope (keqi.accounts.scopes): an entry about an
enterprise is visible to whoever may see that enterprise. Recording is for the
working roles (HQ office, member units, area staff) with a unit; an entry is
changed only by the unit that recorded it. Leaders and auditors read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from keqi.accounts.models import Role
from keqi.accounts.scopes import enterprise_q
from keqi.core.uscc import unusable
from keqi.registry.models import Enterprise

RECORDING_ROLES = (Role.HQ_ADMIN, Role.MEMBER, Role.AREA_STAFF)


def can_record(user: Any) -> bool:
    """Whether the user may record entries at all (for their own unit)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role in RECORDING_ROLES and user.unit_id is not None)


def ensure_can_record(actor: Any) -> None:
    """Refuse read-only accounts (actor None is the system and may)."""
    if actor is not None and not can_record(actor):
        raise PermissionDenied("当前账号只能查看，不能录入或修改")


def ensure_owner(actor: Any, row: Any) -> None:
    """Only the unit that recorded an entry changes it."""
    ensure_can_record(actor)
    if actor is not None and row.unit_id != actor.unit_id:
        raise PermissionDenied("只能修改本单位录入的记录")


def ensure_sees(actor: Any, enterprise: Enterprise) -> None:
    """The enterprise must be within the actor's scope."""
    if actor is None:
        return
    if not Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists():
        raise PermissionDenied(unusable(enterprise.uscc))


def is_district_wide(user: Any) -> bool:
    """HQ, leaders, auditors and member units see the whole district."""
    return bool(user.is_superuser or user.role != Role.AREA_STAFF)
