"""Every change to product and transformation records: atomic, audited, scoped.

Who may write: the working roles (HQ office, member units such as 区工信局, town
and park staff), each only for enterprises they may see; leaders and auditors
read. ``actor=None`` is the system (`keqi demo`, the command line). Bad input
raises ValidationError with Chinese messages keyed by field, so forms and imports
show them where they belong. Each record's audit row carries the enterprise's
subject, so the enterprise page's history lists it too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from keqi.core import audit
from keqi.partners.access import ensure_can_record, ensure_sees
from keqi.partners.services import write_row
from keqi.products.models import Product, Transformation, TransformationKind
from keqi.registry.services import Upserted


class ProductsAction:
    """Audited actions of this app."""

    PRODUCT_CREATE = "product.create"
    PRODUCT_UPDATE = "product.update"
    PRODUCT_DELETE = "product.delete"
    TRANSFORMATION_CREATE = "transformation.create"
    TRANSFORMATION_UPDATE = "transformation.update"
    TRANSFORMATION_DELETE = "transformation.delete"


ACTION_LABELS = {
    ProductsAction.PRODUCT_CREATE: "新增产品与品牌",
    ProductsAction.PRODUCT_UPDATE: "修改产品与品牌",
    ProductsAction.PRODUCT_DELETE: "删除产品与品牌",
    ProductsAction.TRANSFORMATION_CREATE: "新增创新转型记录",
    ProductsAction.TRANSFORMATION_UPDATE: "修改创新转型记录",
    ProductsAction.TRANSFORMATION_DELETE: "删除创新转型记录",
}

PRODUCT_FIELDS = (
    "enterprise",
    "kind",
    "name",
    "recognised_by",
    "level",
    "recognised_on",
    "evidence",
    "note",
)
TRANSFORMATION_FIELDS = (
    "enterprise",
    "kind",
    "year",
    "completed_on",
    "amount",
    "description",
)


def _subject(row: Any) -> str:
    return str(row.enterprise.subject)


def _check_scope(actor: Any) -> Any:
    """The row's enterprise must be one the actor may see (checked before saving)."""

    def check(row: Any) -> None:
        ensure_sees(actor, row.enterprise)

    return check


def transformation_check(row: Transformation) -> None:
    """The rules a transformation keeps, in words (raises ValidationError)."""
    errors: dict[str, str] = {}
    if row.year and row.completed_on and row.completed_on.year != row.year:
        errors["completed_on"] = f"完成日期应在{row.year}年内"
    if row.kind == TransformationKind.TECH_UPGRADE:
        if row.amount is None:
            errors["amount"] = "“技改投入”须填写投入金额（万元）"
        elif row.amount <= 0:
            errors["amount"] = "技改投入金额须大于0"
    elif row.amount is not None:
        errors["amount"] = "只有“技改投入”填写金额，其他类型请留空"
    if errors:
        raise ValidationError(errors)


def _transformation_checker(actor: Any) -> Any:
    scope = _check_scope(actor)

    def check(row: Transformation) -> None:
        scope(row)
        transformation_check(row)

    return check


def _save(
    row: models.Model,
    values: dict[str, Any],
    fields: tuple[str, ...],
    actor: Any,
    actions: tuple[str, str],
    check: Any,
) -> Upserted[Any]:
    ensure_can_record(actor)
    if row.pk is not None:  # the record as it stands must be the actor's to change
        ensure_sees(actor, row.enterprise)  # type: ignore[attr-defined]
    return write_row(
        row,
        values,
        fields=fields,
        actor=actor,
        actions=actions,
        subject=_subject,
        check=check,
    )


@transaction.atomic
def product_save(
    *, values: dict[str, Any], actor: Any, row: Product | None = None
) -> Upserted[Product]:
    """Record a product or brand, or change one (unchanged values are left)."""
    return _save(
        row or Product(),
        values,
        PRODUCT_FIELDS,
        actor,
        (ProductsAction.PRODUCT_CREATE, ProductsAction.PRODUCT_UPDATE),
        _check_scope(actor),
    )


@transaction.atomic
def transformation_save(
    *, values: dict[str, Any], actor: Any, row: Transformation | None = None
) -> Upserted[Transformation]:
    """Record a transformation, or change one (unchanged values are left)."""
    return _save(
        row or Transformation(),
        values,
        TRANSFORMATION_FIELDS,
        actor,
        (ProductsAction.TRANSFORMATION_CREATE, ProductsAction.TRANSFORMATION_UPDATE),
        _transformation_checker(actor),
    )


@transaction.atomic
def record_delete(
    *, row: Product | Transformation, actor: Any, reason: str = ""
) -> None:
    """Delete a record, keeping every value in the audit trail."""
    ensure_can_record(actor)
    ensure_sees(actor, row.enterprise)
    action = (
        ProductsAction.PRODUCT_DELETE
        if isinstance(row, Product)
        else ProductsAction.TRANSFORMATION_DELETE
    )
    fields = [f.name for f in row._meta.concrete_fields if f.name != "id"]
    values = audit.snapshot(row, fields)
    audit.record(
        actor=actor,
        action=action,
        target=row,
        changes={k: [audit.to_jsonable(v), None] for k, v in values.items()},
        reason=reason,
        subject=_subject(row),
    )
    row.delete()
