"""Districts: one install may serve several districts and a city bureau.

Existing installs keep working unchanged: when areas or units exist, one district
is made from `KEQI_DISTRICT` (its district file gives the name and 重点产业, else
the code stands in) and every existing area and unit is put in it. The finance
bureau was the unit with code `czj` in the code; that unit keeps the right through
the new `Unit.is_finance` flag, which district files now name (`finance_unit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.db.models.deletion
import yaml
from django.conf import settings
from django.db import migrations, models

# The 重点产业 list that was fixed in the registry model's choices until now.
FORMER_KEY_INDUSTRIES = ["新能源新材料", "高端装备制造", "人工智能", "生物医药", "其他"]
FORMER_FINANCE_UNIT_CODE = "czj"


def _district_file(code: str) -> dict[str, Any]:
    path = Path(code)
    if not path.suffix:
        path = Path(__file__).resolve().parent.parent / "districts" / f"{code}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def default_district(apps: Any, schema_editor: Any) -> None:
    Area = apps.get_model("accounts", "Area")
    Unit = apps.get_model("accounts", "Unit")
    District = apps.get_model("accounts", "District")
    if not Area.objects.exists() and not Unit.objects.exists():
        return  # a new install: `keqi init` loads the district from its file
    setting = str(getattr(settings, "KEQI_DISTRICT", "") or "baodi")
    config = _district_file(setting)
    code = str(config.get("code") or Path(setting).stem or "default")
    district = District.objects.create(
        code=code,
        name=str(config.get("district") or code),
        key_industries=config.get("key_industries") or FORMER_KEY_INDUSTRIES,
    )
    Area.objects.update(district=district)
    Unit.objects.update(district=district)
    Unit.objects.filter(code=FORMER_FINANCE_UNIT_CODE, kind="member").update(
        is_finance=True
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_security_policy_append_only")]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="代码")),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="名称")),
                (
                    "key_industries",
                    models.JSONField(blank=True, default=list, verbose_name="重点产业"),
                ),
                ("sort", models.PositiveIntegerField(default=0, verbose_name="排序")),
            ],
            options={
                "verbose_name": "区",
                "verbose_name_plural": "区",
                "ordering": ["sort", "code"],
            },
        ),
        migrations.AddField(
            model_name="area",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="areas",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="district",
            field=models.ForeignKey(
                blank=True,
                help_text="市级单位为空",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="is_finance",
            field=models.BooleanField(
                default=False,
                help_text="由区配置文件指定的区财政部门，可登记拨付、设定分担比例和年度结算",
                verbose_name="区财政部门",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="kind",
            field=models.CharField(
                choices=[
                    ("hq", "指挥部办公室"),
                    ("member", "成员单位"),
                    ("area", "街镇/园区"),
                    ("city", "市级单位"),
                ],
                max_length=10,
                verbose_name="类型",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("hq_admin", "指挥部管理员"),
                    ("member", "成员单位"),
                    ("area_staff", "街镇/园区工作人员"),
                    ("leader", "领导（只读）"),
                    ("auditor", "审计（只读）"),
                    ("city", "市级（只读）"),
                    ("sys_admin", "系统管理员"),
                    ("sec_admin", "安全管理员"),
                    ("audit_admin", "安全审计员"),
                ],
                default="leader",
                max_length=20,
                verbose_name="角色",
            ),
        ),
        migrations.RunPython(default_district, migrations.RunPython.noop),
    ]
