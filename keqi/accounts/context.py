"""Template context for the city's drill-down: the district a page is narrowed to.

A city user (who sees every district) follows the 区际比较 page's figures with
``?district=<code>``; every page that can be narrowed to one district then keeps
that choice in its own links by appending ``district_query`` (``district=<code>``,
URL-encoded) — empty for everyone else and when no valid district is picked.
``city_wide`` tells such a page's labels to say 全市 rather than 全区.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.http import urlencode

from keqi.accounts.models import District
from keqi.accounts.scopes import (
    district_picked,
    districts_to_pick,
    sees_every_district,
)


def picked_district(request: HttpRequest) -> dict[str, Any]:
    """``district_query``: the query fragment carrying the picked district;
    ``city_wide``: the page shows every district at once (a city user who has
    picked none), so its totals are 全市, not 全区."""
    code = request.GET.get("district", "")
    user = getattr(request, "user", None)
    every = sees_every_district(user)
    if not code or not every:
        return {"district_query": "", "city_wide": every}
    try:
        found = district_picked(user, code)
    except LookupError:
        found = None
    return {
        "district_query": urlencode({"district": found.code}) if found else "",
        "city_wide": found is None,
    }


@dataclass(frozen=True)
class DistrictChoice:
    """A list's district: the one picked (``?district=``), the ones offered to
    pick from (the city's, with several districts), and whether the rows mix
    districts (then each row names its 区)."""

    picked: District | None
    offered: list[District]

    @property
    def mixed(self) -> bool:
        return bool(self.offered) and self.picked is None

    @property
    def picked_id(self) -> int | None:
        return self.picked.pk if self.picked is not None else None

    def context(self) -> dict[str, Any]:
        """``district``, ``districts`` (for ``accounts/_district_select.html``)
        and ``show_district`` (the 区 column)."""
        return {
            "district": self.picked,
            "districts": self.offered,
            "show_district": self.mixed,
        }


def district_choice(request: HttpRequest) -> DistrictChoice:
    """The district choice of a list page; 404 for an unknown district or one
    outside the user's scope (a district user naming another district)."""
    user = getattr(request, "user", None)
    try:
        picked = district_picked(user, request.GET.get("district", ""))
    except LookupError:
        raise Http404("该区不存在或不在您的管辖范围内") from None
    return DistrictChoice(picked, districts_to_pick(user))
