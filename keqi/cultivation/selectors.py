"""Reads for cultivation pages, scoped to the user asking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from keqi.accounts.scopes import enterprise_q
from keqi.cultivation.models import RungRole, TierRung
from keqi.cultivation.tiers import (
    DEFAULT_LADDER,
    DEFAULT_MARK,
    Holding,
    TierSpan,
    marked_on,
    tier_history,
    tier_on,
)
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.selectors import enterprise_get_for


def ladder_load() -> tuple[tuple[str, ...], str | None]:
    """The ladder as HQ set it (lowest first) and the national mark; defaults if unset."""
    rungs = list(TierRung.objects.order_by("position"))
    tiers = tuple(r.kind for r in rungs if r.role == RungRole.TIER)
    mark = next((r.kind for r in rungs if r.role == RungRole.MARK), None)
    if not tiers:
        return DEFAULT_LADDER, DEFAULT_MARK
    return tiers, mark


def holdings_by_enterprise(
    enterprise_ids: object, kinds: set[str]
) -> dict[int, list[Holding]]:
    """Qualifications of the given kinds as plain holdings, per enterprise."""
    rows = Qualification.objects.filter(kind__in=kinds)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=enterprise_ids)
    found: dict[int, list[Holding]] = defaultdict(list)
    for pk, kind, granted, until, revoked in rows.values_list(
        "enterprise_id", "kind", "granted_on", "valid_until", "revoked_on"
    ):
        found[pk].append(Holding(kind, granted, until, revoked))
    return found


@dataclass(frozen=True)
class TierRow:
    """An enterprise's tier and mark on a day."""

    enterprise: Enterprise
    tier: str | None
    marked: bool


def tier_rows_for(
    user: object, day: dt.date, area_id: int | None = None
) -> list[TierRow]:
    """Enterprises in scope (current area) holding a rung or the mark on `day`."""
    tiers, mark = ladder_load()
    kinds = {*tiers, *([mark] if mark else [])}
    enterprises = Enterprise.objects.filter(enterprise_q(user)).select_related("area")
    if area_id is not None:
        enterprises = enterprises.filter(area_id=area_id)
    enterprises = enterprises.filter(qualifications__kind__in=kinds).distinct()
    holdings = holdings_by_enterprise(enterprises.values("pk"), kinds)
    rows = []
    for e in enterprises.order_by("name", "id"):
        held = holdings.get(e.pk, [])
        tier = tier_on(held, tiers, day)
        marked = bool(mark) and marked_on(held, mark or "", day)
        if tier or marked:
            rows.append(TierRow(e, tier, marked))
    return rows


def tier_history_for(user: object, pk: int) -> tuple[Enterprise, list[TierSpan]]:
    """One enterprise's tier history (404 when out of scope)."""
    enterprise = enterprise_get_for(user, pk)
    tiers, mark = ladder_load()
    kinds = {*tiers, *([mark] if mark else [])}
    held = holdings_by_enterprise([pk], kinds).get(pk, [])
    return enterprise, tier_history(held, tiers, mark or "")
