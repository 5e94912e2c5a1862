"""Setting up the district's organisation and its users."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from keqi.accounts.actions import AccountAction
from keqi.accounts.models import (
    ADMIN_ROLES,
    Area,
    AreaKind,
    District,
    PasswordHistory,
    Role,
    SecurityPolicy,
    Unit,
    UnitKind,
    User,
)
from keqi.accounts.policy import RULES, forget, security_policy
from keqi.accounts.throttle import username_key
from keqi.core import audit
from keqi.core.audit import AuditAction
from keqi.core.text_safety import control_character_error

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
    data.setdefault("code", path.stem)
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


def _key_industries(config: dict[str, Any]) -> list[str]:
    """The district's 重点产业 as the file lists them (text, no repeats)."""
    raw = config.get("key_industries") or []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise DistrictConfigError("key_industries 应为重点产业名称的列表")
    names = [v.strip() for v in raw if v.strip()]
    if len(set(names)) != len(names) or any(len(v) > 20 for v in names):
        raise DistrictConfigError("key_industries 有重复或超过 20 字的名称")
    return names


def _district_ensure(config: dict[str, Any]) -> tuple[District | None, bool]:
    """The file's district (None for a city file, which has only city units)."""
    name = str(config.get("district") or "").strip()
    if not name:
        return None, False
    district, created = District.objects.get_or_create(
        code=str(config["code"]),
        defaults={"name": name, "sort": District.objects.count()},
    )
    industries = _key_industries(config)
    if district.key_industries != industries:
        district.key_industries = industries
        district.save(update_fields=["key_industries"])
    return district, created


def _finance_sync(district: District | None, config: dict[str, Any]) -> int:
    """Flag the unit the file names as the district's finance bureau; 1 if moved."""
    code = config.get("finance_unit")
    if district is None or not code:
        return 0
    unit = Unit.objects.filter(code=code, district=district).first()
    if unit is None or unit.kind != UnitKind.MEMBER:
        raise DistrictConfigError(f"finance_unit：{code} 不是本区的成员单位")
    others = Unit.objects.filter(district=district, is_finance=True).exclude(pk=unit.pk)
    moved = others.update(is_finance=False)
    if not unit.is_finance:
        unit.is_finance = True
        unit.save(update_fields=["is_finance"])
        moved += 1
    return min(moved, 1)


def _areas_load(config: dict[str, Any], district: District | None) -> int:
    created_count = 0
    for sort, entry in enumerate(config["areas"]):
        if entry.get("kind") not in AreaKind.values:
            raise DistrictConfigError(
                f"第{sort + 1}个街镇/园区的类型无效：{entry.get('kind')}"
            )
        if district is None:
            raise DistrictConfigError(
                "配置文件没有 district（区名称），不能载入街镇/园区"
            )
        area, created = Area.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "sort": sort,
                "district": district,
            },
        )
        if area.district_id != district.pk:
            raise DistrictConfigError(
                f"街镇/园区代码 {entry['code']} 已属于另一个区（{area.district}）"
            )
        created_count += created
    return created_count


def _units_load(config: dict[str, Any], district: District | None) -> int:
    entries = list(config["units"]) + _area_units(
        config["areas"], config.get("area_units_for", [])
    )
    created_count = 0
    for sort, entry in enumerate(entries):
        if entry.get("kind") not in UnitKind.values:
            raise DistrictConfigError(
                f"单位 {entry.get('code')} 的类型无效：{entry.get('kind')}"
            )
        area = Area.objects.get(code=entry["area"]) if entry.get("area") else None
        city = entry["kind"] == UnitKind.CITY
        if not city and district is None:
            raise DistrictConfigError(f"单位 {entry['code']}：区单位须在区配置文件中")
        unit, created = Unit.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "short_name": entry.get("short_name", ""),
                "kind": entry["kind"],
                "area": area,
                "district": None if city else district,
                "sort": sort,
            },
        )
        if unit.district_id != (None if city else district.pk):  # type: ignore[union-attr]
            raise DistrictConfigError(f"单位代码 {entry['code']} 已属于另一个区")
        created_count += created
    return created_count


def _cultivation_seed(district: District | None, config: dict[str, Any]) -> None:
    """The district's own tier ladder and reminder calendar: the defaults, or the
    file's `cultivation` section (what the district already has stays)."""
    from keqi.cultivation.defaults import district_settings_seed, settings_from_config

    if district is None:
        return
    try:
        chosen = settings_from_config(config)
    except ValueError as exc:
        raise DistrictConfigError(str(exc)) from None
    district_settings_seed(district=district, settings=chosen)


@transaction.atomic
def district_init(*, config: dict[str, Any], actor: Any = None) -> InitSummary:
    """Create the district, areas and units the config names and flag its finance
    bureau; existing rows are left as they are. A file of another district adds
    that district beside the ones already loaded; a city file (no `district`)
    adds city units only. Raises DistrictConfigError naming the entry."""
    district, district_created = _district_ensure(config)
    _cultivation_seed(district, config)
    areas_created = _areas_load(config, district)
    units_created = _units_load(config, district)
    finance_moved = _finance_sync(district, config)
    summary = InitSummary(areas_created, units_created)
    if summary.changed or district_created or finance_moved:
        target = Unit.objects.filter(
            kind=UnitKind.HQ if district else UnitKind.CITY, district=district
        ).first()
        if target is not None:
            audit.record(
                actor=actor,
                action=AuditAction.DISTRICT_INIT,
                target=target,
                changes={"areas": [0, areas_created], "units": [0, units_created]},
            )
    return summary


def _require_account_admin(actor: Any, user: User | None = None) -> None:
    """Only the system administrator (or the server's operator, actor None) manages
    accounts, and never the accounts of the three administrators from the web."""
    if actor is None:
        return
    if getattr(actor, "role", None) != Role.SYS_ADMIN or not actor.is_active:
        raise PermissionDenied("只有系统管理员可以管理账号。")
    if user is not None and (user.role in ADMIN_ROLES):
        raise PermissionDenied("三员账号只能由服务器管理人员用 keqi user 命令管理。")


def _password_set(user: User, password: str) -> None:
    """Check the policy (with the user's history) and set the password's hash."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()


def _password_remember(user: User) -> None:
    """Keep the new hash; only the last few (the policy's history) are kept."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = security_policy().password_history
    old = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def _reason_required(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise ValidationError({"reason": "请填写原因（将记入操作记录）。"})
    problem = control_character_error(cleaned)
    if problem:
        raise ValidationError({"reason": problem})
    return cleaned


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    unit: Unit | None,
    role: str,
    full_name: str = "",
    actor: Any = None,
    reason: str = "",
    must_change_password: bool = False,
    password_policy: bool = True,
) -> User:
    """Create a login for a person in a unit; the name is stored normalised.

    The system administrator's page and `keqi user add` pass
    must_change_password=True so the person chooses their own at first login;
    only the demo data skips the password policy (password_policy=False).
    Raises ValidationError naming the field, PermissionDenied for the wrong actor.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色：{role}"})
    key = username_key(username)
    _require_account_admin(actor, User(role=role))
    if role == Role.AREA_STAFF and (unit is None or unit.area_id is None):
        raise ValidationError({"unit": "街镇/园区工作人员必须属于一个街镇/园区单位"})
    if (role == Role.CITY) != (unit is not None and unit.kind == UnitKind.CITY):
        raise ValidationError({"unit": "市级账号必须且只能属于市级单位"})
    mine = getattr(getattr(actor, "unit", None), "district_id", None)
    if mine is not None and (unit is None or unit.district_id != mine):
        raise PermissionDenied("只能为本区的单位建立账号。")
    if User.objects.filter(username=key).exists():
        raise ValidationError(
            {"username": f"用户名“{key}”已被使用（已停用的账号也占用用户名）"}
        )
    problem = control_character_error(full_name)
    if problem:
        raise ValidationError({"full_name": f"姓名{problem}"})
    user = User(username=key, unit=unit, role=role, full_name=full_name.strip())
    user.must_change_password = must_change_password
    user.full_clean(exclude=["password"])
    if password_policy:
        _password_set(user, password)
    else:
        user.set_password(password)
    user.save()
    _password_remember(user)
    audit.record(
        actor=actor,
        action=AccountAction.USER_CREATE,
        target=user,
        changes={
            "unit": [None, str(unit) if unit else None],
            "role": [None, user.get_role_display()],
            "full_name": [None, user.full_name],
        },
        reason=reason,
        subject=f"user:{user.pk}",
    )
    return user


@transaction.atomic
def user_disable(*, user: User, actor: Any, reason: str) -> User:
    """Stop a login from working (accounts are never deleted: the trail names them)."""
    _require_account_admin(actor, user)
    cleaned = _reason_required(reason)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"user": "不能停用自己的账号。"})
    if not user.is_active:
        raise ValidationError({"user": "该账号已是停用状态。"})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action=AccountAction.USER_DISABLE,
        target=user,
        changes={"is_active": [True, False]},
        reason=cleaned,
        subject=f"user:{user.pk}",
    )
    return user


@transaction.atomic
def user_enable(*, user: User, actor: Any, reason: str) -> User:
    """Let a disabled login work again."""
    _require_account_admin(actor, user)
    cleaned = _reason_required(reason)
    if user.is_active:
        raise ValidationError({"user": "该账号已是启用状态。"})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action=AccountAction.USER_ENABLE,
        target=user,
        changes={"is_active": [False, True]},
        reason=cleaned,
        subject=f"user:{user.pk}",
    )
    return user


@transaction.atomic
def user_reset_password(*, user: User, password: str, actor: Any, reason: str) -> User:
    """Give a person a temporary password they must change at their next login."""
    _require_account_admin(actor, user)
    cleaned = _reason_required(reason)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"user": "请在“修改密码”页修改自己的密码。"})
    _password_set(user, password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _password_remember(user)
    audit.record(
        actor=actor,
        action=AccountAction.USER_PASSWORD_RESET,
        target=user,
        changes={"must_change_password": [None, True]},
        reason=cleaned,
        subject=f"user:{user.pk}",
    )
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A person changes their own password (also how a forced change is met)."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    _password_set(user, new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _password_remember(user)
    audit.record(
        actor=user,
        action=AccountAction.USER_PASSWORD_CHANGE,
        target=user,
        subject=f"user:{user.pk}",
    )
    return user


def _policy_value(key: str, value: Any) -> int:
    """The value as a whole number inside the key's bounds, else a Chinese error."""
    rule = RULES[key]
    text = str(value).strip()
    bounds = f"{rule.minimum} 到 {rule.maximum} {rule.unit}"
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            {"value": f"{rule.label}须为 {bounds}之间的整数，收到“{text[:20]}”。"}
        )
    number = int(text)
    if not rule.minimum <= number <= rule.maximum:
        raise ValidationError(
            {"value": f"{rule.label}须在 {bounds}之间，收到 {number}。"}
        )
    return number


@transaction.atomic
def security_policy_set(
    *, key: str, value: Any, reason: str, actor: Any
) -> SecurityPolicy:
    """The security administrator changes one policy value, with a reason.

    The change is a new row (the newest per key is in force) and an audited
    `policy.change` event. Raises PermissionDenied for anyone but an active
    security administrator, ValidationError naming the field for a bad value."""
    if (
        getattr(actor, "role", None) != Role.SEC_ADMIN
        or not getattr(actor, "is_active", False)
        or not getattr(actor, "pk", None)
    ):
        raise PermissionDenied("只有安全管理员可以修改安全策略。")
    if key not in RULES:
        raise ValidationError({"key": f"没有这项安全策略：{str(key)[:40]}"})
    number = _policy_value(key, value)
    cleaned = _reason_required(str(reason))
    old = int(getattr(security_policy(), key))
    if number == old:
        raise ValidationError(
            {"value": f"{RULES[key].label}现行值已是 {number}，无需修改。"}
        )
    row = SecurityPolicy.objects.create(
        key=key, value=number, reason=cleaned, changed_by=actor
    )
    audit.record(
        actor=actor,
        action=AccountAction.POLICY_CHANGE,
        target=row,
        changes={key: [old, number]},
        reason=cleaned,
        subject=f"policy:{key}",
    )
    forget()
    return row
