from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keqi.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.core.reports import REPORT_KEEP

        register_action_labels({REPORT_KEEP: "保存已生成的报告"})
