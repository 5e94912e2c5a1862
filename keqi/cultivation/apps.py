from __future__ import annotations

from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "keqi.cultivation"
    verbose_name = "梯度培育"
    nav = ("梯度培育", "cultivation:overview")  # main navigation: label, URL name

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.cultivation.services import CultivationAction

        register_action_labels(
            {
                CultivationAction.TIER_LADDER_SET: "调整梯度顺序",
                CultivationAction.REMINDER_COMPLETE: "提醒事项办结",
                CultivationAction.REMINDER_REOPEN: "提醒事项重新打开",
                CultivationAction.REMINDER_DATE_SET: "设置年度提醒日期",
            }
        )
