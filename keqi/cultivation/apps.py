from __future__ import annotations

from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "keqi.cultivation"
    verbose_name = "梯度培育"
