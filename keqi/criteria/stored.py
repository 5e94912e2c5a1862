"""The rules in force, derived from HQ's append-only history of edits.

For a parameter: the latest edit per date of effect, unless that latest edit is a
withdrawal.  For a composed programme: the latest saved row per version, unless
withdrawn.  Both come out in the plain shapes ``keqi.rules`` reads.
"""

from __future__ import annotations

from typing import Any

from keqi.criteria.models import ParamEdit, ProgrammeDefinition
from keqi.criteria.values import ValueTextError, raw_of
from keqi.rules import ParamError, default_params


def latest_param_edits() -> list[ParamEdit]:
    """The edit in force per (parameter, date of effect), by parameter then date."""
    latest: dict[tuple[str, Any], ParamEdit] = {}
    for edit in ParamEdit.objects.order_by("id"):
        latest[(edit.param_id, edit.effective_from)] = edit
    kept = [e for e in latest.values() if not e.withdrawn]
    return sorted(kept, key=lambda e: (e.param_id, e.effective_from))


def override_spec(edit: ParamEdit) -> dict[str, Any]:
    """One stored edit as a dated override for ``ParamSet.with_overrides``."""
    kind = default_params().parameter(edit.param_id).type
    return {
        "value": raw_of(kind, edit.value_text),
        "from": edit.effective_from.isoformat(),
        "status": edit.status,
    }


def overrides_read() -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """HQ's overrides in force, {parameter id: [dated edits]} (JSON-safe), and
    a line for each stored edit that can no longer be read (left out)."""
    out: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for edit in latest_param_edits():
        try:
            out.setdefault(edit.param_id, []).append(override_spec(edit))
        except (ParamError, ValueTextError) as exc:
            problems.append(f"参数 {edit.param_id} 的总部修改未能使用：{exc}")
    return {pid: specs for pid, specs in out.items() if specs}, problems


def overrides_current() -> dict[str, list[dict[str, Any]]]:
    """HQ's overrides in force: {parameter id: [dated edits]} (JSON-safe)."""
    return overrides_read()[0]


def latest_definitions() -> list[ProgrammeDefinition]:
    """The saved row in force per (programme, version), by programme then date."""
    latest: dict[tuple[str, str], ProgrammeDefinition] = {}
    for row in ProgrammeDefinition.objects.order_by("id"):
        latest[(row.key, row.version)] = row
    kept = [r for r in latest.values() if not r.withdrawn]
    return sorted(kept, key=lambda r: (r.key, r.effective_from, r.version))


def definitions_current() -> tuple[dict[str, Any], ...]:
    """HQ's programme definitions in force, as ``compose_programmes`` reads them."""
    return tuple(dict(row.definition) for row in latest_definitions())
