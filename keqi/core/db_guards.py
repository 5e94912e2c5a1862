"""Database guards: triggers that refuse changes to rows keqi only ever appends,
and `insert_once` for rows a unique constraint keeps single under concurrency.

The services never edit or delete these rows; the triggers make the database
refuse too, whatever writes to it (a shell, a script, a bug), on SQLite and on
PostgreSQL alike. funds migration 0002 set the pattern for the money ledger; this
module is that pattern made reusable, so later migrations call it rather than
writing their own SQL:

    migrations.RunPython(*vendor_sql(append_only("core_auditevent", MESSAGE)))

On PostgreSQL every refusal goes through one function, `keqi_refuse()` (made by
core migration 0003), which raises the message given as the trigger's argument.

Two things the triggers do not cover, on purpose: PostgreSQL's TRUNCATE (it
needs the table owner, and the test runner empties tables with it), and SQLite
table rebuilds: when a later migration alters one of these tables on SQLite,
Django copies it into a new table and the triggers are lost. The test
keqi/core/tests/test_db_guards.py lists every guarded table and fails if a
trigger is missing after all migrations; re-create it in that migration.

The SQL here is run by migrations, so change it only by adding new functions:
an applied migration must keep producing the same statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

Statements = dict[str, list[str]]

POSTGRES_REFUSE = """CREATE FUNCTION keqi_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"""
POSTGRES_REFUSE_DROP = "DROP FUNCTION IF EXISTS keqi_refuse()"


def append_only(table: str, message: str) -> tuple[Statements, Statements]:
    """(create, drop) statements refusing UPDATE and DELETE on every row of table.

    Trigger names: <table>_no_update and <table>_no_delete on SQLite,
    <table>_no_change on PostgreSQL.
    """
    create = {
        "sqlite": [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        ],
        "postgresql": [
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION keqi_refuse('{message}')"""
        ],
    }
    drop = {
        "sqlite": [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ],
        "postgresql": [f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}"],
    }
    return create, drop


def _runner(statements: Statements) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


def vendor_sql(
    forward: Statements, backward: Statements
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """The (code, reverse_code) pair for migrations.RunPython: each runs the
    statements listed for the connection's vendor (other vendors: nothing)."""
    return _runner(forward), _runner(backward)


def insert_once(row: Model, message: str) -> None:
    """Insert a new row whose uniqueness the database enforces; when a concurrent
    request inserted its twin first, refuse with `message` (Chinese) instead of
    an IntegrityError and a 500. The savepoint keeps the caller's transaction
    usable. Checking first (exists()) is still worth doing for the usual,
    sequential case; this is what makes the check hold under concurrency.
    """
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationError(message) from exc


def flush_lifting_triggers(connection: Any, tables: list[str]) -> list[str]:
    """The statements that empty ``tables`` even where they are append-only.

    Emptying a whole database (a restore into it, a test flush) is not an edit
    of its history. PostgreSQL empties with TRUNCATE, which the triggers leave
    alone; SQLite uses DELETE FROM, which they refuse, so there the flushed
    tables' triggers are dropped, the rows deleted and the triggers re-created,
    all meant to run in one transaction so nothing else ever sees them lifted.
    """
    from django.core.management.color import no_style

    statements = list(
        connection.ops.sql_flush(
            no_style(), tables, reset_sequences=False, allow_cascade=True
        )
    )
    if connection.vendor != "sqlite" or not statements:
        return statements
    return lift_sqlite_triggers(connection, tables, statements)


def lift_sqlite_triggers(
    connection: Any, tables: list[str], statements: list[str]
) -> list[str]:
    """``statements`` between dropping and re-creating the SQLite triggers of
    ``tables`` (see :func:`flush_lifting_triggers`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
        triggers = [(n, sql) for n, t, sql in cursor.fetchall() if t in set(tables)]
    if not triggers:
        return statements
    drops = [f'DROP TRIGGER "{name}"' for name, _ in triggers]
    return [*drops, *statements, *(sql for _, sql in triggers)]
