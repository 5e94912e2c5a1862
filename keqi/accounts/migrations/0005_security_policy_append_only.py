"""Security policy changes are append-only in the database too: a change is a new
row (the newest per key is in force), so no row is ever edited or deleted, and
the history the security administrator's page shows cannot be rewritten."""

from __future__ import annotations

from django.db import migrations

from keqi.core.db_guards import append_only, vendor_sql

MESSAGE = "安全策略修改记录只能追加：不能修改或删除"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_security_policy"),
        # keqi_refuse() on PostgreSQL
        ("core", "0003_audit_append_only"),
    ]

    operations = [
        migrations.RunPython(
            *vendor_sql(*append_only("accounts_securitypolicy", MESSAGE))
        )
    ]
