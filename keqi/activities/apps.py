from __future__ import annotations

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "keqi.activities"
    label = "activities"
    verbose_name = "活动、平台与人才"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("活动与平台", "activities:index")  # main navigation: label, URL name
    demo_module = "keqi.activities.demo"
    # Before the campaign's demo, so its monthly reports pre-fill these figures.
    demo_before = ("campaign",)

    def ready(self) -> None:
        from keqi.activities.metrics import metrics_register
        from keqi.activities.services import ACTION_LABELS
        from keqi.core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
        metrics_register()
