"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the district this installation serves."""
    return {
        "site_name": "科企 · 科技企业培育管理平台",
        "district": settings.KEQI_DISTRICT,
        "pinned_date": settings.KEQI_BUSINESS_DATE,
    }
