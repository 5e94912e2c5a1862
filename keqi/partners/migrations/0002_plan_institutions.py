"""The universities and institutes the 2019 plan names (工作措施第6条), pre-filled.

Names as the plan writes them are kept as 简称; 清华信研学院 is kept exactly as
the plan calls it because its full name could not be checked.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PLAN_TEXT = "实施方案工作措施第6条点名"
NAMED = [
    ("中国科学院", "中科院", "科研院所", "北京市", "重点对接的国家级科研院所"),
    ("清华大学", "清华", "高校", "北京市", "重点对接的国家级科研院所"),
    ("北京大学", "北大", "高校", "北京市", "重点对接的国家级科研院所"),
    ("中国科学院电工研究所", "中科院电工所", "科研院所", "北京市", "推动项目落户"),
    ("清华信研学院", "清华信研学院", "科研院所", "", "推动项目落户（全称待核实）"),
    ("中国科学院北京分院", "中科院北京分院", "科研院所", "北京市", "深入推进合作"),
]


def add_named(apps: Any, schema_editor: Any) -> None:
    Institution = apps.get_model("partners", "Institution")
    for name, short, kind, region, why in NAMED:
        Institution.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "region": region,
                "named_in_plan": True,
                "note": f"{PLAN_TEXT}：{why}",
            },
        )


def remove_named(apps: Any, schema_editor: Any) -> None:
    Institution = apps.get_model("partners", "Institution")
    Institution.objects.filter(
        name__in=[n[0] for n in NAMED], unit__isnull=True, projects__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(add_named, remove_named)]
