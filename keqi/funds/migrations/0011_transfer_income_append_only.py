"""上级转移支付 income is append-only in the database too: a receipt is never
edited or deleted, a mistake is cancelled by a negative entry naming it
(transfers.transfer_income_correct), so the income the year-end settlement
shows cannot be rewritten by a shell, a script or a bug.

After 0009 (which set existing rows' district with an UPDATE, before the guard)."""

from __future__ import annotations

from django.db import migrations

from keqi.core.db_guards import append_only, vendor_sql

MESSAGE = "上级转移支付收入只能追加：不能修改或删除，登记错了请以更正记录冲减"


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0010_year_close_per_district"),
        # keqi_refuse() on PostgreSQL
        ("core", "0003_audit_append_only"),
    ]

    operations = [
        migrations.RunPython(*vendor_sql(*append_only("funds_transferincome", MESSAGE)))
    ]
