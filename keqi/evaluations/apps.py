from __future__ import annotations

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "keqi.evaluations"
    label = "evaluations"
    verbose_name = "评价记录"
    default_auto_field = "django.db.models.BigAutoField"
