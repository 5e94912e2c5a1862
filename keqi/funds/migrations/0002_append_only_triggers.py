"""Database guards for the money: the ledger is append-only, closed years are frozen.

The services already refuse these changes with Chinese messages; the triggers make
the database refuse them too, whatever writes to it (a shell, a script, a bug).
Note for later migrations: on SQLite, altering one of these tables rebuilds it and
drops its triggers; test_ledger_db_guards fails if that happens.
"""

from __future__ import annotations

from django.db import migrations

NO_CHANGE = "资金台账只能追加：分录不能修改或删除，更正请做冲销分录"
CLOSED = "该年度已结算关账，不能再记入分录或修改结算比例"
CLOSE_FINAL = "年度关账记录不能修改或删除"

SQLITE = [
    f"""CREATE TRIGGER funds_ledger_no_update BEFORE UPDATE ON funds_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{NO_CHANGE}'); END""",
    f"""CREATE TRIGGER funds_ledger_no_delete BEFORE DELETE ON funds_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{NO_CHANGE}'); END""",
    f"""CREATE TRIGGER funds_ledger_closed_year BEFORE INSERT ON funds_ledgerentry
    WHEN EXISTS (SELECT 1 FROM funds_yearclose
                 WHERE year = CAST(strftime('%Y', NEW.entry_date) AS INTEGER))
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_insert BEFORE INSERT ON funds_settlementratio
    WHEN EXISTS (SELECT 1 FROM funds_yearclose WHERE year = NEW.year)
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_update BEFORE UPDATE ON funds_settlementratio
    WHEN EXISTS (SELECT 1 FROM funds_yearclose WHERE year IN (OLD.year, NEW.year))
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_delete BEFORE DELETE ON funds_settlementratio
    WHEN EXISTS (SELECT 1 FROM funds_yearclose WHERE year = OLD.year)
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_close_no_update BEFORE UPDATE ON funds_yearclose
    BEGIN SELECT RAISE(ABORT, '{CLOSE_FINAL}'); END""",
    f"""CREATE TRIGGER funds_close_no_delete BEFORE DELETE ON funds_yearclose
    BEGIN SELECT RAISE(ABORT, '{CLOSE_FINAL}'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "funds_ledger_no_update",
        "funds_ledger_no_delete",
        "funds_ledger_closed_year",
        "funds_ratio_closed_insert",
        "funds_ratio_closed_update",
        "funds_ratio_closed_delete",
        "funds_close_no_update",
        "funds_close_no_delete",
    )
]

POSTGRES = [
    """CREATE FUNCTION funds_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$""",
    f"""CREATE FUNCTION funds_ledger_closed_year() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM funds_yearclose
                 WHERE year = EXTRACT(YEAR FROM NEW.entry_date)) THEN
        RAISE EXCEPTION '{CLOSED}';
      END IF;
      RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION funds_ratio_closed_year() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM funds_yearclose
                                        WHERE year = OLD.year))
         OR (TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM funds_yearclose
                                           WHERE year = NEW.year)) THEN
        RAISE EXCEPTION '{CLOSED}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""",
    f"""CREATE TRIGGER funds_ledger_no_change BEFORE UPDATE OR DELETE
    ON funds_ledgerentry FOR EACH ROW EXECUTE FUNCTION funds_refuse('{NO_CHANGE}')""",
    """CREATE TRIGGER funds_ledger_closed_year BEFORE INSERT ON funds_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funds_ledger_closed_year()""",
    """CREATE TRIGGER funds_ratio_closed_year BEFORE INSERT OR UPDATE OR DELETE
    ON funds_settlementratio FOR EACH ROW EXECUTE FUNCTION funds_ratio_closed_year()""",
    f"""CREATE TRIGGER funds_close_final BEFORE UPDATE OR DELETE ON funds_yearclose
    FOR EACH ROW EXECUTE FUNCTION funds_refuse('{CLOSE_FINAL}')""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS funds_close_final ON funds_yearclose",
    "DROP TRIGGER IF EXISTS funds_ratio_closed_year ON funds_settlementratio",
    "DROP TRIGGER IF EXISTS funds_ledger_closed_year ON funds_ledgerentry",
    "DROP TRIGGER IF EXISTS funds_ledger_no_change ON funds_ledgerentry",
    "DROP FUNCTION IF EXISTS funds_ratio_closed_year()",
    "DROP FUNCTION IF EXISTS funds_ledger_closed_year()",
    "DROP FUNCTION IF EXISTS funds_refuse()",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
