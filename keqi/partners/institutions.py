"""The institutions a plan names (实施方案点名的合作院所), loaded with the plan.

A district's plan file lists them under `institutions:`; `keqi plan load` hands the
section here (the campaign's plan-section hook), so each install gets the
institutions of its own district's plan and no migration seeds them everywhere.
Loading adds the ones missing and marks them named in the plan; an existing row
keeps what the bureau has since written in it."""

from __future__ import annotations

from typing import Any

from keqi.campaign.plan_sections import PlanSection
from keqi.partners.models import Institution, InstitutionKind

_KEYS = {"name", "short_name", "kind", "region", "note"}
_LENGTHS = {"name": 100, "short_name": 40, "region": 60, "note": 500}


def institutions_check(raw: Any) -> list[str]:
    """Problems with the `institutions` section, each naming its place."""
    if not isinstance(raw, list):
        return ["institutions: 应为院所列表"]
    errors = []
    for i, entry in enumerate(raw):
        place = f"institutions[{i}]"
        if not isinstance(entry, dict):
            errors.append(f"{place}: 应为包含 name、kind 等字段的条目")
            continue
        errors += [f"{place}.{k}: 未知的字段（请检查拼写）" for k in set(entry) - _KEYS]
        if not str(entry.get("name") or "").strip():
            errors.append(f"{place}.name: 请填写院所名称")
        if entry.get("kind") not in InstitutionKind.values:
            allowed = "、".join(InstitutionKind.values)
            errors.append(f"{place}.kind: 应为 {allowed} 之一")
        errors += [
            f"{place}.{k}: 不能超过 {n} 字"
            for k, n in _LENGTHS.items()
            if len(str(entry.get(k) or "")) > n
        ]
    return errors


def institutions_load(
    plan: Any, raw: list[dict[str, Any]], actor: Any
) -> dict[str, list[Any]]:
    """Add the plan's institutions that are missing; an existing one is marked
    named in the plan and otherwise left as it is. Returns what was added."""
    added = []
    for entry in raw:
        name = str(entry["name"]).strip()
        row, created = Institution.objects.get_or_create(
            name=name,
            defaults={
                "short_name": str(entry.get("short_name") or ""),
                "kind": entry["kind"],
                "region": str(entry.get("region") or ""),
                "named_in_plan": True,
                "note": str(entry.get("note") or ""),
            },
        )
        if created:
            added.append(name)
        elif not row.named_in_plan:
            row.named_in_plan = True
            row.save(update_fields=["named_in_plan"])
    return {"added": [None, "、".join(added)]} if added else {}


SECTION = PlanSection("institutions", institutions_check, institutions_load)
