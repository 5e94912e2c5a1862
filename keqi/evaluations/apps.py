from __future__ import annotations

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "keqi.evaluations"
    label = "evaluations"
    verbose_name = "评价记录"
    default_auto_field = "django.db.models.BigAutoField"
    demo_module = "keqi.evaluations.demo"

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.evaluations.services import EvaluationAction

        register_action_labels(
            {
                EvaluationAction.RUN_REQUEST: "发起评价",
                EvaluationAction.RUN_FINISH: "评价完成",
                EvaluationAction.RUN_FAIL: "评价出错",
            }
        )
