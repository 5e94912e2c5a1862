from __future__ import annotations

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "keqi.products"
    label = "products"
    verbose_name = "产品与转型"
    default_auto_field = "django.db.models.BigAutoField"
    nav = ("产品与转型", "products:index")  # main navigation: label, URL name
    demo_module = "keqi.products.demo"
    # Before the campaign's demo, so its monthly reports pre-fill these counts.
    demo_before = ("campaign",)

    def ready(self) -> None:
        from keqi.core.audit import register_action_labels
        from keqi.products.metrics import metrics_register
        from keqi.products.services import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
        metrics_register()
