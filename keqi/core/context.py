"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the district this installation serves."""
    return {
        "site_name": "科企 · 科技企业群体规模壮大攻坚行动管理平台",
        "district": settings.KEQI_DISTRICT,
        "pinned_date": settings.KEQI_BUSINESS_DATE,
        "main_nav": main_nav(),
    }


def main_nav() -> list[dict[str, str]]:
    """The top navigation: every app whose AppConfig declares ``nav = (label, url)``.

    Apps appear in INSTALLED_APPS order; one whose page is not wired yet is left out
    rather than breaking every page.
    """
    items = []
    for config in apps.get_app_configs():
        nav = getattr(config, "nav", None)
        if not nav:
            continue
        label, url_name = nav
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "app": url_name.split(":")[0]})
    return items
