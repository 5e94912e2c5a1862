"""Who may see and change which enterprises. Every selector goes through here.

Two levels. A district user sees only their district (the district of their unit):
HQ, leaders, auditors and member units see the whole district, member units,
leaders and auditors only read; area (town/park) staff see and edit only the
enterprises of their own area. A city user reads every district and changes
no district's data (only the city-wide rules, keqi.criteria.access). A user without a usable scope (a district role whose unit has no
district, an administrator of 三员分立) sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from keqi.accounts.models import Area, District, Role

_NOTHING = Q(pk__in=[])
DISTRICT_ROLES = (Role.HQ_ADMIN, Role.LEADER, Role.AUDITOR, Role.MEMBER)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_every_district(user: Any) -> bool:
    """The server's operator (superuser) and city users: no district limit."""
    return _signed_in(user) and bool(user.is_superuser or user.role == Role.CITY)


def district_id_of(user: Any) -> int | None:
    """The district a district user is confined to; None when there is none."""
    if not _signed_in(user) or sees_every_district(user):
        return None
    return user.district_id_in_scope  # type: ignore[no-any-return]


def district_q(user: Any, field: str = "district_id") -> Q:
    """Rows keyed by a district (areas, units, funds) that `user` may see.

    Area staff get their district here too; narrowing to their area is
    `area_q`'s job."""
    if sees_every_district(user):
        return Q()
    district = district_id_of(user)
    if district is None or user.role not in (*DISTRICT_ROLES, Role.AREA_STAFF):
        return _NOTHING
    return Q(**{field: district})


def enterprise_q(user: Any, prefix: str = "") -> Q:
    """A filter selecting the enterprises `user` may see (prefix for related lookups)."""
    if not _signed_in(user):
        return _NOTHING
    if sees_every_district(user):
        return Q()
    district = district_id_of(user)
    if district is None:
        return _NOTHING
    if user.role in DISTRICT_ROLES:
        return Q(**{f"{prefix}area__district_id": district})
    if user.role == Role.AREA_STAFF and user.area_id_in_scope is not None:
        return Q(**{f"{prefix}area_id": user.area_id_in_scope})
    return _NOTHING


def area_q(user: Any, field: str = "pk") -> Q:
    """Areas (by `field`, their id) the user may see: their own area for area
    staff, their district's areas for other district users, all for the city."""
    if not _signed_in(user):
        return _NOTHING
    if sees_every_district(user):
        return Q()
    if user.role == Role.AREA_STAFF:
        area = user.area_id_in_scope
        if area is None or district_id_of(user) is None:
            return _NOTHING
        return Q(**{field: area})
    district = district_id_of(user)
    if district is None or user.role not in DISTRICT_ROLES:
        return _NOTHING
    lookup = (
        "district_id" if field == "pk" else f"{field.removesuffix('_id')}__district_id"
    )
    return Q(**{lookup: district})


def district_area_ids(user: Any) -> set[int]:
    """The ids of the areas `area_q` lets the user see, read once per user object
    (a request's user), as pages ask several times while they count."""
    cached: set[int] | None = getattr(user, "_keqi_area_ids", None)
    if cached is None:
        cached = set(Area.objects.filter(area_q(user)).values_list("pk", flat=True))
        if user is not None:
            user._keqi_area_ids = cached
    return set(cached)


def can_edit_enterprises(user: Any) -> bool:
    """Whether the user may change registry data at all (within their scope)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role in (Role.HQ_ADMIN, Role.AREA_STAFF))


def area_ids_in_scope(user: Any) -> list[int] | None:
    """The areas a user is limited to within their district, or None for the whole
    district (which `area_q` / `enterprise_q` still confine to the user's district)."""
    if user.is_superuser or user.role != Role.AREA_STAFF:
        return None
    return [user.area_id_in_scope] if user.area_id_in_scope is not None else []


def district_picked(user: Any, code: str) -> District | None:
    """The district `?district=` names, within what the user may see; None when
    not given. Raises LookupError for an unknown one or one out of scope."""
    code = code.strip()
    if not code:
        return None
    found = District.objects.filter(district_q(user, "pk"), code=code).first()
    if found is None:
        raise LookupError(code)
    return found


def district_for(user: Any) -> District | None:
    """The district a new row made by `user` belongs to: their unit's district;
    for the system (None) or a user without one, the only district when the
    install has exactly one (a single-district install), else None."""
    unit = getattr(user, "unit", None) if user is not None else None
    if unit is not None and unit.district_id is not None:
        return unit.district  # type: ignore[no-any-return]
    only = list(District.objects.all()[:2])
    return only[0] if len(only) == 1 else None


def districts_to_pick(user: Any) -> list[District]:
    """The districts a list lets `user` narrow to (``?district=``): every one for
    the city when the install has several; none for a district user (their lists
    are their district's) or in a one-district install."""
    if not sees_every_district(user):
        return []
    found = list(District.objects.all())
    return found if len(found) > 1 else []
