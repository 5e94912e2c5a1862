from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "keqi.api"
    label = "api"
    verbose_name = "数据接口"
    nav = ("数据接口", "api:docs")  # main navigation: label, URL name
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keqi.api.services import ACTION_LABELS
        from keqi.core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
