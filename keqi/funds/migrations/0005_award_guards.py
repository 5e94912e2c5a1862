"""Awards and budget overruns in the database keep what was decided (issue 13.8).

An award row moves through its flow by updating `status` (and, on the way,
`notice`, `rejected_step`, `rejected_reason`); everything else on it is what was
decided when it was made, and the database now refuses to change that:

- never changed: id, rule, enterprise, year, source, the evidence (kind, level,
  number, key, date, note), amount, the basis clause, created_at;
- `qualification` may only become empty (the registry row it points at was
  deleted: on_delete=SET_NULL); the evidence copied onto the award stays;
- `notice` is set once; a rejected award (不予奖励) is final, which is also what
  lets a rejected application's number be applied for again (see 0003);
- no award is ever deleted.

Its history (who moved it, when, why) is in the append-only audit trail. A budget
overrun row is append-only outright. Same mechanism as the ledger (0002) through
keqi.core.db_guards; on PostgreSQL the refusals use keqi_refuse() (core 0003).
"""

from __future__ import annotations

from django.db import migrations

from keqi.core.db_guards import append_only, vendor_sql

FROZEN = (
    "奖励生成后，其规则、企业、年度、来源、证书信息、金额、依据条款和生成时间不能修改"
)
FINAL = "不予奖励的奖励已办结，不能再改变状态；公示一经列入不能更换"
NO_DELETE = "奖励不能删除；不予奖励请办理退回"
OVERRUN = "超预算拨付记录只能追加：不能修改或删除"

COLUMNS = (
    "id",
    "rule_id",
    "enterprise_id",
    "year",
    "source",
    "evidence_kind",
    "evidence_level",
    "evidence_number",
    "evidence_key",
    "evidence_date",
    "evidence_note",
    "amount",
    "basis_document",
    "basis_article",
    "basis_text",
    "created_at",
)


def _changed(op: str) -> str:
    """SQL: some frozen column differs between OLD and NEW (NULL-safe)."""
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in COLUMNS) + (
        f" OR (NEW.qualification_id {op} OLD.qualification_id"
        " AND NEW.qualification_id IS NOT NULL)"
    )


def _final(op: str) -> str:
    """SQL: the notice is replaced, or a rejected award is moved or reworded."""
    return (
        f"(OLD.notice_id IS NOT NULL AND NEW.notice_id {op} OLD.notice_id)"
        f" OR (OLD.status = 'rejected' AND (NEW.status {op} OLD.status"
        f" OR NEW.rejected_step {op} OLD.rejected_step"
        f" OR NEW.rejected_reason {op} OLD.rejected_reason))"
    )


SQLITE = [
    f"""CREATE TRIGGER funds_award_frozen BEFORE UPDATE ON funds_award
    WHEN {_changed("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
    f"""CREATE TRIGGER funds_award_final BEFORE UPDATE ON funds_award
    WHEN {_final("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{FINAL}'); END""",
    f"""CREATE TRIGGER funds_award_no_delete BEFORE DELETE ON funds_award
    BEGIN SELECT RAISE(ABORT, '{NO_DELETE}'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("funds_award_frozen", "funds_award_final", "funds_award_no_delete")
]
POSTGRES = [
    f"""CREATE FUNCTION funds_award_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF {_changed("IS DISTINCT FROM")} THEN RAISE EXCEPTION '{FROZEN}'; END IF;
      IF {_final("IS DISTINCT FROM")} THEN RAISE EXCEPTION '{FINAL}'; END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funds_award_guard BEFORE UPDATE ON funds_award
    FOR EACH ROW EXECUTE FUNCTION funds_award_guard()""",
    f"""CREATE TRIGGER funds_award_no_delete BEFORE DELETE ON funds_award
    FOR EACH ROW EXECUTE FUNCTION keqi_refuse('{NO_DELETE}')""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS funds_award_no_delete ON funds_award",
    "DROP TRIGGER IF EXISTS funds_award_guard ON funds_award",
    "DROP FUNCTION IF EXISTS funds_award_guard()",
]

overrun, overrun_drop = append_only("funds_budgetoverrun", OVERRUN)
create = {"sqlite": SQLITE + overrun["sqlite"], "postgresql": POSTGRES + overrun["postgresql"]}
drop = {
    "sqlite": SQLITE_DROP + overrun_drop["sqlite"],
    "postgresql": POSTGRES_DROP + overrun_drop["postgresql"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0004_budget_overrun"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(*vendor_sql(create, drop))]
