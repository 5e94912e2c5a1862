"""The award list's full download (13 000+ awards a year at a city's volume),
declared for keqi.core.downloads: at once when short, by the worker when long."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404

from keqi.core.downloads import Prepared, downloadable, list_prepared
from keqi.core.query import whole_number
from keqi.funds.exports import awards_export


@downloadable("funds.awards")
def awards(user: Any, params: Mapping[str, str]) -> Prepared:
    """Every award of the year the list's filters select (the view has checked
    the year and passes it)."""
    from keqi.funds.views import award_filters

    year = whole_number(params.get("year", ""), digits=4)
    if year is None:
        raise Http404("年度应为四位数字，如 2019")
    rows, chosen = award_filters(params, user, year)
    return list_prepared(awards_export(rows, chosen), user, rows.count())
