"""Who may see and do what with awards and money.

Reads: HQ, leaders, auditors and member units see the whole district; area staff
see only their own area's awards, ledger entries and statement. Writes:
- award rules, funds and budgets, candidate generation, HQ approval, 公示: HQ;
- the area check: staff of the enterprise's own area;
- applications: HQ, or area staff for their own area's enterprises;
- payments, reversals, settlement ratios and closing a year: the district finance
  bureau (区财政局) or HQ.
`actor=None` is the system (command line, demo data) and may do everything.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from keqi.accounts.models import Role
from keqi.accounts.scopes import (
    area_ids_in_scope,
    district_id_of,
    district_q,
    enterprise_q,
)
from keqi.accounts.scopes import area_q as scoped_area_q


def is_finance(user: Any) -> bool:
    """A member-unit officer of the district finance bureau: the unit its district
    file names as `finance_unit` (`Unit.is_finance`)."""
    unit = getattr(user, "unit", None)
    return bool(
        user is not None
        and getattr(user, "role", None) == Role.MEMBER
        and unit is not None
        and unit.is_finance
    )


def may_manage(user: Any) -> bool:
    """HQ (or the system): rules, budgets, candidates, approval, 公示."""
    return user is None or bool(user.is_hq)


def may_handle_money(user: Any) -> bool:
    """HQ or the finance bureau (or the system): payments, ratios, closing."""
    return may_manage(user) or is_finance(user)


def ensure_manager(actor: Any) -> None:
    if not may_manage(actor):
        raise PermissionDenied("只有指挥部办公室可以执行此操作")


def ensure_money_handler(actor: Any) -> None:
    if not may_handle_money(actor):
        raise PermissionDenied("只有区财政局或指挥部办公室可以执行此操作")


def ensure_own_district(actor: Any, district_id: int | None) -> None:
    """A district's HQ or finance bureau acts only on its own district's funds
    and areas (the system, actor None, on any)."""
    if actor is None or actor.is_superuser:
        return
    if district_id is None or district_id != district_id_of(actor):
        raise PermissionDenied("只能处理本区的资金和街镇/园区")


def is_area_staff_of(user: Any, area_id: int) -> bool:
    """Staff of exactly this area (the one who checks its candidates)."""
    return (
        user is not None
        and getattr(user, "role", None) == Role.AREA_STAFF
        and user.area_id_in_scope == area_id
    )


def award_q(user: Any) -> Q:
    """Awards the user may see: those of enterprises in their scope."""
    return enterprise_q(user, "enterprise__")


def area_q(user: Any, field: str = "area_id") -> Q:
    """Rows keyed by an area (ledger entries, statements) that the user may see:
    their area for area staff, their district's areas for other district users."""
    return scoped_area_q(user, field)


def fund_q(user: Any, prefix: str = "") -> Q:
    """Funds (and, with a prefix, rows of a fund) of the user's district; the
    system (None) and city users see all."""
    return Q() if user is None else district_q(user, f"{prefix}district_id")


def sees_whole_district(user: Any) -> bool:
    """Whether district totals (every area) may be shown to the user."""
    return area_ids_in_scope(user) is None
