"""A district's 重点产业 (key industries): the list its district file names.

The registry's 重点产业 field is text checked against the list of the district the
enterprise's area belongs to; a value stored before stays valid for that
enterprise (kept as it is, not refused) even when the list no longer names it."""

from __future__ import annotations

from typing import Any

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import district_q


def key_industries_of(district: District | None) -> list[str]:
    """The district's list in its file's order (empty for none)."""
    return list(district.key_industries) if district is not None else []


def key_industries_for(user: Any) -> list[str]:
    """The lists of the districts the user sees, merged in order (a filter's
    choices): one district's list for a district user, every list for the city."""
    cached: list[str] | None = getattr(user, "_keqi_key_industries", None)
    if cached is None:
        cached = remember_key_industries(
            user, list(District.objects.filter(district_q(user, "pk")))
        )
    return list(cached)


def remember_key_industries(user: Any, districts: list[District]) -> list[str]:
    """The merged lists of the districts the user sees, kept on the user object
    (a request's user) so a page reads them once."""
    merged: dict[str, None] = {}
    for district in districts:
        merged.update(dict.fromkeys(district.key_industries))
    if user is not None:
        user._keqi_key_industries = list(merged)
    return list(merged)


def key_industry_error(value: str, *, area: Area | None, current: str = "") -> str:
    """Why `value` cannot be an enterprise's 重点产业 in `area`, or "" when it can:
    blank, the value it already has, or a name on its district's list."""
    if not value or value == current:
        return ""
    allowed = key_industries_of(area.district if area is not None else None)
    if value in allowed:
        return ""
    listed = "、".join(allowed) or "（本区未配置重点产业）"
    return f"重点产业“{value}”不在本区的重点产业中，可选：{listed}"
