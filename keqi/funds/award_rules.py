"""Funds and award rules: dated, each with its basis clause (HQ maintains them)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from keqi.accounts.scopes import district_for
from keqi.core import audit
from keqi.core.db_guards import insert_once
from keqi.funds.access import ensure_manager, ensure_own_district
from keqi.funds.actions import FundsAction, jsonable
from keqi.funds.models import AmountSource, AwardRule, AwardType, Fund, TriggerEvent
from keqi.funds.money import checked_yuan
from keqi.registry.models import QualificationKind, QualificationLevel

RULE_FIELDS = [
    "name",
    "award_type",
    "fund",
    "trigger_kind",
    "trigger_level",
    "trigger_event",
    "first_time_only",
    "amount",
    "amount_source",
    "effective_from",
    "effective_to",
    "basis_document",
    "basis_article",
    "basis_text",
    "note",
]


@transaction.atomic
def fund_create(
    *, code: str, name: str, actor: Any, note: str = "", district: Any = None
) -> Fund:
    """Create a fund (专项资金) of the actor's district (the system names it, or
    the only district). HQ only; the code and name must be new."""
    ensure_manager(actor)
    taken = f"专项资金“{name}”（{code}）已存在"
    if Fund.objects.filter(Q(code=code) | Q(name=name)).exists():
        raise ValidationError(taken)
    district = district or district_for(actor)
    if district is None:
        raise ValidationError("请指定专项资金所属的区")
    fund = Fund(code=code, name=name, note=note, district=district)
    insert_once(fund, taken)
    audit.record(
        actor=actor,
        action=FundsAction.FUND_CREATE,
        target=fund,
        changes=jsonable({"name": [None, name]}),
    )
    return fund


def _rule_errors(values: dict[str, Any]) -> list[str]:
    errors = []
    if values.get("award_type") not in AwardType.values:
        errors.append("请选择奖励类型")
    if values.get("amount_source") not in AmountSource.values:
        errors.append("请选择金额来源（文件未规定金额的，选“指挥部录入”）")
    kind, level = values.get("trigger_kind", ""), values.get("trigger_level", "")
    if kind and kind not in QualificationKind.values:
        errors.append(f"触发资质类型“{kind}”不在企业库的资质类型中")
    if level and level not in QualificationLevel.values:
        errors.append(f"资质级别“{level}”无效")
    if values.get("first_time_only") and not kind:
        errors.append("“仅限首次取得”须同时选择触发资质类型")
    event = values.get("trigger_event", "")
    if event and event not in TriggerEvent.values:
        errors.append(f"触发事项“{event}”无效")
    elif event and kind:
        errors.append("触发资质类型与触发事项只能选一项")
    start, end = values.get("effective_from"), values.get("effective_to")
    if start is None:
        errors.append("请填写生效日期")
    elif end is not None and end < start:
        errors.append("失效日期不能早于生效日期")
    for name, label in (
        ("name", "奖励名称"),
        ("basis_document", "依据文件"),
        ("basis_article", "依据条款"),
        ("basis_text", "条款原文"),
    ):
        if not str(values.get(name) or "").strip():
            errors.append(f"请填写{label}")
    return errors


def _overlapping(values: dict[str, Any], exclude_pk: int | None) -> AwardRule | None:
    """Another rule of the same district that the same qualification (or event)
    would trigger on an overlapping date. Another district's rule never pays
    this district's enterprises, so it neither clashes nor is named here."""
    kind, event = values.get("trigger_kind"), values.get("trigger_event")
    if not kind and not event:
        return None
    start, end = values["effective_from"], values.get("effective_to")
    others = (
        AwardRule.objects.filter(trigger_kind=kind)
        if kind
        else AwardRule.objects.filter(trigger_event=event)
    )
    fund = values.get("fund")
    if fund is not None:
        others = others.filter(fund__district_id=fund.district_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    level = values.get("trigger_level", "")
    if level:
        others = others.filter(trigger_level__in=["", level])
    for other in others:
        starts_before_end = end is None or other.effective_from <= end
        ends_after_start = other.effective_to is None or other.effective_to >= start
        if starts_before_end and ends_after_start:
            return other
    return None


def _rule_check(values: dict[str, Any], exclude_pk: int | None = None) -> None:
    errors = _rule_errors(values)
    if not errors:
        values["amount"] = checked_yuan(values.get("amount"), "奖励金额")
        other = _overlapping(values, exclude_pk)
        if other is not None:
            errors.append(
                f"与规则“{other.name}”（{other.effective_from}起）的触发资质（事项）和有效期重叠，"
                "同一资质会被重复奖励；请先给旧规则填写失效日期"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def award_rule_save(
    *, rule: AwardRule | None, values: dict[str, Any], actor: Any, reason: str = ""
) -> AwardRule:
    """Create (rule=None) or change an award rule. HQ only.

    Awards already made keep the amount and clause they were made with; to change
    an amount from a date on, end the old rule and start a new one.
    """
    ensure_manager(actor)
    values = {k: v for k, v in values.items() if k in RULE_FIELDS}
    fund = values.get("fund") or (rule.fund if rule else None)
    ensure_own_district(actor, fund.district_id if fund is not None else None)
    merged = {**audit.snapshot(rule, RULE_FIELDS), **values} if rule else values
    _rule_check(merged, rule.pk if rule else None)
    before = audit.snapshot(rule, RULE_FIELDS) if rule else {}
    row = rule or AwardRule()
    for name, value in merged.items():
        setattr(row, name, value)
    row.save()
    changes = audit.diff(before, audit.snapshot(row, RULE_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action=FundsAction.RULE_UPDATE if rule else FundsAction.RULE_CREATE,
            target=row,
            changes=changes,
            reason=reason,
        )
    return row
