from __future__ import annotations

from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "keqi.criteria"
    label = "criteria"
    verbose_name = "评价规则"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("评价规则", "criteria:index")  # main navigation: label, URL name
    demo_module = "keqi.criteria.demo"

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.criteria.services import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
