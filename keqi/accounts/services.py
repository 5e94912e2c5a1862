"""Setting up the district's organisation and its users."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from keqi.accounts.models import Area, AreaKind, Role, Unit, UnitKind, User
from keqi.core import audit
from keqi.core.audit import AuditAction

DISTRICTS_DIR = Path(__file__).resolve().parent / "districts"
_AREA_UNIT_SUFFIX = {AreaKind.STREET: "办事处", AreaKind.TOWN: "人民政府"}


class DistrictConfigError(ValueError):
    """The district file is malformed; the message names the entry."""


@dataclass(frozen=True)
class InitSummary:
    areas_created: int
    units_created: int

    @property
    def changed(self) -> bool:
        return bool(self.areas_created or self.units_created)


def district_config_load(name_or_path: str) -> dict[str, Any]:
    """Read a district file by name (under accounts/districts) or by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = DISTRICTS_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise DistrictConfigError(f"找不到区配置文件：{path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "areas" not in data or "units" not in data:
        raise DistrictConfigError(f"区配置文件 {path} 缺少 areas 或 units")
    return data


def _area_units(areas: list[dict[str, Any]], kinds: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "code": f"{a['code']}-gov",
            "name": a["name"] + _AREA_UNIT_SUFFIX[a["kind"]],
            "short_name": a["name"],
            "kind": UnitKind.AREA,
            "area": a["code"],
        }
        for a in areas
        if a["kind"] in kinds
    ]


@transaction.atomic
def district_init(*, config: dict[str, Any], actor: Any = None) -> InitSummary:
    """Create the areas and units the config names; existing ones are left as they are."""
    areas_created = units_created = 0
    for sort, entry in enumerate(config["areas"]):
        if entry.get("kind") not in AreaKind.values:
            raise DistrictConfigError(
                f"第{sort + 1}个街镇/园区的类型无效：{entry.get('kind')}"
            )
        _, created = Area.objects.get_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "kind": entry["kind"], "sort": sort},
        )
        areas_created += created
    entries = list(config["units"]) + _area_units(
        config["areas"], config.get("area_units_for", [])
    )
    for sort, entry in enumerate(entries):
        area = Area.objects.get(code=entry["area"]) if entry.get("area") else None
        _, created = Unit.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "short_name": entry.get("short_name", ""),
                "kind": entry["kind"],
                "area": area,
                "sort": sort,
            },
        )
        units_created += created
    summary = InitSummary(areas_created, units_created)
    if summary.changed:
        hq = Unit.objects.filter(kind=UnitKind.HQ).first()
        if hq is not None:
            audit.record(
                actor=actor,
                action=AuditAction.DISTRICT_INIT,
                target=hq,
                changes={"areas": [0, areas_created], "units": [0, units_created]},
            )
    return summary


@transaction.atomic
def user_create(
    *, username: str, password: str, unit: Unit | None, role: str, full_name: str = ""
) -> User:
    """Create a login for a person in a unit."""
    if role not in Role.values:
        raise ValueError(f"未知角色：{role}")
    if role == Role.AREA_STAFF and (unit is None or unit.area_id is None):
        raise ValueError("街镇/园区工作人员必须属于一个街镇/园区单位")
    user = User(username=username, unit=unit, role=role, full_name=full_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
