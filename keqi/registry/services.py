"""Every change to the registry goes through these functions; each is audited.

The `*_upsert` functions take plain field values (already cleaned) and return the
row with a flag saying whether it was created, updated or left unchanged, so the
workbook import can report exactly what it did and a re-import changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from keqi.accounts.industries import key_industry_error
from keqi.accounts.models import Area
from keqi.accounts.scopes import (
    area_ids_in_scope,
    area_q,
    can_edit_enterprises,
    enterprise_q,
    sees_every_district,
)
from keqi.core import audit
from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.uscc import UNUSABLE, check_uscc, unusable
from keqi.registry import bulk
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.validity import effective_valid_until

M = TypeVar("M", bound=models.Model)

ENTERPRISE_FIELDS = (
    "name",
    "founded_on",
    "area",
    "registered_region",
    "industry",
    "tech_field",
    "key_industry",
    "tax_method",
    "above_scale",
    "listed",
    "joint_stock_on",
    "restricted_products",
    "niche_years",
    "strategic_emerging",
    "extra",
)
FIGURE_FIELDS = tuple(
    f.name
    for f in AnnualFigures._meta.get_fields()
    if f.concrete and f.name not in {"id", "enterprise", "year"}
)
IP_FIELDS = (
    "name",
    "category",
    "granted_on",
    "acquisition",
    "status",
    "related_to_main",
    "high_value",
    "extra",
)
QUALIFICATION_FIELDS = (
    "level",
    "number",
    "granted_on",
    "valid_until_entered",
    "valid_until",
    "revoked_on",
    "rank",
    "amount",
    "note",
    "extra",
)
CREDIT_FIELDS = ("note",)


@dataclass(frozen=True)
class Upserted(Generic[M]):
    """A row after an upsert, and what happened to it: created, updated or unchanged."""

    row: M
    outcome: str
    changes: dict[str, list[Any]]


def _ensure_may_edit(actor: Any, enterprise: Enterprise | None = None) -> None:
    if actor is None:  # system jobs (demo loader, CLI as the operator) act as HQ
        return
    if not can_edit_enterprises(actor):
        raise PermissionDenied("当前账号无权修改企业数据")
    if enterprise is not None and enterprise.pk is not None:
        visible = Enterprise.objects.filter(
            enterprise_q(actor), pk=enterprise.pk
        ).exists()
        if not visible:
            raise PermissionDenied(unusable(enterprise.uscc))


def _apply(
    row: M, values: dict[str, Any], fields: tuple[str, ...]
) -> dict[str, list[Any]]:
    """Set the given fields on `row` and return what changed."""
    before = audit.snapshot(row, [f for f in fields if f in values])
    for name, value in values.items():
        if name in fields:
            setattr(row, name, value)
    after = audit.snapshot(row, [f for f in fields if f in values])
    return audit.diff(before, after)


def _save_audited(
    row: M,
    created: bool,
    changes: dict[str, list[Any]],
    *,
    actor: Any,
    actions: tuple[str, str],
    subject: str,
    reason: str,
) -> Upserted[M]:
    if not created and not changes:
        return Upserted(row, "unchanged", {})
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    action = actions[0] if created else actions[1]
    audit.record(
        actor=actor,
        action=action,
        target=row,
        changes=changes,
        reason=reason,
        subject=subject,
    )
    return Upserted(row, "created" if created else "updated", changes)


def _key_industry_check(row: Enterprise, changes: dict[str, list[Any]]) -> None:
    """A changed 重点产业 must be on the list of the enterprise's district."""
    if "key_industry" not in changes:
        return
    before = changes["key_industry"][0] or ""
    area = row.area if row.area_id is not None else None
    problem = key_industry_error(row.key_industry, area=area, current=before)
    if problem:
        raise ValidationError({"key_industry": problem})


@transaction.atomic
def enterprise_upsert(
    *, uscc: str, values: dict[str, Any], actor: Any, reason: str = ""
) -> Upserted[Enterprise]:
    """Create an enterprise or update it by its USCC. Raises ValueError on a bad code."""
    checked = check_uscc(uscc)
    if not checked.ok:
        raise ValueError(checked.error)
    row = Enterprise.objects.filter(uscc=checked.code).first()
    created = row is None
    if row is None:
        row = Enterprise(uscc=checked.code)
    _ensure_may_edit(actor, row)
    changes = _apply(row, values, ENTERPRISE_FIELDS)
    _key_industry_check(row, changes)
    if created:
        changes = {"uscc": [None, checked.code], **changes}
    if created or changes:
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
        action = (
            AuditAction.ENTERPRISE_CREATE if created else AuditAction.ENTERPRISE_UPDATE
        )
        audit.record(
            actor=actor,
            action=action,
            target=row,
            changes=changes,
            reason=reason,
            subject=row.subject,
        )
        _ensure_may_edit(actor, row)  # an area user may not move one out of their area
    return Upserted(
        row, "created" if created else ("updated" if changes else "unchanged"), changes
    )


@transaction.atomic
def figures_upsert(
    *,
    enterprise: Enterprise,
    year: int,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
) -> Upserted[AnnualFigures]:
    """Create or update one year's figures for an enterprise."""
    _ensure_may_edit(actor, enterprise)
    row = AnnualFigures.objects.filter(enterprise=enterprise, year=year).first()
    created = row is None
    if row is None:
        row = AnnualFigures(enterprise=enterprise, year=year)
    changes = _apply(row, values, FIGURE_FIELDS)
    return _save_audited(
        row,
        created,
        changes,
        actor=actor,
        subject=enterprise.subject,
        reason=reason,
        actions=(AuditAction.FIGURES_CREATE, AuditAction.FIGURES_UPDATE),
    )


@transaction.atomic
def ip_upsert(
    *,
    enterprise: Enterprise,
    number: str,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
) -> Upserted[IntellectualProperty]:
    """Create or update an IP item by its number within the enterprise."""
    _ensure_may_edit(actor, enterprise)
    row = IntellectualProperty.objects.filter(
        enterprise=enterprise, number=number
    ).first()
    created = row is None
    if row is None:
        row = IntellectualProperty(enterprise=enterprise, number=number)
    changes = _apply(row, values, IP_FIELDS)
    return _save_audited(
        row,
        created,
        changes,
        actor=actor,
        subject=enterprise.subject,
        reason=reason,
        actions=(AuditAction.IP_CREATE, AuditAction.IP_UPDATE),
    )


def qualification_key(
    kind: str, number: str, granted_on: dt.date | None
) -> tuple[Any, ...]:
    """What identifies a qualification row across re-imports."""
    return (kind, number.strip(), granted_on if not number.strip() else None)


@transaction.atomic
def qualification_upsert(
    *,
    enterprise: Enterprise,
    kind: str,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
) -> Upserted[Qualification]:
    """Create or update a qualification: matched by (kind, number), or by
    (kind, date granted) when it has no number. Fills 有效期至 by the programme's rule."""
    _ensure_may_edit(actor, enterprise)
    number = (values.get("number") or "").strip()
    existing = Qualification.objects.filter(enterprise=enterprise, kind=kind)
    if number:
        existing = existing.filter(number=number)
    else:
        existing = existing.filter(number="", granted_on=values.get("granted_on"))
    row = existing.first()
    created = row is None
    if row is None:
        row = Qualification(enterprise=enterprise, kind=kind)
    values = dict(values)
    entered = values.get("valid_until_entered", row.valid_until_entered)
    granted = values.get("granted_on", row.granted_on)
    values["valid_until"] = effective_valid_until(kind, granted, entered)
    changes = _apply(row, values, QUALIFICATION_FIELDS)
    return _save_audited(
        row,
        created,
        changes,
        actor=actor,
        subject=enterprise.subject,
        reason=reason,
        actions=(AuditAction.QUALIFICATION_CREATE, AuditAction.QUALIFICATION_UPDATE),
    )


@transaction.atomic
def credit_record_upsert(
    *,
    enterprise: Enterprise,
    kind: str,
    occurred_on: dt.date,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
) -> Upserted[CreditRecord]:
    """Create or update a negative credit record (matched by kind and date)."""
    _ensure_may_edit(actor, enterprise)
    row = CreditRecord.objects.filter(
        enterprise=enterprise, kind=kind, occurred_on=occurred_on
    ).first()
    created = row is None
    if row is None:
        row = CreditRecord(enterprise=enterprise, kind=kind, occurred_on=occurred_on)
    changes = _apply(row, values, CREDIT_FIELDS)
    if created:
        changes = {
            "kind": [None, kind],
            "occurred_on": [None, occurred_on.isoformat()],
            **changes,
        }
    return _save_audited(
        row,
        created,
        changes,
        actor=actor,
        subject=enterprise.subject,
        reason=reason,
        actions=(AuditAction.CREDIT_CREATE, AuditAction.CREDIT_UPDATE),
    )


@transaction.atomic
def row_delete(
    *, row: models.Model, enterprise: Enterprise, action: str, actor: Any, reason: str
) -> None:
    """Delete an IP item, qualification or credit record, keeping its last values."""
    _ensure_may_edit(actor, enterprise)
    fields = [
        f.name for f in row._meta.concrete_fields if f.name not in {"id", "enterprise"}
    ]
    last = audit.snapshot(row, fields)
    audit.record(
        actor=actor,
        action=action,
        target=row,
        changes=audit.diff(last, {}),
        reason=reason,
        subject=enterprise.subject,
    )
    row.delete()


def _update_audited(
    row: M, values: dict[str, Any], fields: tuple[str, ...], *, action: str, **kw: Any
) -> Upserted[M]:
    """Change fields of one existing row (found by id, not by its natural key)."""
    changes = _apply(row, values, fields)
    return _save_audited(row, False, changes, actions=(action, action), **kw)


@transaction.atomic
def ip_update(
    *, item: IntellectualProperty, values: dict[str, Any], actor: Any, reason: str = ""
) -> Upserted[IntellectualProperty]:
    """Edit one IP item, including its number. Raises ValidationError on a clash."""
    enterprise = item.enterprise
    _ensure_may_edit(actor, enterprise)
    number = values.get("number", item.number)
    clash = IntellectualProperty.objects.filter(enterprise=enterprise, number=number)
    if clash.exclude(pk=item.pk).exists():
        raise ValidationError({"number": f"该企业已有编号为 {number} 的知识产权"})
    return _update_audited(
        item,
        values,
        ("number", *IP_FIELDS),
        action=AuditAction.IP_UPDATE,
        actor=actor,
        subject=enterprise.subject,
        reason=reason,
    )


@transaction.atomic
def qualification_update(
    *,
    qualification: Qualification,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
) -> Upserted[Qualification]:
    """Edit one qualification, including its type, number and date granted.

    有效期至 is derived again by the programme's rule when it was not entered.
    Raises ValidationError when another row of the same type has that number.
    """
    row = qualification
    _ensure_may_edit(actor, row.enterprise)
    values = dict(values)
    kind = values.get("kind", row.kind)
    number = (values.get("number", row.number) or "").strip()
    others = Qualification.objects.filter(enterprise=row.enterprise, kind=kind)
    if number and others.filter(number=number).exclude(pk=row.pk).exists():
        raise ValidationError({"number": f"该企业已有编号为 {number} 的{kind}"})
    entered = values.get("valid_until_entered", row.valid_until_entered)
    granted = values.get("granted_on", row.granted_on)
    values["valid_until"] = effective_valid_until(kind, granted, entered)
    return _update_audited(
        row,
        values,
        ("kind", *QUALIFICATION_FIELDS),
        action=AuditAction.QUALIFICATION_UPDATE,
        actor=actor,
        subject=row.enterprise.subject,
        reason=reason,
    )


@transaction.atomic
def qualification_revoke(
    *, qualification: Qualification, revoked_on: dt.date, actor: Any, reason: str = ""
) -> Upserted[Qualification]:
    """Record that a qualification was revoked (撤销) on a day; it stays in the record."""
    row = qualification
    _ensure_may_edit(actor, row.enterprise)
    if row.granted_on is not None and revoked_on < row.granted_on:
        raise ValidationError({"revoked_on": "撤销日期不能早于取得日期"})
    return _update_audited(
        row,
        {"revoked_on": revoked_on},
        ("revoked_on",),
        action=AuditAction.QUALIFICATION_REVOKE,
        actor=actor,
        subject=row.enterprise.subject,
        reason=reason,
    )


@transaction.atomic
def credit_record_update(
    *, record: CreditRecord, values: dict[str, Any], actor: Any, reason: str = ""
) -> Upserted[CreditRecord]:
    """Edit one credit record, including its type and date. Raises ValidationError
    when the enterprise already has a record of that type on that day."""
    _ensure_may_edit(actor, record.enterprise)
    kind = values.get("kind", record.kind)
    day = values.get("occurred_on", record.occurred_on)
    same = CreditRecord.objects.filter(
        enterprise=record.enterprise, kind=kind, occurred_on=day
    )
    if same.exclude(pk=record.pk).exists():
        raise ValidationError({"occurred_on": f"该企业在 {day} 已有一条{kind}记录"})
    return _update_audited(
        record,
        values,
        ("kind", "occurred_on", *CREDIT_FIELDS),
        action=AuditAction.CREDIT_UPDATE,
        actor=actor,
        subject=record.enterprise.subject,
        reason=reason,
    )


_BULK_CREATE: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    Enterprise: (AuditAction.ENTERPRISE_CREATE, ENTERPRISE_FIELDS),
    AnnualFigures: (AuditAction.FIGURES_CREATE, FIGURE_FIELDS),
    IntellectualProperty: (AuditAction.IP_CREATE, IP_FIELDS),
    Qualification: (AuditAction.QUALIFICATION_CREATE, QUALIFICATION_FIELDS),
    CreditRecord: (AuditAction.CREDIT_CREATE, CREDIT_FIELDS),
}
_BULK_KEYS = {Enterprise: ("uscc",), CreditRecord: ("kind", "occurred_on")}


@transaction.atomic
def registry_rows_create(
    *, items: list[tuple[M, dict[str, Any]]], actor: Any, reason: str = ""
) -> list[Upserted[M]]:
    """Create many new rows of one registry model in a few queries.

    Each item is a new, unsaved row holding its key fields (uscc; enterprise and
    year, number, kind…) and the values to set. Every row is validated, filled and
    audited exactly as the matching `*_upsert` does when it creates one; the caller
    guarantees the keys are new (a clash raises IntegrityError and undoes them all).
    The workbook import uses `registry_rows_insert` instead (its values are
    checked already and it audits per enterprise).
    """
    if not items:
        return []
    model = type(items[0][0])
    action, fields = _BULK_CREATE[model]
    done = [(row, _bulk_prepare(row, values, fields)) for row, values in items]
    _ensure_may_touch(actor, [row for row, _ in done], before=True)
    model._default_manager.bulk_create([row for row, _ in done], batch_size=500)
    _bulk_audit(actor, action, done, reason)
    return [Upserted(row, "created", changes) for row, changes in done]


def _bulk_set(
    row: M, values: dict[str, Any], fields: tuple[str, ...]
) -> dict[str, Any]:
    """Set a checked row's values (and a qualification's 有效期至) without diffing."""
    if isinstance(row, Qualification):
        values = dict(values)
        entered = values.get("valid_until_entered", row.valid_until_entered)
        granted = values.get("granted_on", row.granted_on)
        values["valid_until"] = effective_valid_until(row.kind, granted, entered)
    for name in fields:
        if name in values:
            setattr(row, name, values[name])
    return {}


def import_changes_record(
    *,
    changes: Iterable[tuple[tuple[int, str], bool, dict[str, list[Any]]]],
    actor: Any,
    reason: str,
) -> tuple[int, int]:
    """The audit trail of a workbook import: one event per enterprise (id, name)
    it created (新建企业) or changed (导入工作簿), holding every value the import
    set on the enterprise and its figures, IP, qualifications and credit records
    as {what: [old, new]}, filed under the enterprise so its history page shows it.

    `changes` may be a generator: the events are written 2 000 at a time, so a
    city's first import never holds them all. Returns the first and last event
    id (the import's result page lists them). Call inside the import's transaction.
    """
    actor_obj = actor if getattr(actor, "pk", None) else None
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    created_action, changed_action = (
        str(AuditAction.ENTERPRISE_CREATE),
        str(AuditAction.WORKBOOK_IMPORT),
    )
    reason = reason[:500]
    events = (
        {
            "actor": actor_obj,
            "action": created_action if created else changed_action,
            "target_type": "registry.enterprise",
            "target_id": str(pk),
            "target_repr": name[:200],
            "subject": f"enterprise:{pk}",
            "changes": values,
            "reason": reason,
        }
        for (pk, name), created, values in changes
    )
    if not bulk.insert_dicts(AuditEvent, events):
        return (0, 0)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return ((before or 0) + 1, last or 0)


def _bulk_audit(
    actor: Any, action: str, done: list[tuple[Any, dict[str, Any]]], reason: str
) -> None:
    """One audit event per row, as audit.record writes it, in one insert."""
    actor_obj = actor if getattr(actor, "pk", None) else None
    events = [
        AuditEvent(
            actor=actor_obj,
            action=action,
            target_type=row._meta.label_lower,
            target_id=str(row.pk),
            target_repr=str(row)[:200],
            subject=_subject_of(row),
            changes=changes,
            reason=reason[:500],
        )
        for row, changes in done
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)


def _bulk_prepare(
    row: M, values: dict[str, Any], fields: tuple[str, ...], keys: bool = True
) -> dict[str, list[Any]]:
    """Set and check one row's values; its audit changes as an upsert records them."""
    if isinstance(row, Qualification):
        values = dict(values)
        entered = values.get("valid_until_entered", row.valid_until_entered)
        granted = values.get("granted_on", row.granted_on)
        values["valid_until"] = effective_valid_until(row.kind, granted, entered)
    added = {
        name: [None, audit.to_jsonable(getattr(row, name))]
        for name in (_BULK_KEYS.get(type(row), ()) if keys else ())
    }
    changes = {**added, **_apply(row, values, fields)}
    if not changes and not keys:
        return changes  # an unchanged existing row is not saved, so not checked
    related = ["enterprise", "area"]  # objects in hand; the database checks the key
    row.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
    return changes


def _subject_of(row: models.Model) -> str:
    enterprise = row if isinstance(row, Enterprise) else row.enterprise  # type: ignore[attr-defined]
    return str(enterprise.subject)


_BULK_UPDATE: dict[type[models.Model], str] = {
    Enterprise: AuditAction.ENTERPRISE_UPDATE,
    AnnualFigures: AuditAction.FIGURES_UPDATE,
    IntellectualProperty: AuditAction.IP_UPDATE,
    Qualification: AuditAction.QUALIFICATION_UPDATE,
    CreditRecord: AuditAction.CREDIT_UPDATE,
}


@transaction.atomic
def registry_rows_update(
    *,
    items: list[tuple[M, dict[str, Any]]],
    actor: Any,
    reason: str = "",
    checked: bool = False,
) -> list[Upserted[M]]:
    """Update many existing rows of one registry model in a few queries.

    The caller loads the rows inside its transaction (locked with
    select_for_update where the database supports it), so nobody's edit is lost
    between reading and writing. Each row is checked and audited as the matching
    `*_upsert` does when it updates one; rows whose values are the same are left
    alone and reported unchanged.

    With `checked` (the workbook import), the values are already cleaned and
    diffed and the caller audits per enterprise: each row's changed fields are
    written in plain SQL, nothing is validated again and no event is written here.
    """
    if not items:
        return []
    model = type(items[0][0])
    _ensure_may_touch(actor, [row for row, _ in items], before=True)
    fields = _BULK_CREATE[model][1]
    if checked:
        return _update_checked(actor, model, items, fields)
    done = [
        (row, _bulk_prepare(row, values, fields, keys=False)) for row, values in items
    ]
    _ensure_may_touch(actor, [row for row, _ in done], before=False)
    changed = [(row, changes) for row, changes in done if changes]
    names = sorted({name for _, changes in changed for name in changes})
    if isinstance(items[0][0], Enterprise):
        now = timezone.now()
        for row, _ in changed:
            row.updated_at = now  # type: ignore[attr-defined]
        names.append("updated_at")
    if changed:
        rows = [row for row, _ in changed]
        model._default_manager.bulk_update(rows, names, batch_size=500)
        _bulk_audit(actor, _BULK_UPDATE[model], changed, reason)
    return [
        Upserted(row, "updated" if changes else "unchanged", changes)
        for row, changes in done
    ]


def _update_checked(
    actor: Any,
    model: type[models.Model],
    items: list[tuple[M, dict[str, Any]]],
    fields: tuple[str, ...],
) -> list[Upserted[M]]:
    written: list[tuple[models.Model, list[str]]] = []
    for row, values in items:
        before = {n: getattr(row, n) for n in fields if n in values}
        _bulk_set(row, values, fields)
        names = [n for n in before if getattr(row, n) != before[n]]
        if isinstance(row, Qualification) and "valid_until" in values:
            names.append("valid_until")
        written.append((row, names or [n for n in fields if n in values]))
    _ensure_may_touch(actor, [row for row, _ in items], before=False)
    bulk.update_rows(model, written)
    return [Upserted(row, "updated", {}) for row, _ in items]


def _ensure_in_district(actor: Any, areas: set[int], ids: set[int]) -> None:
    """District users (not the city, not the system) change only their district's
    enterprises and put none in another district's area."""
    if actor is None or sees_every_district(actor):
        return
    mine = set(Area.objects.filter(area_q(actor)).values_list("pk", flat=True))
    if not areas <= mine:
        raise PermissionDenied("只能修改本区的企业")
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        part = ordered[start : start + 500]
        if Enterprise.objects.filter(pk__in=part).exclude(area_id__in=mine).exists():
            raise PermissionDenied(UNUSABLE)


def _ensure_may_touch(actor: Any, rows: list[Any], *, before: bool) -> None:
    """Area staff may only change rows of their own area, and not move them out."""
    if before:
        _ensure_may_edit(actor)
    areas = {r.area_id for r in rows if isinstance(r, Enterprise)}
    ids = {r.enterprise_id for r in rows if not isinstance(r, Enterprise)}
    _ensure_in_scope(actor, areas, ids)


def _ensure_in_scope(actor: Any, areas: set[int], ids: set[int]) -> None:
    """PermissionDenied unless every area and every enterprise (by id) is the
    actor's (area staff); anyone else may touch any."""
    scope = None if actor is None else area_ids_in_scope(actor)
    if scope is None:
        _ensure_in_district(actor, areas, ids)
        return
    if not areas <= set(scope):
        raise PermissionDenied("只能修改本街镇/园区的企业")
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        part = ordered[start : start + 500]
        outside = Enterprise.objects.filter(pk__in=part).exclude(area_id__in=scope)
        if outside.exists():
            raise PermissionDenied(UNUSABLE)


@transaction.atomic
def registry_rows_insert(
    *, model: type[models.Model], rows: list[dict[str, Any]], actor: Any
) -> list[int]:
    """Insert checked new rows given as {field name: value} (a foreign key as its
    object or id), without building model instances: the workbook import's path,
    which has cleaned every value against the model's limits and audits each
    enterprise itself (`import_changes_record`). Area staff may only add rows of
    their own area's enterprises. Returns the new enterprises' ids (in order);
    for other models, nothing."""
    _ensure_may_edit(actor)
    if model is Enterprise:
        _ensure_in_scope(actor, {r["area"].pk for r in rows}, set())
    else:
        _ensure_in_scope(actor, set(), {r["enterprise"] for r in rows})
    bulk.insert_dicts(model, rows)
    if model is not Enterprise:
        return []
    found: dict[str, int] = {}
    codes = [r["uscc"] for r in rows]
    for start in range(0, len(codes), 500):
        part = codes[start : start + 500]
        found.update(Enterprise.objects.filter(uscc__in=part).values_list("uscc", "pk"))
    return [found[code] for code in codes]
