from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keqi.accounts"
    verbose_name = "机构与账号"

    def ready(self) -> None:
        from keqi.accounts.actions import ACCOUNT_ACTION_LABELS
        from keqi.core.audit import register_action_labels

        register_action_labels(ACCOUNT_ACTION_LABELS)

        from django.contrib.auth.signals import user_logged_in

        from keqi.accounts.middleware import session_start_clock

        user_logged_in.connect(session_start_clock, dispatch_uid="keqi-idle-clock")
