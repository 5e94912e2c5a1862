"""The database itself refuses to rewrite history: the audit trail, awards, budget
overruns, the money ledger, closed years' ratios and year closes.

SQLite pitfall: a migration that alters one of these tables rebuilds it on SQLite
and silently drops its triggers. test_every_guarded_table_keeps_its_triggers
fails when that happens; re-create the triggers in that migration.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from keqi.accounts.models import Area
from keqi.core import audit
from keqi.core.db_guards import insert_once
from keqi.core.models import AuditEvent
from keqi.core.testing import persona

pytestmark = pytest.mark.django_db

# Every trigger keqi relies on, per table, as named on each database.
GUARDS = {
    "sqlite": {
        "accounts_securitypolicy": {
            "accounts_securitypolicy_no_update",
            "accounts_securitypolicy_no_delete",
        },
        "core_auditevent": {"core_auditevent_no_update", "core_auditevent_no_delete"},
        "funds_award": {
            "funds_award_frozen",
            "funds_award_final",
            "funds_award_no_delete",
        },
        "funds_budgetoverrun": {
            "funds_budgetoverrun_no_update",
            "funds_budgetoverrun_no_delete",
        },
        "funds_ledgerentry": {
            "funds_ledger_no_update",
            "funds_ledger_no_delete",
            "funds_ledger_closed_year",
        },
        "funds_settlementratio": {
            "funds_ratio_closed_insert",
            "funds_ratio_closed_update",
            "funds_ratio_closed_delete",
        },
        "funds_transferincome": {
            "funds_transferincome_no_update",
            "funds_transferincome_no_delete",
        },
        "funds_yearclose": {"funds_close_no_update", "funds_close_no_delete"},
    },
    "postgresql": {
        "accounts_securitypolicy": {"accounts_securitypolicy_no_change"},
        "core_auditevent": {"core_auditevent_no_change"},
        "funds_award": {"funds_award_guard", "funds_award_no_delete"},
        "funds_budgetoverrun": {"funds_budgetoverrun_no_change"},
        "funds_ledgerentry": {"funds_ledger_no_change", "funds_ledger_closed_year"},
        "funds_settlementratio": {"funds_ratio_closed_year"},
        "funds_transferincome": {"funds_transferincome_no_change"},
        "funds_yearclose": {"funds_close_final"},
    },
}
FOUND = {
    "sqlite": "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": """SELECT c.relname, t.tgname FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal""",
}


def missing_triggers() -> dict[str, set[str]]:
    """Per guarded table, the triggers of GUARDS the database does not have."""
    with connection.cursor() as cursor:
        cursor.execute(FOUND[connection.vendor])
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    missing = {
        table: names - found.get(table, set())
        for table, names in GUARDS[connection.vendor].items()
    }
    return {table: names for table, names in missing.items() if names}


def test_every_guarded_table_keeps_its_triggers_after_all_migrations() -> None:
    assert missing_triggers() == {}, "缺少触发器（迁移在 SQLite 上重建了表？）"


def refused(sql: str, *params: object) -> str:
    """The database's message refusing the statement (which changes nothing)."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(caught.value)


def test_the_database_refuses_to_edit_or_delete_an_audit_event() -> None:
    persona("hq")
    event = audit.record(
        actor=None, action="test.action", target=Area.objects.order_by("pk")[0]
    )
    update = "UPDATE core_auditevent SET reason = 'x' WHERE id = %s"
    assert "操作记录只能追加" in refused(update, event.pk)
    assert "操作记录只能追加" in refused(
        "DELETE FROM core_auditevent WHERE id = %s", event.pk
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_insert_once_turns_a_lost_race_into_the_message_and_carries_on() -> None:
    persona("hq")
    area = Area.objects.order_by("pk")[0]
    twin = Area(code=area.code, name=f"{area.name}（重复）", kind=area.kind)
    with transaction.atomic():
        with pytest.raises(ValidationError, match="刚由他人录入"):
            insert_once(twin, "刚由他人录入")
        assert Area.objects.filter(code=area.code).count() == 1  # still usable
