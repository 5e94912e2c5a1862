"""Seed the default tier ladder and reminder calendar; HQ edits them afterwards."""

import datetime as dt

from django.db import migrations

LADDER = [
    ("科技型中小企业", 1, "tier"),
    ("雏鹰企业", 2, "tier"),
    ("瞪羚企业", 3, "tier"),
    ("科技领军培育企业", 4, "tier"),
    ("科技领军企业", 5, "tier"),
    ("高新技术企业", 1, "mark"),
]

# code, name, audience, kinds, above_scale, due_rule, opens (m, d), due (m, d), basis
REMINDERS = [
    ("high_tech_expiry", "高企证书到期", "holders", ["高新技术企业"], False,
     "valid_until", None, None,
     "证书自颁发之日起有效期三年（国科发火〔2016〕32号）；到期前应完成重新认定"),
    ("high_tech_reapply", "高企重新认定申报（证书到期当年）", "expiring",
     ["高新技术企业"], False, "fixed", (1, 1), (12, 31),
     "证书到期当年须重新申报认定；具体申报截止日以当年通知为准，请在年度日期中设定"),
    ("tech_sme_evaluation", "科技型中小企业年度评价", "previous",
     ["科技型中小企业"], False, "fixed", (1, 1), (10, 31),
     "入库登记编号当年有效，每年须重新评价入库（2019年信息表截止 2019-10-31，国科火字〔2019〕87号）"),
    ("high_tech_annual_report", "高企年度发展情况报表", "holders",
     ["高新技术企业"], False, "fixed", (1, 1), (5, 31),
     "有效期内的高企每年5月底前填报上一年度发展情况报表（条款号待核实）"),
    ("torch_quick", "火炬统计快报", "holders", ["高新技术企业"], False,
     "fixed", (1, 1), (1, 31), "火炬统计调查：1月报送快报"),
    ("torch_annual", "火炬统计年报", "holders", ["高新技术企业"], False,
     "fixed", (3, 1), (3, 31), "火炬统计调查：3月报送年报"),
    ("rd_statistics", "企业研发活动统计报表", "holders", [], True,
     "fixed", (3, 1), (3, 31), "规上企业3月报送上年度研发活动情况统计表"),
]

DATES = [
    ("tech_sme_evaluation", 2019, dt.date(2019, 1, 1), dt.date(2019, 10, 31),
     "国科火字〔2019〕87号：2019年信息表10月31日前提交"),
    ("tech_sme_evaluation", 2026, dt.date(2026, 6, 1), dt.date(2026, 8, 31),
     "工企业函〔2026〕160号：系统开放 2026-06-01 至 2026-08-31"),
]


def seed(apps, schema_editor):
    TierRung = apps.get_model("cultivation", "TierRung")
    ReminderType = apps.get_model("cultivation", "ReminderType")
    ReminderDate = apps.get_model("cultivation", "ReminderDate")
    for kind, position, role in LADDER:
        TierRung.objects.get_or_create(
            kind=kind, defaults={"position": position, "role": role}
        )
    for sort, row in enumerate(REMINDERS):
        code, name, audience, kinds, above, rule, opens, due, basis = row
        ReminderType.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "audience": audience, "kinds": kinds,
                "include_above_scale": above, "due_rule": rule,
                "opens_month": opens[0] if opens else None,
                "opens_day": opens[1] if opens else None,
                "due_month": due[0] if due else None,
                "due_day": due[1] if due else None,
                "basis": basis, "sort": sort,
            },
        )
    for code, year, opens_on, due_on, note in DATES:
        ReminderDate.objects.get_or_create(
            reminder_type=ReminderType.objects.get(code=code),
            year=year,
            defaults={"opens_on": opens_on, "due_on": due_on, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("cultivation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
