"""A year is closed per district (issue 17): Baodi closing 2019 leaves 示范区's
2019 open. `YearClose` gains its district, one close per (district, year), and the
database guards that refuse entries and ratio changes in a closed year now look
at the district of the row's area.

Existing closes: on a one-district install each goes to that district. Where
several districts already exist, a close so far froze the year for all of them,
so it becomes one close per district, each keeping its own areas' part of the
snapshot (nothing reopens). The triggers of 0002 are dropped first (they refuse
any change to a close, and SQLite drops a table's triggers when a migration
rebuilds it) and made anew, by the same names, at the end.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

CLOSED = "该年度已结算关账，不能再记入分录或修改结算比例"
CLOSE_FINAL = "年度关账记录不能修改或删除"

# The year's closes of the area's district.
_SQLITE_CLOSED = """EXISTS (SELECT 1 FROM funds_yearclose c
    JOIN accounts_area a ON a.district_id = c.district_id
    WHERE a.id = {area} AND c.year = {year})"""
_LEDGER_YEAR = "CAST(strftime('%Y', NEW.entry_date) AS INTEGER)"

SQLITE_OLD = [
    "funds_ledger_closed_year",
    "funds_ratio_closed_insert",
    "funds_ratio_closed_update",
    "funds_ratio_closed_delete",
    "funds_close_no_update",
    "funds_close_no_delete",
]


def _sqlite_closed(area: str, year: str) -> str:
    return _SQLITE_CLOSED.format(area=area, year=year)


SQLITE_NEW = [
    f"""CREATE TRIGGER funds_ledger_closed_year BEFORE INSERT ON funds_ledgerentry
    WHEN {_sqlite_closed("NEW.area_id", _LEDGER_YEAR)}
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_insert BEFORE INSERT ON funds_settlementratio
    WHEN {_sqlite_closed("NEW.area_id", "NEW.year")}
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_update BEFORE UPDATE ON funds_settlementratio
    WHEN {_sqlite_closed("OLD.area_id", "OLD.year")}
      OR {_sqlite_closed("NEW.area_id", "NEW.year")}
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_ratio_closed_delete BEFORE DELETE ON funds_settlementratio
    WHEN {_sqlite_closed("OLD.area_id", "OLD.year")}
    BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END""",
    f"""CREATE TRIGGER funds_close_no_update BEFORE UPDATE ON funds_yearclose
    BEGIN SELECT RAISE(ABORT, '{CLOSE_FINAL}'); END""",
    f"""CREATE TRIGGER funds_close_no_delete BEFORE DELETE ON funds_yearclose
    BEGIN SELECT RAISE(ABORT, '{CLOSE_FINAL}'); END""",
]

# 0002's definitions, for going back.
SQLITE_BACK = [
    f"""CREATE TRIGGER funds_ledger_closed_year BEFORE INSERT ON funds_ledgerentry
    WHEN EXISTS (SELECT 1 FROM funds_yearclose WHERE year = {_LEDGER_YEAR})
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
    SQLITE_NEW[4],
    SQLITE_NEW[5],
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS funds_close_final ON funds_yearclose",
    "DROP TRIGGER IF EXISTS funds_ratio_closed_year ON funds_settlementratio",
    "DROP TRIGGER IF EXISTS funds_ledger_closed_year ON funds_ledgerentry",
]
_PG_CLOSED = """EXISTS (SELECT 1 FROM funds_yearclose c
    JOIN accounts_area a ON a.district_id = c.district_id
    WHERE a.id = {area} AND c.year = {year})"""
_PG_CLOSED_ALL = "EXISTS (SELECT 1 FROM funds_yearclose WHERE year = {year})"


def _postgres(closed: str) -> list[str]:
    """The guard functions (replaced) and triggers, with `closed` the test."""
    ledger = closed.format(area="NEW.area_id", year="EXTRACT(YEAR FROM NEW.entry_date)")
    old = closed.format(area="OLD.area_id", year="OLD.year")
    new = closed.format(area="NEW.area_id", year="NEW.year")
    return [
        f"""CREATE OR REPLACE FUNCTION funds_ledger_closed_year() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF {ledger} THEN RAISE EXCEPTION '{CLOSED}'; END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION funds_ratio_closed_year() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF (TG_OP <> 'INSERT' AND {old}) OR (TG_OP <> 'DELETE' AND {new}) THEN
            RAISE EXCEPTION '{CLOSED}';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
        """CREATE TRIGGER funds_ledger_closed_year BEFORE INSERT ON funds_ledgerentry
        FOR EACH ROW EXECUTE FUNCTION funds_ledger_closed_year()""",
        """CREATE TRIGGER funds_ratio_closed_year BEFORE INSERT OR UPDATE OR DELETE
        ON funds_settlementratio FOR EACH ROW EXECUTE FUNCTION funds_ratio_closed_year()""",
        f"""CREATE TRIGGER funds_close_final BEFORE UPDATE OR DELETE ON funds_yearclose
        FOR EACH ROW EXECUTE FUNCTION funds_refuse('{CLOSE_FINAL}')""",
    ]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_OLD]
GUARDS_OFF = _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})
GUARDS_ON = _run({"sqlite": SQLITE_NEW, "postgresql": _postgres(_PG_CLOSED)})
GUARDS_BACK = _run({"sqlite": SQLITE_BACK, "postgresql": _postgres(_PG_CLOSED_ALL)})


def _total(areas: dict[str, dict[str, str]]) -> str:
    return str(sum((Decimal(f["total"]) for f in areas.values()), Decimal("0.00")))


def closes_to_districts(apps: Any, schema_editor: Any) -> None:
    """Each existing close to its district (one per district where there are
    several, each with its own areas' figures)."""
    District = apps.get_model("accounts", "District")
    Area = apps.get_model("accounts", "Area")
    YearClose = apps.get_model("funds", "YearClose")
    districts = list(District.objects.order_by("sort", "pk"))
    closes = list(YearClose.objects.filter(district__isnull=True).order_by("pk"))
    if not closes:
        return
    if not districts:  # no district means no area: nothing was ever settled
        YearClose.objects.filter(pk__in=[c.pk for c in closes]).delete()
        return
    if len(districts) == 1:
        YearClose.objects.filter(district__isnull=True).update(district=districts[0])
        _checks_now(schema_editor)
        return
    area_district = dict(Area.objects.values_list("code", "district_id"))
    for close in closes:
        kept = dict(close.snapshot.get("areas", {}))
        for index, district in enumerate(districts):
            own = {
                code: figures
                for code, figures in kept.items()
                if area_district.get(code) == district.pk
            }
            snapshot = {"areas": own, "total": _total(own)}
            if index == 0:
                close.district, close.snapshot = district, snapshot
                close.save(update_fields=["district", "snapshot"])
            else:
                YearClose.objects.create(
                    district=district,
                    year=close.year,
                    closed_by=close.closed_by,
                    snapshot=snapshot,
                )
    _checks_now(schema_editor)


def _checks_now(schema_editor: Any) -> None:
    """PostgreSQL checks foreign keys at commit; the column cannot be altered
    while those checks wait, so run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_district"),
        ("funds", "0009_transfer_income_district"),
    ]

    operations = [
        migrations.RunPython(GUARDS_OFF, GUARDS_BACK),
        migrations.AddField(
            model_name="yearclose",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.AlterField(
            model_name="yearclose",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="年度"),
        ),
        migrations.RunPython(closes_to_districts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="yearclose",
            name="district",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.AddConstraint(
            model_name="yearclose",
            constraint=models.UniqueConstraint(
                fields=("district", "year"), name="one_close_per_district_year"
            ),
        ),
        migrations.AlterModelOptions(
            name="yearclose",
            options={
                "ordering": ["-year", "district__sort", "district_id"],
                "verbose_name": "年度结算关账",
                "verbose_name_plural": "年度结算关账",
            },
        ),
        migrations.RunPython(GUARDS_ON, GUARDS_OFF),
    ]
