"""Template context for the city's drill-down: the district a page is narrowed to.

A city user (who sees every district) follows the 区际比较 page's figures with
``?district=<code>``; every page that can be narrowed to one district then keeps
that choice in its own links by appending ``district_query`` (``district=<code>``,
URL-encoded) — empty for everyone else and when no valid district is picked.
``city_wide`` tells such a page's labels to say 全市 rather than 全区.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.http import urlencode

from keqi.accounts.scopes import district_picked, sees_every_district


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
