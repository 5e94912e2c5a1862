"""The audit trail is append-only in the database too (issue 13.8).

Makes keqi_refuse() on PostgreSQL, the one function every append-only trigger
calls (see keqi/core/db_guards.py), and guards core_auditevent with it.
"""

from __future__ import annotations

from django.db import migrations

from keqi.core.db_guards import (
    POSTGRES_REFUSE,
    POSTGRES_REFUSE_DROP,
    append_only,
    vendor_sql,
)

MESSAGE = "操作记录只能追加：不能修改或删除"

create, drop = append_only("core_auditevent", MESSAGE)
create["postgresql"].insert(0, POSTGRES_REFUSE)
drop["postgresql"].append(POSTGRES_REFUSE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_generated_report")]

    operations = [migrations.RunPython(*vendor_sql(create, drop))]
