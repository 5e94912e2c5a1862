"""Each district its own tier ladder and reminder calendar (issue 17).

`TierRung` and `ReminderType` gain their district (a `ReminderDate` is its
type's, so its district's too); the kind of a rung and the code of a type are
unique per district.

Existing rows: each district starts with the settings it reads today. The first
district (by its order) keeps the rows; every other district gets a copy of the
ladder, of each reminder type and of its year dates, and the marks of done
(`ReminderDone`) of its enterprises move to its own copy of their type. An
install without any district (a database only just made: `keqi init` loads the
district, which then gets the defaults) has no enterprise to remind, so its
seeded rows go.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

TIER_CHOICES = [
    ("高新技术企业", "高新技术企业"),
    ("科技型中小企业", "科技型中小企业"),
    ("雏鹰企业", "雏鹰企业"),
    ("瞪羚企业", "瞪羚企业"),
    ("科技领军企业", "科技领军企业"),
    ("科技领军培育企业", "科技领军培育企业"),
    ("技术领先型企业", "技术领先型企业"),
    ("专精特新中小企业", "专精特新中小企业"),
    ("专精特新“小巨人”企业", "专精特新“小巨人”企业"),
    ("创新型中小企业", "创新型中小企业"),
    ("企业技术中心", "企业技术中心"),
    ("重点实验室", "重点实验室"),
    ("工程研究中心", "工程研究中心"),
    ("技术创新中心", "技术创新中心"),
    ("制造业创新中心", "制造业创新中心"),
    ("产业创新中心", "产业创新中心"),
    ("科技奖励", "科技奖励"),
    ("创新创业大赛", "创新创业大赛"),
    ("主导制定标准", "主导制定标准"),
    ("参与制定标准", "参与制定标准"),
    ("研发机构", "研发机构"),
    ("软件企业证书", "软件企业证书"),
    ("软件产品证书", "软件产品证书"),
    ("科技计划项目", "科技计划项目"),
    ("创业投资", "创业投资"),
    ("股份制改造", "股份制改造"),
    ("挂牌", "挂牌"),
    ("上市", "上市"),
]
RUNG_FIELDS = ("kind", "position", "role")
TYPE_FIELDS = (
    "code",
    "name",
    "audience",
    "kinds",
    "include_above_scale",
    "due_rule",
    "opens_month",
    "opens_day",
    "due_month",
    "due_day",
    "basis",
    "enabled",
    "sort",
)
DATE_FIELDS = ("year", "opens_on", "due_on", "note")


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _checks_now(schema_editor: Any) -> None:
    """PostgreSQL checks foreign keys at commit; a column cannot be altered
    while those checks wait, so run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED", params=None)


def settings_to_districts(apps: Any, schema_editor: Any) -> None:
    District = apps.get_model("accounts", "District")
    TierRung = apps.get_model("cultivation", "TierRung")
    ReminderType = apps.get_model("cultivation", "ReminderType")
    ReminderDate = apps.get_model("cultivation", "ReminderDate")
    ReminderDone = apps.get_model("cultivation", "ReminderDone")
    districts = list(District.objects.order_by("sort", "pk"))
    if not districts:
        ReminderType.objects.all().delete()  # its dates and marks with it
        TierRung.objects.all().delete()
        _checks_now(schema_editor)
        return
    first, others = districts[0], districts[1:]
    rungs = list(TierRung.objects.order_by("pk"))
    types = list(ReminderType.objects.order_by("pk"))
    TierRung.objects.update(district=first)
    ReminderType.objects.update(district=first)
    for district in others:
        TierRung.objects.bulk_create(
            TierRung(district=district, **_values(r, RUNG_FIELDS)) for r in rungs
        )
        for old in types:
            new = ReminderType.objects.create(
                district=district, **_values(old, TYPE_FIELDS)
            )
            ReminderDate.objects.bulk_create(
                ReminderDate(reminder_type=new, **_values(d, DATE_FIELDS))
                for d in ReminderDate.objects.filter(reminder_type=old)
            )
            ReminderDone.objects.filter(
                reminder_type=old, enterprise__area__district=district
            ).update(reminder_type=new)
    _checks_now(schema_editor)


def settings_back(apps: Any, schema_editor: Any) -> None:
    """One calendar and ladder again: the first district's (the marks of done
    of every district's enterprises back on its types)."""
    District = apps.get_model("accounts", "District")
    TierRung = apps.get_model("cultivation", "TierRung")
    ReminderType = apps.get_model("cultivation", "ReminderType")
    ReminderDone = apps.get_model("cultivation", "ReminderDone")
    first = District.objects.order_by("sort", "pk").first()
    if first is None:
        return
    kept = {t.code: t for t in ReminderType.objects.filter(district=first)}
    for other in ReminderType.objects.exclude(district=first):
        if other.code in kept:
            ReminderDone.objects.filter(reminder_type=other).update(
                reminder_type=kept[other.code]
            )
    ReminderType.objects.exclude(district=first).delete()
    TierRung.objects.exclude(district=first).delete()
    _checks_now(schema_editor)


def _district(null: bool, related_name: str) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="accounts.district",
        verbose_name="所属区",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_district"),
        ("cultivation", "0003_reserve_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="tierrung",
            name="district",
            field=_district(True, "tier_rungs"),
        ),
        migrations.AddField(
            model_name="remindertype",
            name="district",
            field=_district(True, "reminder_types"),
        ),
        migrations.AlterField(
            model_name="tierrung",
            name="kind",
            field=models.CharField(
                choices=TIER_CHOICES,
                max_length=20,
                verbose_name="资质类型",
            ),
        ),
        migrations.AlterField(
            model_name="remindertype",
            name="code",
            field=models.SlugField(max_length=40, verbose_name="代码"),
        ),
        migrations.RunPython(settings_to_districts, settings_back),
        migrations.AlterField(
            model_name="tierrung",
            name="district",
            field=_district(False, "tier_rungs"),
        ),
        migrations.AlterField(
            model_name="remindertype",
            name="district",
            field=_district(False, "reminder_types"),
        ),
        migrations.AddConstraint(
            model_name="tierrung",
            constraint=models.UniqueConstraint(
                fields=("district", "kind"), name="one_rung_per_district_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="remindertype",
            constraint=models.UniqueConstraint(
                fields=("district", "code"), name="one_reminder_type_per_district"
            ),
        ),
        migrations.AlterModelOptions(
            name="tierrung",
            options={
                "ordering": ["district", "role", "position"],
                "verbose_name": "梯度层级",
                "verbose_name_plural": "梯度层级",
            },
        ),
        migrations.AlterModelOptions(
            name="remindertype",
            options={
                "ordering": ["district", "sort", "code"],
                "verbose_name": "提醒事项",
                "verbose_name_plural": "提醒事项",
            },
        ),
    ]
