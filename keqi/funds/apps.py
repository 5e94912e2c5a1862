from __future__ import annotations

from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "keqi.funds"
    label = "funds"
    verbose_name = "资金奖补"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("资金奖补", "funds:index")  # main navigation: label, URL name
    demo_module = "keqi.funds.demo"  # `keqi demo`: rules, awards, payments, settlement

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.funds.actions import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
        from keqi.funds.transfers import ACTION_LABELS as TRANSFER_LABELS

        register_action_labels(TRANSFER_LABELS)
