"""Who may see and change which enterprises. Every selector goes through here.

HQ, leaders, auditors and member units see the whole district; member units,
leaders and auditors only read. Area (town/park) staff see and edit only the
enterprises of their own area. A user without a usable scope sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from keqi.accounts.models import Role

_NOTHING = Q(pk__in=[])


def enterprise_q(user: Any, prefix: str = "") -> Q:
    """A filter selecting the enterprises `user` may see (prefix for related lookups)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOTHING
    if user.is_superuser or user.role in (
        Role.HQ_ADMIN,
        Role.LEADER,
        Role.AUDITOR,
        Role.MEMBER,
    ):
        return Q()
    if user.role == Role.AREA_STAFF and user.area_id_in_scope is not None:
        return Q(**{f"{prefix}area_id": user.area_id_in_scope})
    return _NOTHING


def can_edit_enterprises(user: Any) -> bool:
    """Whether the user may change registry data at all (within their scope)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role in (Role.HQ_ADMIN, Role.AREA_STAFF))


def area_ids_in_scope(user: Any) -> list[int] | None:
    """The areas a user is limited to, or None for the whole district."""
    if user.is_superuser or user.role != Role.AREA_STAFF:
        return None
    return [user.area_id_in_scope] if user.area_id_in_scope is not None else []
