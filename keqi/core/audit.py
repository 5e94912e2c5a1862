"""Writing and reading the audit trail. Every service calls `record` in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from keqi.core.models import AuditEvent


class AuditAction:
    """Names of audited actions; grep for them to find every place a thing changes."""

    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_UPDATE = "enterprise.update"
    FIGURES_CREATE = "figures.create"
    FIGURES_UPDATE = "figures.update"
    IP_CREATE = "ip.create"
    IP_UPDATE = "ip.update"
    IP_DELETE = "ip.delete"
    QUALIFICATION_CREATE = "qualification.create"
    QUALIFICATION_UPDATE = "qualification.update"
    QUALIFICATION_DELETE = "qualification.delete"
    QUALIFICATION_REVOKE = "qualification.revoke"
    CREDIT_CREATE = "credit.create"
    CREDIT_UPDATE = "credit.update"
    CREDIT_DELETE = "credit.delete"
    WORKBOOK_IMPORT = "workbook.import"
    WORKBOOK_EXPORT = "workbook.export"
    LOGIN_LOCKED = "login.locked"
    DISTRICT_INIT = "district.init"


ACTION_LABELS: dict[str, str] = {
    AuditAction.ENTERPRISE_CREATE: "新建企业",
    AuditAction.ENTERPRISE_UPDATE: "修改企业信息",
    AuditAction.FIGURES_CREATE: "新增年度数据",
    AuditAction.FIGURES_UPDATE: "修改年度数据",
    AuditAction.IP_CREATE: "新增知识产权",
    AuditAction.IP_UPDATE: "修改知识产权",
    AuditAction.IP_DELETE: "删除知识产权",
    AuditAction.QUALIFICATION_CREATE: "新增资质荣誉",
    AuditAction.QUALIFICATION_UPDATE: "修改资质荣誉",
    AuditAction.QUALIFICATION_DELETE: "删除资质荣誉",
    AuditAction.CREDIT_CREATE: "新增信用记录",
    AuditAction.CREDIT_UPDATE: "修改信用记录",
    AuditAction.CREDIT_DELETE: "删除信用记录",
    AuditAction.WORKBOOK_IMPORT: "导入工作簿",
    AuditAction.WORKBOOK_EXPORT: "导出工作簿",
    AuditAction.LOGIN_LOCKED: "登录锁定",
    AuditAction.DISTRICT_INIT: "初始化区配置",
    AuditAction.QUALIFICATION_REVOKE: "撤销资质荣誉",
}


def register_action_labels(labels: Mapping[str, str]) -> None:
    """Let an app add the Chinese labels of its own audited actions (from ready())."""
    ACTION_LABELS.update(labels)


def to_jsonable(value: Any) -> Any:
    """A value as it is stored in the trail: exact decimals and dates as text."""
    if isinstance(value, Decimal):
        # 1.5 and 1.500000 (as the database returns it) are the same amount.
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = to_jsonable(before.get(key)), to_jsonable(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model instance, for diffing before and after a change.

    An unset foreign key reads as None rather than raising.
    """
    values: dict[str, Any] = {}
    for name in fields:
        try:
            values[name] = getattr(instance, name)
        except ObjectDoesNotExist:
            values[name] = None
    return values


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    subject: str = "",
) -> AuditEvent:
    """Append one event to the audit trail (call inside the service's transaction)."""
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        subject=subject,
        changes=dict(changes or {}),
        reason=reason[:500],
    )
