from __future__ import annotations

from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "keqi.campaign"
    label = "campaign"
    verbose_name = "攻坚行动指挥部"
    nav = ("攻坚指挥部", "campaign:board")  # main navigation: label, URL name
    demo_module = "keqi.campaign.demo"  # `keqi demo`: the plan, reports, meetings
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keqi.campaign.services import ACTION_LABELS
        from keqi.core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
        from keqi.campaign.organisation import ACTION_LABELS as ORGANISATION_LABELS

        register_action_labels(ORGANISATION_LABELS)
