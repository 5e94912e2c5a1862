"""Template context for the city's drill-down: the district a page is narrowed to.

A city user (who sees every district) follows the 区际比较 page's figures with
``?district=<code>``; every page that can be narrowed to one district then keeps
that choice in its own links by appending ``district_query`` (``district=<code>``,
URL-encoded) — empty for everyone else and when no valid district is picked.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.http import urlencode

from keqi.accounts.scopes import district_picked, sees_every_district


def picked_district(request: HttpRequest) -> dict[str, Any]:
    """``district_query``: the query fragment carrying the picked district."""
    code = request.GET.get("district", "")
    user = getattr(request, "user", None)
    if not code or not sees_every_district(user):
        return {"district_query": ""}
    try:
        found = district_picked(user, code)
    except LookupError:
        found = None
    return {"district_query": urlencode({"district": found.code}) if found else ""}
