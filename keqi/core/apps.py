from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keqi.core"
    verbose_name = "公共"
