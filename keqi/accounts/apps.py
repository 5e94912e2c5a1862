from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keqi.accounts"
    verbose_name = "机构与账号"

    def ready(self) -> None:
        from keqi.accounts.actions import ACCOUNT_ACTION_LABELS
        from keqi.core.audit import register_action_labels

        register_action_labels(ACCOUNT_ACTION_LABELS)
