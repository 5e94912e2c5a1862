"""Applications are unique per enterprise, rule, year and normalised number.

`evidence_key` is the number as compared: NFKC (full-width → half-width), casefold,
stripped. The partial unique index covers live applications only (not rejected;
registry candidates are unique by qualification already), so 20 parallel posts of
one application make one award, and ＡＢＣ－１ / abc-1 / " ABC-1 " are one number.

Backfill: existing applications get their key. Rows that were already duplicates
(the race this closes) keep a key suffixed with their id so the index can be built;
they stay visible in the award list for someone to reject by hand.
"""

from __future__ import annotations

import unicodedata

from django.db import migrations, models


def _key(number: str) -> str:
    # Frozen copy of keqi.funds.awards.evidence_key as of this migration.
    return unicodedata.normalize("NFKC", number).casefold().strip()


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Award = apps.get_model("funds", "Award")
    seen: set[tuple[int, int, int, str]] = set()
    rows = Award.objects.filter(source="application").order_by("pk")
    for award in rows.iterator():
        key = _key(award.evidence_number)[:240]
        live = award.status != "rejected"
        slot = (award.rule_id, award.enterprise_id, award.year, key)
        if live and slot in seen:
            key = f"{key}#重复{award.pk}"
        elif live:
            seen.add(slot)
        award.evidence_key = key
        award.save(update_fields=["evidence_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0002_append_only_triggers"),
        ("registry", "0002_figures_year_rd_sales_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="award",
            name="evidence_key",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="申请的证书编号经 NFKC 规范化、忽略大小写、去掉首尾空格，用于查重；"
                "企业库生成的候选按依据资质查重，此项为空",
                max_length=255,
                verbose_name="证书编号（比对用）",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="award",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source", "application"))
                & ~models.Q(("status", "rejected")),
                fields=("rule", "enterprise", "year", "evidence_key"),
                name="one_live_application_per_rule_and_evidence",
            ),
        ),
    ]
