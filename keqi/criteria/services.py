"""Every change to the rules: HQ's parameter edits and composed programmes.

Each service checks that the actor keeps the rules (``access.rules_refusal``:
the city, or HQ in a one-district install), checks the change with the engine's own
loader (``ParamSet.with_overrides``, ``compose_programmes``) together with every
other stored edit, adds one history row (never updates one) and writes its
audit row in the same transaction.  On any error nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.core import audit
from keqi.criteria.access import rules_refusal
from keqi.criteria.composable import COMPOSABLE_BY_KEY, compose_problems
from keqi.criteria.engine import EngineSetup, engine_setup_build
from keqi.criteria.models import ParamEdit, ParamStatus, ProgrammeDefinition
from keqi.criteria.stored import (
    definitions_current,
    latest_definitions,
    latest_param_edits,
    overrides_current,
)
from keqi.criteria.values import ValueTextError, raw_of, text_of
from keqi.rules import ComposeError, ParamError, Parameter, default_params, evaluate
from keqi.rules.demo import demo_enterprise


class CriteriaAction:
    """Audited action names of the criteria app."""

    PARAM_EDIT = "criteria.param_edit"
    PARAM_WITHDRAW = "criteria.param_withdraw"
    PROGRAMME_SAVE = "criteria.programme_save"
    PROGRAMME_WITHDRAW = "criteria.programme_withdraw"


ACTION_LABELS = {
    CriteriaAction.PARAM_EDIT: "修改评价参数",
    CriteriaAction.PARAM_WITHDRAW: "撤销参数修改",
    CriteriaAction.PROGRAMME_SAVE: "保存评价项目定义",
    CriteriaAction.PROGRAMME_WITHDRAW: "撤销评价项目版本",
}


def _require_hq(actor: Any) -> None:
    """The rules' keeper (``access.rules_refusal``), or ``None`` for the system
    itself (``keqi demo``), as in the registry."""
    refusal = rules_refusal(actor)
    if refusal:
        raise PermissionDenied(refusal)


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写修改理由（将记入操作记录）")
    return reason


def shipped_parameter(param_id: str) -> Parameter:
    """The parameter as shipped with the engine; ValidationError if unknown."""
    try:
        return default_params().parameter(param_id)
    except ParamError:
        raise ValidationError(f"没有参数“{param_id}”") from None


def value_in_force(setup: EngineSetup, param_id: str, day: dt.date) -> tuple[str, str]:
    """(value text, status) of ``param_id`` on ``day`` under ``setup`` ("" if none)."""
    param = setup.params.parameter(param_id)
    version = param.version_or_none(day)
    if version is None:
        return "", ""
    return text_of(param.type, version.raw), param.status_on(day)


def setup_checked(
    overrides: Mapping[str, Any],
    definitions: tuple[Mapping[str, Any], ...],
    day: dt.date | None = None,
) -> EngineSetup:
    """Build a setup and, on the ``day`` a change takes effect, evaluate the
    engine's worked example under it, so a value the loader accepts but the
    rules cannot use is refused too.  ValidationError (Chinese) on any problem."""
    try:
        setup = engine_setup_build(overrides, definitions)
    except ParamError as exc:
        raise ValidationError(str(exc)) from None
    except ComposeError as exc:
        raise ValidationError(compose_problems(str(exc))) from None
    if day is not None:
        trial_evaluate(setup, day)
    return setup


def trial_evaluate(setup: EngineSetup, day: dt.date) -> None:
    """Evaluate the engine's worked example on ``day``; ValidationError if the
    rules cannot run under ``setup``."""
    try:
        evaluate(demo_enterprise(), as_of=day, params=setup.params, extra=setup.extra)
    except (ParamError, ValueError, TypeError, ArithmeticError) as exc:
        raise ValidationError(f"按此修改，{day} 的评价无法进行：{exc}") from None


def param_edit_check(
    *, param_id: str, value_text: str, effective_from: dt.date, status: str
) -> tuple[str, EngineSetup]:
    """(the value text as stored, the setup with this edit) for a pending edit,
    checked by the engine with every other stored edit; ValidationError in
    Chinese when it is refused.  Saves nothing (the preview uses it)."""
    param = shipped_parameter(param_id)
    if status not in ParamStatus.values:
        raise ValidationError("请选择来源状态")
    text = value_text.replace("\r\n", "\n").strip()
    try:
        raw = raw_of(param.type, text)
    except ValueTextError as exc:
        raise ValidationError(f"取值：{exc}") from None
    overrides = overrides_current()
    spec = {"value": raw, "from": effective_from.isoformat(), "status": status}
    mine = [s for s in overrides.get(param_id, []) if s["from"] != spec["from"]]
    overrides[param_id] = [*mine, spec]
    return text, setup_checked(overrides, definitions_current(), effective_from)


@transaction.atomic
def param_edit_save(
    *,
    param_id: str,
    value_text: str,
    effective_from: dt.date,
    status: str,
    reason: str,
    actor: Any,
) -> ParamEdit:
    """Set a parameter's value from a date (HQ only). Checked by the engine with
    every other stored edit; ValidationError in Chinese, nothing stored."""
    _require_hq(actor)
    reason = _require_reason(reason)
    before = engine_setup_build(overrides_current(), ())
    text, _ = param_edit_check(
        param_id=param_id,
        value_text=value_text,
        effective_from=effective_from,
        status=status,
    )
    row = ParamEdit.objects.create(
        param_id=param_id,
        value_text=text,
        effective_from=effective_from,
        status=status,
        reason=reason,
        created_by=actor,
    )
    old_value, old_status = value_in_force(before, param_id, effective_from)
    changes = {
        "value": [old_value, text],
        "status": [old_status, status],
        "effective_from": [None, effective_from.isoformat()],
    }
    audit.record(
        actor=actor,
        action=CriteriaAction.PARAM_EDIT,
        target=row,
        changes=changes,
        reason=reason,
        subject=f"param:{param_id}",
    )
    return row


@transaction.atomic
def param_edit_withdraw(
    *, param_id: str, effective_from: dt.date, reason: str, actor: Any
) -> ParamEdit:
    """Take HQ's edit of ``param_id`` at ``effective_from`` back out (HQ only);
    the shipped value (or an earlier version) applies again from that date."""
    _require_hq(actor)
    reason = _require_reason(reason)
    current = next(
        (
            e
            for e in latest_param_edits()
            if e.param_id == param_id and e.effective_from == effective_from
        ),
        None,
    )
    if current is None:
        raise ValidationError(f"参数“{param_id}”在 {effective_from} 没有总部的修改")
    overrides = overrides_current()
    overrides[param_id] = [
        s for s in overrides[param_id] if s["from"] != effective_from.isoformat()
    ]
    setup_checked({k: v for k, v in overrides.items() if v}, definitions_current())
    row = ParamEdit.objects.create(
        param_id=param_id,
        effective_from=effective_from,
        withdrawn=True,
        reason=reason,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=CriteriaAction.PARAM_WITHDRAW,
        target=row,
        changes={"value": [current.value_text, None]},
        reason=reason,
        subject=f"param:{param_id}",
    )
    return row


def _composable_name(key: str) -> str:
    spec = COMPOSABLE_BY_KEY.get(key)
    if spec is None:
        raise ValidationError(f"“{key}”不是可由总部组合定义的评价项目")
    return spec.name


def _definition_start(data: Mapping[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(data.get("effective_from")))
    except ValueError:
        raise ValidationError("请填写生效日期，格式如 2019-01-01") from None


def programme_definition_check(
    *, key: str, definition: Mapping[str, Any]
) -> tuple[dict[str, Any], EngineSetup]:
    """(the definition as stored, the setup with it) for a pending version of a
    composed programme, built by ``compose_programmes`` with every other stored
    definition; ValidationError listing every problem in Chinese.  Saves nothing."""
    data = {**definition, "key": key, "name": _composable_name(key)}
    version = str(data.get("version", "")).strip()
    others = [
        d
        for d in definitions_current()
        if not (d.get("key") == key and str(d.get("version")) == version)
    ]
    setup = setup_checked(overrides_current(), (*others, data))
    trial_evaluate(setup, _definition_start(data))
    return data, setup


@transaction.atomic
def programme_definition_save(
    *, key: str, definition: Mapping[str, Any], reason: str, actor: Any
) -> ProgrammeDefinition:
    """Save one version of a composed programme (HQ only); a version with the
    same label is replaced from now on.  Checked as in
    :func:`programme_definition_check`; on error nothing is stored."""
    _require_hq(actor)
    reason = _require_reason(reason)
    data, _ = programme_definition_check(key=key, definition=definition)
    version = str(data["version"])
    before = next(
        (r for r in latest_definitions() if r.key == key and r.version == version),
        None,
    )
    row = ProgrammeDefinition.objects.create(
        key=key,
        version=version,
        effective_from=_definition_start(data),
        definition=data,
        reason=reason,
        created_by=actor,
    )
    old = before.definition if before else None
    audit.record(
        actor=actor,
        action=CriteriaAction.PROGRAMME_SAVE,
        target=row,
        changes={"definition": [old, data]},
        reason=reason,
        subject=f"programme:{key}",
    )
    return row


@transaction.atomic
def programme_definition_withdraw(
    *, key: str, version: str, reason: str, actor: Any
) -> ProgrammeDefinition:
    """Take one version of a composed programme out (HQ only); with no version
    left the programme is absent from verdicts again."""
    _require_hq(actor)
    reason = _require_reason(reason)
    current = next(
        (r for r in latest_definitions() if r.key == key and r.version == version),
        None,
    )
    if current is None:
        raise ValidationError(f"评价项目“{key}”没有版本“{version}”")
    others = tuple(
        d
        for d in definitions_current()
        if not (d.get("key") == key and str(d.get("version")) == version)
    )
    setup_checked(overrides_current(), others)
    row = ProgrammeDefinition.objects.create(
        key=key,
        version=version,
        effective_from=current.effective_from,
        definition=current.definition,
        withdrawn=True,
        reason=reason,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=CriteriaAction.PROGRAMME_WITHDRAW,
        target=row,
        changes={"definition": [current.definition, None]},
        reason=reason,
        subject=f"programme:{key}",
    )
    return row
