"""Every change to partners data. Each service is atomic and writes its audit row in
the same transaction; an entry is changed only by the unit that recorded it.

``actor=None`` is the system (demo loader, command line): it may do anything and
must name the unit in ``values``. Bad input raises ValidationError with Chinese
messages keyed by field, so forms and imports can show them where they belong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from keqi.core import audit
from keqi.partners.access import ensure_can_record, ensure_owner, ensure_sees
from keqi.partners.models import (
    CooperationProject,
    Event,
    FinanceRecord,
    Institution,
    Lead,
    ServiceEntry,
    Trademark,
)
from keqi.registry.models import Enterprise
from keqi.registry.services import Upserted

M = TypeVar("M", bound=models.Model)


class PartnersAction:
    """Audited action names of keqi.partners."""

    INSTITUTION_CREATE = "institution.create"
    INSTITUTION_UPDATE = "institution.update"
    EVENT_CREATE = "partner_event.create"
    EVENT_UPDATE = "partner_event.update"
    LEAD_CREATE = "lead.create"
    LEAD_UPDATE = "lead.update"
    LEAD_ADVANCE = "lead.advance"
    LEAD_SETTLE = "lead.settle"
    PROJECT_CREATE = "coop_project.create"
    PROJECT_UPDATE = "coop_project.update"
    FINANCE_CREATE = "finance_record.create"
    FINANCE_UPDATE = "finance_record.update"
    TRADEMARK_CREATE = "trademark.create"
    TRADEMARK_UPDATE = "trademark.update"
    SERVICE_CREATE = "service_entry.create"
    SERVICE_UPDATE = "service_entry.update"
    SERVICE_DONE = "service_entry.done"
    DELETE = "partner_entry.delete"


ACTION_LABELS = {
    PartnersAction.INSTITUTION_CREATE: "新增合作院所",
    PartnersAction.INSTITUTION_UPDATE: "修改合作院所",
    PartnersAction.EVENT_CREATE: "新增合作服务活动",
    PartnersAction.EVENT_UPDATE: "修改合作服务活动",
    PartnersAction.LEAD_CREATE: "新增招商线索",
    PartnersAction.LEAD_UPDATE: "修改招商线索",
    PartnersAction.LEAD_ADVANCE: "招商线索推进阶段",
    PartnersAction.LEAD_SETTLE: "招商企业落地注册",
    PartnersAction.PROJECT_CREATE: "新增产学研合作项目",
    PartnersAction.PROJECT_UPDATE: "修改产学研合作项目",
    PartnersAction.FINANCE_CREATE: "新增科技金融记录",
    PartnersAction.FINANCE_UPDATE: "修改科技金融记录",
    PartnersAction.TRADEMARK_CREATE: "新增商标",
    PartnersAction.TRADEMARK_UPDATE: "修改商标",
    PartnersAction.SERVICE_CREATE: "新增走访服务记录",
    PartnersAction.SERVICE_UPDATE: "修改走访服务记录",
    PartnersAction.SERVICE_DONE: "办结走访服务跟进事项",
    PartnersAction.DELETE: "删除合作服务记录",
}

INSTITUTION_FIELDS = ("name", "short_name", "kind", "region", "note")
EVENT_FIELDS = (
    "topic",
    "kind",
    "name",
    "held_on",
    "place",
    "organisations",
    "attendance",
    "note",
)
PROJECT_FIELDS = (
    "title",
    "institution",
    "started_on",
    "ended_on",
    "amount",
    "yields_ip",
    "yields_product",
    "yields_platform",
    "outcome",
    "note",
)
FINANCE_FIELDS = ("enterprise", "kind", "provider", "amount", "on", "event", "note")
TRADEMARK_FIELDS = (
    "enterprise",
    "number",
    "name",
    "nice_class",
    "registered_on",
    "well_known",
    "well_known_on",
    "note",
)
SERVICE_FIELDS = (
    "enterprise",
    "person",
    "kind",
    "on",
    "asked",
    "promised",
    "follow_up_due",
    "done_on",
    "done_note",
)
Check = Callable[[Any], None]


def _names(rows: Iterable[models.Model]) -> list[str]:
    return sorted(str(r) for r in rows)


def _m2m_changes(
    row: models.Model, values: dict[str, Any], m2m: tuple[str, ...], created: bool
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in m2m:
        if name not in values:
            continue
        old = set() if created else set(getattr(row, name).all())
        new = set(values[name])
        if old != new:
            changes[name] = [_names(old), _names(new)]
    return changes


def write_row(
    row: M,
    values: dict[str, Any],
    *,
    fields: tuple[str, ...],
    actor: Any,
    actions: tuple[str, str],
    subject: Callable[[M], str],
    check: Check | None = None,
    m2m: tuple[str, ...] = (),
) -> Upserted[M]:
    """Apply `values` to `row`, validate, save and audit; unchanged rows are left."""
    created = row.pk is None
    names = [f for f in fields if f in values]
    before = {n: None for n in names} if created else audit.snapshot(row, names)
    for name in names:
        setattr(row, name, values[name])
    changes = audit.diff(before, audit.snapshot(row, names))
    if created:  # a new row's blank fields are not news
        changes = {k: v for k, v in changes.items() if v[1] not in (None, "")}
    changes |= _m2m_changes(row, values, m2m, created)
    if not created and not changes:
        return Upserted(row, "unchanged", {})
    if check is not None:
        check(row)
    row.full_clean()
    row.save()
    for name in m2m:
        if name in values:
            getattr(row, name).set(values[name])
    action = actions[0] if created else actions[1]
    audit.record(
        actor=actor, action=action, target=row, changes=changes, subject=subject(row)
    )
    return Upserted(row, "created" if created else "updated", changes)


def owned_new(model: type[M], values: dict[str, Any], actor: Any) -> M:
    """A new row of the actor's unit (the system names the unit in values)."""
    ensure_can_record(actor)
    unit = actor.unit if actor is not None else values.get("unit")
    if unit is None:
        raise ValidationError({"unit": "缺少登记单位"})
    row = model()
    row.unit = unit  # type: ignore[attr-defined]
    return row


def _enterprise_subject(row: Any) -> str:
    return str(row.enterprise.subject)


def _check_visible(actor: Any, enterprises: Iterable[Enterprise]) -> None:
    for enterprise in enterprises:
        ensure_sees(actor, enterprise)


def not_before(row: Any, later: str, earlier: str, message: str) -> None:
    a, b = getattr(row, later), getattr(row, earlier)
    if a is not None and b is not None and a < b:
        raise ValidationError({later: message})


# ---------------------------------------------------------------- institutions


@transaction.atomic
def institution_create(*, values: dict[str, Any], actor: Any) -> Institution:
    """Add a university or institute to the shared list."""
    row = owned_new(Institution, values, actor)
    return write_row(
        row,
        values,
        fields=INSTITUTION_FIELDS,
        actor=actor,
        actions=(PartnersAction.INSTITUTION_CREATE, ""),
        subject=lambda r: f"institution:{r.pk}",
    ).row


@transaction.atomic
def institution_update(
    *, row: Institution, values: dict[str, Any], actor: Any
) -> Upserted[Institution]:
    """Change an institution; the preset ones (no unit) only by the HQ office."""
    if row.unit_id is None:
        if actor is not None and not actor.is_hq:
            raise PermissionDenied("预置的合作院所只能由指挥部办公室修改")
    else:
        ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=INSTITUTION_FIELDS,
        actor=actor,
        actions=("", PartnersAction.INSTITUTION_UPDATE),
        subject=lambda r: f"institution:{r.pk}",
    )


# ---------------------------------------------------------------- events


def _event_checker(actor: Any, values: dict[str, Any]) -> Check:
    def check(row: Event) -> None:
        _check_visible(actor, values.get("participants", ()))

    return check


@transaction.atomic
def event_create(*, values: dict[str, Any], actor: Any) -> Event:
    """Record an exhibition, 推介会, matchmaking or IP-service event."""
    row = owned_new(Event, values, actor)
    return write_row(
        row,
        values,
        fields=EVENT_FIELDS,
        actor=actor,
        actions=(PartnersAction.EVENT_CREATE, ""),
        subject=lambda r: f"partner_event:{r.pk}",
        check=_event_checker(actor, values),
        m2m=("participants",),
    ).row


@transaction.atomic
def event_update(*, row: Event, values: dict[str, Any], actor: Any) -> Upserted[Event]:
    """Change an event of the actor's unit (participants replaced when given)."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=EVENT_FIELDS,
        actor=actor,
        actions=("", PartnersAction.EVENT_UPDATE),
        subject=lambda r: f"partner_event:{r.pk}",
        check=_event_checker(actor, values),
        m2m=("participants",),
    )


# ---------------------------------------------------------------- projects


def _check_project(row: CooperationProject) -> None:
    not_before(row, "ended_on", "started_on", "结束日期不能早于开始日期")
    if row.amount is not None and row.amount < 0:
        raise ValidationError({"amount": "合同金额不能为负数"})


def _project_checker(actor: Any, values: dict[str, Any]) -> Check:
    def check(row: CooperationProject) -> None:
        _check_project(row)
        enterprises = values.get("enterprises")
        if enterprises is not None and not list(enterprises):
            raise ValidationError({"enterprises": "请至少填写一家合作企业"})
        _check_visible(actor, enterprises or ())

    return check


@transaction.atomic
def project_create(*, values: dict[str, Any], actor: Any) -> CooperationProject:
    """Record an 产学研 project of an institution with one or more enterprises."""
    row = owned_new(CooperationProject, values, actor)
    values = {"enterprises": [], **values}
    return write_row(
        row,
        values,
        fields=PROJECT_FIELDS,
        actor=actor,
        actions=(PartnersAction.PROJECT_CREATE, ""),
        subject=lambda r: f"coop_project:{r.pk}",
        check=_project_checker(actor, values),
        m2m=("enterprises",),
    ).row


@transaction.atomic
def project_update(
    *, row: CooperationProject, values: dict[str, Any], actor: Any
) -> Upserted[CooperationProject]:
    """Change a project of the actor's unit."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=PROJECT_FIELDS,
        actor=actor,
        actions=("", PartnersAction.PROJECT_UPDATE),
        subject=lambda r: f"coop_project:{r.pk}",
        check=_project_checker(actor, values),
        m2m=("enterprises",),
    )


# ---------------------------------------------------------------- finance


def _finance_checker(actor: Any) -> Check:
    def check(row: FinanceRecord) -> None:
        ensure_sees(actor, row.enterprise)
        if row.amount is not None and row.amount <= Decimal(0):
            raise ValidationError({"amount": "金额应大于零"})

    return check


@transaction.atomic
def finance_record_create(*, values: dict[str, Any], actor: Any) -> FinanceRecord:
    """Record a loan or an investment an enterprise received."""
    row = owned_new(FinanceRecord, values, actor)
    return write_row(
        row,
        values,
        fields=FINANCE_FIELDS,
        actor=actor,
        actions=(PartnersAction.FINANCE_CREATE, ""),
        subject=_enterprise_subject,
        check=_finance_checker(actor),
    ).row


@transaction.atomic
def finance_record_update(
    *, row: FinanceRecord, values: dict[str, Any], actor: Any
) -> Upserted[FinanceRecord]:
    """Change a finance record of the actor's unit."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=FINANCE_FIELDS,
        actor=actor,
        actions=("", PartnersAction.FINANCE_UPDATE),
        subject=_enterprise_subject,
        check=_finance_checker(actor),
    )


# ---------------------------------------------------------------- trademarks


def _trademark_checker(actor: Any) -> Check:
    def check(row: Trademark) -> None:
        ensure_sees(actor, row.enterprise)
        if row.nice_class is not None and not 1 <= row.nice_class <= 45:
            raise ValidationError({"nice_class": "尼斯分类应为 1 到 45 之间的整数"})
        if row.well_known_on is not None and not row.well_known:
            raise ValidationError({"well_known_on": "填写了认定日期，但未标为驰名商标"})
        not_before(
            row, "well_known_on", "registered_on", "驰名商标认定日期不能早于注册日期"
        )
        taken = Trademark.objects.filter(number=row.number).exclude(pk=row.pk)
        if taken.exists():
            raise ValidationError({"number": f"注册号 {row.number} 已登记"})

    return check


@transaction.atomic
def trademark_create(*, values: dict[str, Any], actor: Any) -> Trademark:
    """Record a registered trademark of an enterprise."""
    row = owned_new(Trademark, values, actor)
    return write_row(
        row,
        values,
        fields=TRADEMARK_FIELDS,
        actor=actor,
        actions=(PartnersAction.TRADEMARK_CREATE, ""),
        subject=_enterprise_subject,
        check=_trademark_checker(actor),
    ).row


@transaction.atomic
def trademark_update(
    *, row: Trademark, values: dict[str, Any], actor: Any
) -> Upserted[Trademark]:
    """Change a trademark recorded by the actor's unit."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=TRADEMARK_FIELDS,
        actor=actor,
        actions=("", PartnersAction.TRADEMARK_UPDATE),
        subject=_enterprise_subject,
        check=_trademark_checker(actor),
    )


# ---------------------------------------------------------------- service log


def _service_checker(actor: Any) -> Check:
    def check(row: ServiceEntry) -> None:
        ensure_sees(actor, row.enterprise)
        not_before(row, "follow_up_due", "on", "跟进期限不能早于服务日期")
        not_before(row, "done_on", "on", "办结日期不能早于服务日期")

    return check


@transaction.atomic
def service_entry_create(*, values: dict[str, Any], actor: Any) -> ServiceEntry:
    """Log a visit, call or service given to an enterprise by the actor's unit."""
    row = owned_new(ServiceEntry, values, actor)
    row.created_by = actor
    values = {"person": str(actor) if actor is not None else "", **values}
    return write_row(
        row,
        values,
        fields=SERVICE_FIELDS,
        actor=actor,
        actions=(PartnersAction.SERVICE_CREATE, ""),
        subject=_enterprise_subject,
        check=_service_checker(actor),
    ).row


@transaction.atomic
def service_entry_update(
    *, row: ServiceEntry, values: dict[str, Any], actor: Any
) -> Upserted[ServiceEntry]:
    """Change a service log entry of the actor's unit."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=SERVICE_FIELDS,
        actor=actor,
        actions=("", PartnersAction.SERVICE_UPDATE),
        subject=_enterprise_subject,
        check=_service_checker(actor),
    )


@transaction.atomic
def service_entry_done(
    *, row: ServiceEntry, done_on: dt.date, note: str, actor: Any
) -> ServiceEntry:
    """Mark the promised follow-up as done on a day, with what was done."""
    ensure_owner(actor, row)
    if row.done_on is not None:
        raise ValidationError({"done_on": "该事项已办结"})
    return write_row(
        row,
        {"done_on": done_on, "done_note": note},
        fields=SERVICE_FIELDS,
        actor=actor,
        actions=("", PartnersAction.SERVICE_DONE),
        subject=_enterprise_subject,
        check=_service_checker(actor),
    ).row


# ---------------------------------------------------------------- deletion


@transaction.atomic
def partner_entry_delete(*, row: models.Model, actor: Any, reason: str = "") -> None:
    """Delete an entry of the actor's unit, keeping every value in the audit trail."""
    if isinstance(row, Lead) and row.enterprise_id is not None:
        raise ValidationError("已落地的招商线索不能删除（它是引进企业统计的依据）")
    ensure_owner(actor, row)
    fields = [f.name for f in row._meta.concrete_fields if f.name != "id"]
    values = audit.snapshot(row, fields)
    enterprise = getattr(row, "enterprise", None)
    subject = enterprise.subject if isinstance(enterprise, Enterprise) else ""
    audit.record(
        actor=actor,
        action=PartnersAction.DELETE,
        target=row,
        changes={k: [audit.to_jsonable(v), None] for k, v in values.items()},
        reason=reason,
        subject=subject,
    )
    row.delete()
