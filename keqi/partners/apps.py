from __future__ import annotations

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "keqi.partners"
    label = "partners"
    verbose_name = "合作与服务"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("合作服务", "partners:index")  # main navigation: label, URL name
    demo_module = "keqi.partners.demo"

    def ready(self) -> None:
        from keqi.campaign.metrics import metric_register
        from keqi.campaign.plan_sections import plan_section_register
        from keqi.core.audit import register_action_labels
        from keqi.partners.facts import venture_facts
        from keqi.partners.institutions import SECTION
        from keqi.partners.metrics import METRIC
        from keqi.partners.services import ACTION_LABELS
        from keqi.registry.facts import facts_contributor_register

        register_action_labels(ACTION_LABELS)
        from keqi.partners.services_plan import ACTION_LABELS as PLAN_ITEM_LABELS

        register_action_labels(PLAN_ITEM_LABELS)
        metric_register(METRIC)
        plan_section_register(SECTION)
        facts_contributor_register("partners.venture", venture_facts)
