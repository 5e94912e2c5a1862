from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "keqi.registry"
    verbose_name = "企业库"
    nav = ("企业库", "registry:enterprise_list")  # main navigation: label, URL name
