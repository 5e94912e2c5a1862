from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "keqi.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("驾驶舱", "dashboard:index")  # main navigation: label, URL name
