"""Changes to the plan-item lists (alliances, carriers and settlements, overseas
stations, standards, 军民融合 projects): each through `write_row`, so every
create and change is checked, validated and audited like the other partners lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from keqi.partners.access import ensure_owner
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardStage,
    StandardWork,
)
from keqi.partners.services import (
    _check_visible,
    not_before,
    owned_new,
    write_row,
)
from keqi.registry.services import Upserted


class PlanItemAction:
    """Audited action names of the plan-item lists."""

    ALLIANCE_CREATE = "alliance.create"
    ALLIANCE_UPDATE = "alliance.update"
    CARRIER_CREATE = "carrier.create"
    CARRIER_UPDATE = "carrier.update"
    SETTLEMENT_CREATE = "carrier_settlement.create"
    SETTLEMENT_UPDATE = "carrier_settlement.update"
    STATION_CREATE = "overseas_station.create"
    STATION_UPDATE = "overseas_station.update"
    STANDARD_CREATE = "standard_work.create"
    STANDARD_UPDATE = "standard_work.update"
    CIVMIL_CREATE = "civmil_project.create"
    CIVMIL_UPDATE = "civmil_project.update"


ACTION_LABELS = {
    PlanItemAction.ALLIANCE_CREATE: "新增产业技术创新战略联盟",
    PlanItemAction.ALLIANCE_UPDATE: "修改产业技术创新战略联盟",
    PlanItemAction.CARRIER_CREATE: "新增载体",
    PlanItemAction.CARRIER_UPDATE: "修改载体",
    PlanItemAction.SETTLEMENT_CREATE: "新增载体入驻记录",
    PlanItemAction.SETTLEMENT_UPDATE: "修改载体入驻记录",
    PlanItemAction.STATION_CREATE: "新增驻外招商工作站",
    PlanItemAction.STATION_UPDATE: "修改驻外招商工作站",
    PlanItemAction.STANDARD_CREATE: "新增标准制定记录",
    PlanItemAction.STANDARD_UPDATE: "修改标准制定记录",
    PlanItemAction.CIVMIL_CREATE: "新增军民融合项目",
    PlanItemAction.CIVMIL_UPDATE: "修改军民融合项目",
}

Check = Callable[[Any, dict[str, Any], Any], None]


@dataclass(frozen=True)
class ItemSpec:
    """How one list's rows are written: fields, many-to-many fields, checks."""

    model: type[models.Model]
    fields: tuple[str, ...]
    actions: tuple[str, str]
    check: Check
    m2m: tuple[str, ...] = ()

    def subject(self, row: Any) -> str:
        return f"{self.model._meta.model_name}:{row.pk}"


def _write(spec: ItemSpec, row: Any, values: dict[str, Any], actor: Any) -> Any:
    return write_row(
        row,
        values,
        fields=spec.fields,
        actor=actor,
        actions=spec.actions,
        subject=spec.subject,
        check=lambda r: spec.check(r, values, actor),
        m2m=spec.m2m,
    )


def _create(spec: ItemSpec, values: dict[str, Any], actor: Any) -> Any:
    row = owned_new(spec.model, values, actor)
    values = {name: [] for name in spec.m2m} | values
    return _write(spec, row, values, actor).row


def _update(spec: ItemSpec, row: Any, values: dict[str, Any], actor: Any) -> Any:
    ensure_owner(actor, row)
    return _write(spec, row, values, actor)


def _needs_enterprises(values: dict[str, Any], actor: Any, label: str) -> None:
    enterprises = values.get("enterprises")
    if enterprises is not None and not list(enterprises):
        raise ValidationError({"enterprises": f"请至少填写一家{label}"})
    _check_visible(actor, enterprises or ())


def _not_negative(row: Any, name: str, label: str) -> None:
    value = getattr(row, name)
    if value is not None and value < Decimal(0):
        raise ValidationError({name: f"{label}不能为负数"})


# ---------------------------------------------------------------- checks


def _alliance_check(row: Alliance, values: dict[str, Any], actor: Any) -> None:
    _needs_enterprises(values, actor, "成员企业")


def _carrier_check(row: Carrier, values: dict[str, Any], actor: Any) -> None:
    return None


def _settlement_check(
    row: CarrierSettlement, values: dict[str, Any], actor: Any
) -> None:
    _check_visible(actor, [row.enterprise])
    not_before(row, "left_on", "settled_on", "迁出日期不能早于入驻日期")


def _station_check(row: OverseasStation, values: dict[str, Any], actor: Any) -> None:
    not_before(row, "closed_on", "opened_on", "撤销日期不能早于设立日期")


def _standard_check(row: StandardWork, values: dict[str, Any], actor: Any) -> None:
    given = values.get("enterprises")
    members = list(given) if given is not None else []
    if given is None and row.pk is not None:
        members = list(row.enterprises.all())
    if row.lead_enterprise_id is None and not members:
        raise ValidationError({"enterprises": "请填写主导企业或至少一家参与起草企业"})
    if row.lead_enterprise is not None:
        _check_visible(actor, [row.lead_enterprise])
    _check_visible(actor, values.get("enterprises") or ())
    if row.stage == StandardStage.PUBLISHED and row.published_on is None:
        raise ValidationError({"published_on": "进展为“发布”时请填写发布日期"})
    not_before(row, "published_on", "started_on", "发布日期不能早于立项日期")


def _civmil_check(row: CivMilProject, values: dict[str, Any], actor: Any) -> None:
    _needs_enterprises(values, actor, "承担企业")
    _not_negative(row, "amount", "投资额")


ALLIANCE = ItemSpec(
    Alliance,
    ("name", "level", "field", "founded_on", "lead", "note"),
    (PlanItemAction.ALLIANCE_CREATE, PlanItemAction.ALLIANCE_UPDATE),
    _alliance_check,
    ("enterprises", "institutions"),
)
CARRIER = ItemSpec(
    Carrier,
    ("name", "kind", "area", "operator", "note"),
    (PlanItemAction.CARRIER_CREATE, PlanItemAction.CARRIER_UPDATE),
    _carrier_check,
)
SETTLEMENT = ItemSpec(
    CarrierSettlement,
    ("carrier", "enterprise", "settled_on", "left_on", "note"),
    (PlanItemAction.SETTLEMENT_CREATE, PlanItemAction.SETTLEMENT_UPDATE),
    _settlement_check,
)
STATION = ItemSpec(
    OverseasStation,
    ("name", "region", "opened_on", "closed_on", "carrier", "contact", "note"),
    (PlanItemAction.STATION_CREATE, PlanItemAction.STATION_UPDATE),
    _station_check,
)
STANDARD = ItemSpec(
    StandardWork,
    (
        "title",
        "level",
        "number",
        "stage",
        "lead_enterprise",
        "started_on",
        "published_on",
        "note",
    ),
    (PlanItemAction.STANDARD_CREATE, PlanItemAction.STANDARD_UPDATE),
    _standard_check,
    ("enterprises",),
)
CIVMIL = ItemSpec(
    CivMilProject,
    ("title", "direction", "partner", "started_on", "amount", "outcome", "note"),
    (PlanItemAction.CIVMIL_CREATE, PlanItemAction.CIVMIL_UPDATE),
    _civmil_check,
    ("enterprises",),
)


# ---------------------------------------------------------------- services


@transaction.atomic
def alliance_create(*, values: dict[str, Any], actor: Any) -> Alliance:
    """Record an 产业技术创新战略联盟 with its member enterprises."""
    return _create(ALLIANCE, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def alliance_update(
    *, row: Alliance, values: dict[str, Any], actor: Any
) -> Upserted[Alliance]:
    """Change an alliance of the actor's unit."""
    return _update(ALLIANCE, row, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def carrier_create(*, values: dict[str, Any], actor: Any) -> Carrier:
    """Record a carrier (科技城, park, incubator)."""
    return _create(CARRIER, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def carrier_update(
    *, row: Carrier, values: dict[str, Any], actor: Any
) -> Upserted[Carrier]:
    """Change a carrier of the actor's unit."""
    return _update(CARRIER, row, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def carrier_settlement_create(
    *, values: dict[str, Any], actor: Any
) -> CarrierSettlement:
    """Record an enterprise settling in a carrier (入驻承载)."""
    return _create(SETTLEMENT, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def carrier_settlement_update(
    *, row: CarrierSettlement, values: dict[str, Any], actor: Any
) -> Upserted[CarrierSettlement]:
    """Change a settlement of the actor's unit (e.g. the day it left)."""
    return _update(SETTLEMENT, row, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def overseas_station_create(*, values: dict[str, Any], actor: Any) -> OverseasStation:
    """Record an overseas 招商 station."""
    return _create(STATION, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def overseas_station_update(
    *, row: OverseasStation, values: dict[str, Any], actor: Any
) -> Upserted[OverseasStation]:
    """Change a station of the actor's unit."""
    return _update(STATION, row, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def standard_work_create(*, values: dict[str, Any], actor: Any) -> StandardWork:
    """Record a standard enterprises draft, from 立项."""
    return _create(STANDARD, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def standard_work_update(
    *, row: StandardWork, values: dict[str, Any], actor: Any
) -> Upserted[StandardWork]:
    """Move a standard on (起草, 发布) or correct it."""
    return _update(STANDARD, row, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def civmil_project_create(*, values: dict[str, Any], actor: Any) -> CivMilProject:
    """Record a 军民融合 project."""
    return _create(CIVMIL, values, actor)  # type: ignore[no-any-return]


@transaction.atomic
def civmil_project_update(
    *, row: CivMilProject, values: dict[str, Any], actor: Any
) -> Upserted[CivMilProject]:
    """Change a 军民融合 project of the actor's unit."""
    return _update(CIVMIL, row, values, actor)  # type: ignore[no-any-return]
