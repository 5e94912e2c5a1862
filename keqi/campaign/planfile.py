"""Plan files (方案文件): a campaign plan written as YAML, read and checked.

Pure Python (no Django): `plan_file_read(path)` returns a frozen `PlanSpec` or raises
`PlanFileError` listing every problem with its place in the file, e.g.
`measures[3].deadline: 日期格式应为 YYYY-MM-DD` (list positions count from 0).
Dates stay text until checked here, so a bad date is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from keqi.campaign.plan_sections import plan_sections

SOURCES = ("auto", "reported")
WEIGHT_KEYS = ("on_time", "schedule", "results", "data_quality")
NAMING_RULES = (
    "late_reports_at_least",
    "reports_without_person_at_least",
    "red_items_at_least",
    "missed_targets_at_least",
    "overdue_decisions_at_least",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_TOP_KEYS = {
    "name", "title", "district", "issuer", "drafter", "notice_title",
    "document_number", "document_date", "approved_by", "year", "start_month",
    "units", "unit_groups", "targets", "measures", "organisation",
}  # fmt: skip


_TARGET_KEYS = {
    "key", "name", "value", "unit", "deadline", "deadline_text", "source", "metric",
    "milestone", "responsible", "plan_text", "note",
}  # fmt: skip
_MEASURE_KEYS = {
    "number", "title", "text", "units", "units_text", "deadline", "deadline_text",
    "targets",
}  # fmt: skip


class PlanFileError(ValueError):
    """The plan file is malformed; `errors` holds one Chinese line per problem."""

    def __init__(self, errors: list[str], source: str = "") -> None:
        self.errors = errors
        head = f"方案文件{(' ' + source) if source else ''}有 {len(errors)} 处错误"
        super().__init__(head + "（列表序号从 0 开始）：\n" + "\n".join(errors))


@dataclass(frozen=True)
class UnitGroup:
    """A collective name in the plan (各街镇, 各成员单位) that stands for many units."""

    key: str
    label: str
    area_kinds: tuple[str, ...] = ()
    members: bool = False


@dataclass(frozen=True)
class TargetSpec:
    """One 攻坚目标 figure as the plan states it."""

    key: str
    name: str
    value: Decimal
    unit: str
    deadline: dt.date
    deadline_text: str
    source: str
    metric: str
    responsible: tuple[str, ...]
    plan_text: str
    note: str
    milestone: bool = False


@dataclass(frozen=True)
class MeasureSpec:
    """One 工作措施: its number, text, units (lead first) and deadline if any."""

    number: int
    title: str
    text: str
    units: tuple[str, ...]
    units_text: str
    deadline: dt.date | None
    deadline_text: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PlanSpec:
    """A whole plan file, checked."""

    name: str
    title: str
    district: str
    issuer: str
    drafter: str
    notice_title: str
    document_number: str
    document_date: dt.date | None
    approved_by: str
    year: int
    start_month: dt.date
    units: dict[str, str]
    unit_groups: dict[str, UnitGroup]
    targets: tuple[TargetSpec, ...]
    measures: tuple[MeasureSpec, ...]
    office_unit: str
    report_day: int
    yellow_ratio: Decimal
    weights: dict[str, Decimal]
    naming: dict[str, dict[str, int]]
    organisation: dict[str, Any]
    # Sections other apps keep (plan_sections), raw and already checked by them.
    sections: dict[str, Any] = field(default_factory=dict)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so we can check them ourselves."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Checker:
    """Collects problems with their path instead of stopping at the first one."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def text(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"{path}{key}", "不能为空")
            return ""
        if not isinstance(value, str | int):
            self.fail(f"{path}{key}", "应为文字")
            return ""
        return str(value).strip()

    def date(self, value: Any, path: str, *, required: bool = True) -> dt.date | None:
        if value is None:
            if required:
                self.fail(path, "不能为空，日期格式应为 YYYY-MM-DD")
            return None
        text = str(value).strip()
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(path, f"日期格式应为 YYYY-MM-DD（实际为 {text!r}）")
            return None

    def number(self, value: Any, path: str) -> Decimal | None:
        if isinstance(value, bool) or value is None:
            self.fail(path, "应为数字")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(path, f"应为数字（实际为 {value!r}）")
            return None
        if not number.is_finite():
            self.fail(path, "应为有限的数字")
            return None
        return number

    def integer(self, value: Any, path: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"应为 {low} 到 {high} 之间的整数（实际为 {value!r}）")
            return low
        if not low <= value <= high:
            self.fail(path, f"应在 {low} 到 {high} 之间（实际为 {value}）")
        return int(value)

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "应为“键: 值”形式的表")
            return {}
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, "应为列表（每项以 - 开头）")
            return []
        return value


def plan_file_read(
    path: str | Path, *, known_metrics: Collection[str] | None = None
) -> PlanSpec:
    """Read and check a plan file; raise PlanFileError naming every problem."""
    file = Path(path)
    if not file.exists():
        raise PlanFileError([f"{file}: 找不到方案文件"])
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PlanFileError([f"(文件格式): 不是有效的 YAML：{exc}"], str(file)) from exc
    return plan_data_check(data, known_metrics=known_metrics, source=str(file))


def plan_data_check(
    data: Any, *, known_metrics: Collection[str] | None = None, source: str = ""
) -> PlanSpec:
    """Check already-parsed plan data (dates as text) and build a PlanSpec."""
    check = _Checker()
    top = check.mapping(data, "(文件)")
    registered = plan_sections()
    for key in sorted(set(top) - _TOP_KEYS - set(registered)):
        check.fail(key, "未知的字段（请检查拼写）")
    sections = {k: top[k] for k in sorted(set(top) & set(registered))}
    for key, raw in sections.items():
        check.errors.extend(registered[key].check(raw))
    units = _units(check, top.get("units"))
    groups = _groups(check, top.get("unit_groups", {}))
    head = _header(check, top, units)
    refs = set(units) | set(groups)
    targets = _targets(check, top.get("targets"), refs, known_metrics, head["start"])
    measures = _measures(check, top.get("measures"), refs, {t.key for t in targets})
    org = _organisation(check, top.get("organisation"), units)
    if check.errors:
        raise PlanFileError(check.errors, source)
    return PlanSpec(
        start_month=head.pop("start"),
        units=units,
        unit_groups=groups,
        targets=tuple(targets),
        measures=tuple(measures),
        organisation=dict(top.get("organisation") or {}),
        sections=sections,
        **head,
        **org,
    )


_HEADER_TEXTS = (
    "title", "district", "issuer", "notice_title", "document_number", "approved_by",
)  # fmt: skip


def _header(
    check: _Checker, top: dict[str, Any], units: dict[str, str]
) -> dict[str, Any]:
    """The plan's identity: name, year, start month, document facts, drafter."""
    name = check.text(top, "name", "")
    if name and not _SLUG.match(name):
        check.fail("name", "方案代码只能用小写字母、数字和连字符，如 baodi-2019")
    drafter = check.text(top, "drafter", "", required=False)
    if drafter and drafter not in units:
        check.fail("drafter", f"单位代码 {drafter} 未在 units 中列出")
    head: dict[str, Any] = {
        key: check.text(top, key, "", required=key == "title") for key in _HEADER_TEXTS
    }
    head |= {
        "name": name,
        "drafter": drafter,
        "year": check.integer(top.get("year"), "year", 2000, 2100),
        "start": _start_month(check, top.get("start_month")),
        "document_date": check.date(top.get("document_date"), "document_date"),
    }
    return head


def _start_month(check: _Checker, value: Any) -> dt.date | None:
    text = str(value or "").strip()
    if not _MONTH.match(text) or not 1 <= int(text[5:]) <= 12:
        check.fail("start_month", f"月份格式应为 YYYY-MM（实际为 {text!r}）")
        return None
    return dt.date(int(text[:4]), int(text[5:]), 1)


def _units(check: _Checker, value: Any) -> dict[str, str]:
    units: dict[str, str] = {}
    for code, label in check.mapping(value, "units").items():
        if not isinstance(code, str) or not _SLUG.match(code):
            check.fail(f"units.{code}", "单位代码只能用小写字母、数字和连字符")
        elif not isinstance(label, str) or not label.strip():
            check.fail(f"units.{code}", "应写出方案中的单位称谓")
        else:
            units[code] = label.strip()
    if not units and not check.errors:
        check.fail("units", "至少列出一个单位")
    return units


def _groups(check: _Checker, value: Any) -> dict[str, UnitGroup]:
    groups: dict[str, UnitGroup] = {}
    for key, raw in check.mapping(value, "unit_groups").items():
        path = f"unit_groups.{key}"
        entry = check.mapping(raw, path)
        label = check.text(entry, "label", path + ".")
        kinds = entry.get("area_kinds") or []
        members = entry.get("members") is True
        if not isinstance(kinds, list) or any(
            k not in ("street", "town", "park") for k in kinds
        ):
            check.fail(path + ".area_kinds", "只能是 street、town、park 的列表")
            kinds = []
        if not kinds and not members:
            check.fail(
                path, "须写 area_kinds（按街镇类型）或 members: true（全部单位）"
            )
        groups[str(key)] = UnitGroup(str(key), label, tuple(kinds), members)
    return groups


def _unit_refs(
    check: _Checker, value: Any, path: str, refs: set[str]
) -> tuple[str, ...]:
    items = check.items(value, path)
    if not items and isinstance(value, list):
        check.fail(path, "至少列出一个责任单位（牵头单位在前）")
    for i, ref in enumerate(items):
        if ref not in refs:
            check.fail(f"{path}[{i}]", f"{ref} 不是 units 或 unit_groups 中的代码")
    if len(set(map(str, items))) != len(items):
        check.fail(path, "单位重复")
    return tuple(str(r) for r in items)


def _targets(
    check: _Checker,
    value: Any,
    refs: set[str],
    known_metrics: Collection[str] | None,
    start: dt.date | None,
) -> list[TargetSpec]:
    result: list[TargetSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(check.items(value, "targets")):
        p = f"targets[{i}]"
        entry = check.mapping(raw, p)
        spec = _target(check, entry, p, refs, known_metrics)
        if spec is None:
            continue
        if spec.key in seen:
            check.fail(p + ".key", f"目标代码 {spec.key} 重复")
        seen.add(spec.key)
        if start is not None and spec.deadline < start:
            check.fail(p + ".deadline", "截止日期早于方案起始月")
        result.append(spec)
    return result


def _target(
    check: _Checker,
    entry: dict[str, Any],
    p: str,
    refs: set[str],
    known_metrics: Collection[str] | None,
) -> TargetSpec | None:
    _unknown_keys(check, entry, p, _TARGET_KEYS)
    key = check.text(entry, "key", p + ".")
    if key and not _SLUG.match(key):
        check.fail(p + ".key", "目标代码只能用小写字母、数字和连字符")
    value = check.number(entry.get("value"), p + ".value")
    if value is not None and value <= 0:
        check.fail(p + ".value", "目标值应大于 0")
    source, metric = _source_metric(check, entry, p, known_metrics)
    deadline = check.date(entry.get("deadline"), p + ".deadline")
    responsible = _unit_refs(check, entry.get("responsible"), p + ".responsible", refs)
    name = check.text(entry, "name", p + ".")
    unit = check.text(entry, "unit", p + ".")
    plan_text = check.text(entry, "plan_text", p + ".")
    milestone = entry.get("milestone", False)
    if not isinstance(milestone, bool):
        check.fail(p + ".milestone", "应为 true 或 false")
    if value is None or deadline is None:
        return None
    return TargetSpec(
        milestone=milestone is True,
        key=key,
        name=name,
        value=value,
        unit=unit,
        deadline=deadline,
        deadline_text=check.text(entry, "deadline_text", p + ".", required=False),
        source=source,
        metric=metric,
        responsible=responsible,
        plan_text=plan_text,
        note=check.text(entry, "note", p + ".", required=False),
    )


def _unknown_keys(
    check: _Checker, entry: dict[str, Any], path: str, known: set[str]
) -> None:
    for key in sorted(set(map(str, entry)) - known):
        check.fail(f"{path}.{key}", "未知的字段（请检查拼写）")


def _countable_typed(
    check: _Checker, entry: dict[str, Any], p: str, metrics: Mapping[str, Any]
) -> None:
    """A target the registry can count is never typed by a unit: a `reported`
    target whose name holds a metric's words (its `plan_words`) is refused."""
    name = str(entry.get("name", ""))
    for key, metric in sorted(metrics.items()):
        words = [w for w in getattr(metric, "plan_words", ()) if w in name]
        if words:
            check.fail(
                p + ".source",
                f"“{words[0]}”由系统按记录统计，不能由单位填报；"
                f"请写 source: auto 和 metric: {key}",
            )
            return


def _source_metric(
    check: _Checker,
    entry: dict[str, Any],
    p: str,
    known_metrics: Collection[str] | None,
) -> tuple[str, str]:
    source = check.text(entry, "source", p + ".")
    if source and source not in SOURCES:
        check.fail(
            p + ".source", "应为 auto（系统自动统计）或 reported（责任单位填报）"
        )
    metric = check.text(entry, "metric", p + ".", required=source == "auto")
    if source == "reported" and metric:
        check.fail(p + ".metric", "填报类目标不应写 metric")
    if source == "reported" and isinstance(known_metrics, Mapping):
        _countable_typed(check, entry, p, known_metrics)
    if metric and known_metrics is not None and metric not in known_metrics:
        check.fail(
            p + ".metric",
            f"未知的统计口径 {metric}；可用：{'、'.join(sorted(known_metrics))}",
        )
    return source, metric


def _measures(
    check: _Checker, value: Any, refs: set[str], target_keys: set[str]
) -> list[MeasureSpec]:
    result: list[MeasureSpec] = []
    for i, raw in enumerate(check.items(value, "measures")):
        p = f"measures[{i}]"
        entry = check.mapping(raw, p)
        _unknown_keys(check, entry, p, _MEASURE_KEYS)
        number = check.integer(entry.get("number"), p + ".number", 1, 999)
        if number != i + 1:
            check.fail(p + ".number", f"措施应按顺序编号，此处应为 {i + 1}")
        linked = check.items(entry.get("targets", []), p + ".targets")
        for j, key in enumerate(linked):
            if key not in target_keys:
                check.fail(f"{p}.targets[{j}]", f"{key} 不是 targets 中的目标代码")
        result.append(
            MeasureSpec(
                number=number,
                title=check.text(entry, "title", p + "."),
                text=check.text(entry, "text", p + "."),
                units=_unit_refs(check, entry.get("units"), p + ".units", refs),
                units_text=check.text(entry, "units_text", p + ".", required=False),
                deadline=check.date(
                    entry.get("deadline"), p + ".deadline", required=False
                ),
                deadline_text=check.text(
                    entry, "deadline_text", p + ".", required=False
                ),
                targets=tuple(str(k) for k in linked),
            )
        )
    return result


def _organisation(check: _Checker, value: Any, units: dict[str, str]) -> dict[str, Any]:
    org = check.mapping(value, "organisation")
    office = check.text(org, "office_unit", "organisation.")
    if office and office not in units:
        check.fail("organisation.office_unit", f"单位代码 {office} 未在 units 中列出")
    ratio = check.number(org.get("yellow_ratio", "0.8"), "organisation.yellow_ratio")
    if ratio is not None and not Decimal(0) < ratio <= Decimal(1):
        check.fail("organisation.yellow_ratio", "应大于 0 且不大于 1，如 0.8")
    assessment = check.mapping(org.get("assessment", {}), "organisation.assessment")
    return {
        "office_unit": office,
        "report_day": check.integer(
            org.get("report_day", 5), "organisation.report_day", 1, 28
        ),
        "yellow_ratio": ratio if ratio is not None else Decimal("0.8"),
        "weights": _weights(check, assessment.get("weights")),
        "naming": _naming(check, assessment.get("naming", {})),
    }


def _weights(check: _Checker, value: Any) -> dict[str, Decimal]:
    path = "organisation.assessment.weights"
    raw = check.mapping(value, path)
    weights: dict[str, Decimal] = {}
    for key in sorted(set(raw) - set(WEIGHT_KEYS)):
        check.fail(f"{path}.{key}", f"未知的考核项；可用：{'、'.join(WEIGHT_KEYS)}")
    for key in WEIGHT_KEYS:
        number = check.number(raw.get(key), f"{path}.{key}")
        if number is not None and number < 0:
            check.fail(f"{path}.{key}", "权重不能为负数")
        weights[key] = number if number is not None else Decimal(0)
    if raw and sum(weights.values()) != 100:
        check.fail(path, f"各项权重之和应为 100（实际为 {sum(weights.values())}）")
    return weights


def _naming(check: _Checker, value: Any) -> dict[str, dict[str, int]]:
    path = "organisation.assessment.naming"
    naming: dict[str, dict[str, int]] = {}
    for label, raw in check.mapping(value, path).items():
        rules = check.mapping(raw, f"{path}.{label}")
        for rule, threshold in rules.items():
            if rule not in NAMING_RULES:
                check.fail(
                    f"{path}.{label}.{rule}",
                    f"未知的点名规则；可用：{'、'.join(NAMING_RULES)}",
                )
            check.integer(threshold, f"{path}.{label}.{rule}", 1, 999)
        naming[str(label)] = {
            str(k): int(v) for k, v in rules.items() if isinstance(v, int)
        }
    return naming
