from __future__ import annotations

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "keqi.partners"
    label = "partners"
    verbose_name = "合作与服务"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("合作服务", "partners:index")  # main navigation: label, URL name
