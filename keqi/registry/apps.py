from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "keqi.registry"
    verbose_name = "企业库"
