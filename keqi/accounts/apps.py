from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keqi.accounts"
    verbose_name = "机构与账号"
