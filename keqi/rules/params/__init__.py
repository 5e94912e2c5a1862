"""Dated, cited parameters loaded from the YAML files beside this module.

Each parameter has an id, a type, a status (``confirmed``, ``single_source`` or
``unconfirmed``), a citation and versions with a date of effect.  Anything not
``confirmed`` flags every verdict that uses it.  HQ edits arrive as an overrides
mapping (see :meth:`ParamSet.with_overrides`) and pass the same checks as the
files.  An HQ version may carry its own status, so confirming a value from one
date on leaves verdicts on earlier dates flagged as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from keqi.rules.model import Citation
from keqi.rules.numbers import (
    OPS,
    Band,
    BandTable,
    Threshold,
    check_bands,
    parse_exact,
)

STATUSES = ("confirmed", "single_source", "unconfirmed")
STATUS_LABELS = {
    "confirmed": "已核实",
    "single_source": "单一来源",
    "unconfirmed": "未核实",
}
TYPES = ("int", "amount", "ratio", "text", "texts", "bool", "bands", "threshold")
PARAM_DIR = Path(__file__).resolve().parent


class ParamError(ValueError):
    """A parameter file or override that fails a load-time check."""


@dataclass(frozen=True)
class ParamVersion:
    """A value with its date of effect; ``status`` None means the parameter's,
    ``hq`` marks a version that came from an HQ override."""

    effective_from: date
    value: object
    raw: object
    status: str | None = None
    hq: bool = False


@dataclass(frozen=True)
class Parameter:
    """One parameter and its dated versions (ascending)."""

    id: str
    title: str
    type: str
    status: str
    citation: Citation
    versions: tuple[ParamVersion, ...]
    note: str = ""
    overridden: bool = False

    @property
    def flagged(self) -> bool:
        """Whether verdicts using this parameter must be flagged."""
        return self.status != "confirmed"

    def version_for(self, as_of: date) -> ParamVersion:
        """The version in force on ``as_of``."""
        found = self.version_or_none(as_of)
        if found is None:
            first = self.versions[0].effective_from
            raise ParamError(f"参数 {self.id} 于 {as_of} 尚未生效（{first} 起生效）")
        return found

    def version_or_none(self, as_of: date) -> ParamVersion | None:
        """The version in force on ``as_of``, or ``None`` before the first one."""
        found = None
        for version in self.versions:
            if version.effective_from <= as_of:
                found = version
        return found

    def status_on(self, as_of: date) -> str:
        """The status of the value in force on ``as_of``."""
        version = self.version_or_none(as_of)
        return (version.status if version else None) or self.status

    def flagged_on(self, as_of: date) -> bool:
        """Whether a verdict on ``as_of`` that uses this parameter is flagged."""
        return self.status_on(as_of) != "confirmed"

    def overridden_on(self, as_of: date) -> bool:
        """Whether the value in force on ``as_of`` is an HQ override."""
        version = self.version_or_none(as_of)
        return version is not None and version.hq


_RANGE = re.compile(r"^\s*([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])\s*$")


def _bound(text: str) -> Fraction | None:
    return None if text.strip() in ("-inf", "+inf", "inf") else parse_exact(text)


def _band_value(raw: object) -> object:
    if isinstance(raw, bool):
        raise ParamError(f"档位值不能是布尔值：{raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, int) for v in raw):
        if raw[0] > raw[1]:
            raise ParamError(f"分值区间下限大于上限：{raw!r}")
        return (raw[0], raw[1])
    if isinstance(raw, str):
        return parse_exact(raw)
    raise ParamError(f"无法识别的档位值：{raw!r}")


def parse_bands(raw: object) -> BandTable:
    """Parse a list of ``{label, range: "[a, b)", value}`` into a checked table."""
    if not isinstance(raw, list):
        raise ParamError("档位表应为列表")
    bands = []
    percent = False
    for item in raw:
        if not isinstance(item, dict):
            raise ParamError(f"档位应为映射：{item!r}")
        match = _RANGE.match(str(item.get("range", "")))
        if match is None:
            raise ParamError(f"区间写法应如 [25%, 30%)：{item.get('range')!r}")
        left, low, high, right = match.groups()
        percent = percent or "%" in low or "%" in high
        label = str(item.get("label", ""))
        bands.append(
            Band(
                label,
                _bound(low),
                left == "[",
                _bound(high),
                right == "]",
                _band_value(item.get("value")),
            )
        )
    bands.sort(key=lambda b: (b.lower is not None, b.lower or 0))
    try:
        check_bands(tuple(bands))
    except ValueError as exc:
        raise ParamError(str(exc)) from exc
    return BandTable(tuple(bands), percent)


def parse_value(kind: str, raw: object) -> object:
    """Convert a YAML value to the parameter's Python type, checking it."""
    if kind == "bands":
        return parse_bands(raw)
    if kind == "threshold":
        return _threshold(raw)
    if kind == "int" and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if kind == "amount" and isinstance(raw, int | str) and not isinstance(raw, bool):
        return Decimal(str(raw))
    if kind == "ratio" and isinstance(raw, int | str) and not isinstance(raw, bool):
        return parse_exact(raw)
    if kind == "text" and isinstance(raw, str):
        return raw
    if (
        kind == "texts"
        and isinstance(raw, list)
        and all(isinstance(v, str) for v in raw)
    ):
        return tuple(raw)
    if kind == "bool" and isinstance(raw, bool):
        return raw
    raise ParamError(f"类型为 {kind} 的参数值不合法：{raw!r}")


def _threshold(raw: object) -> Threshold:
    if not isinstance(raw, dict) or set(raw) != {"op", "value"}:
        raise ParamError(f"阈值应写成 {{op, value}}：{raw!r}")
    op = raw["op"]
    if op not in OPS:
        raise ParamError(f"阈值运算符须为 {OPS} 之一：{op!r}")
    return Threshold(op, parse_exact(raw["value"]))


def _as_date(raw: object, pid: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ParamError(f"参数 {pid} 的生效日期不合法：{raw!r}") from exc


def _citation(raw: object, pid: str) -> Citation:
    if not isinstance(raw, dict):
        raise ParamError(f"参数 {pid} 缺少出处（citation）")
    parts = [str(raw.get(k, "")).strip() for k in ("document", "article", "text")]
    if not all(parts):
        raise ParamError(f"参数 {pid} 的出处须写明文号、条款和说明")
    return Citation(*parts)


def _versions(kind: str, raw: object, pid: str) -> tuple[ParamVersion, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParamError(f"参数 {pid} 至少需要一个版本（versions）")
    out = []
    for item in raw:
        if not isinstance(item, dict) or "from" not in item or "value" not in item:
            raise ParamError(f"参数 {pid} 的版本须含 from 与 value")
        when = _as_date(item["from"], pid)
        value = item["value"]
        parsed = value if _is_ref(value) else _parse_checked(kind, value, pid)
        out.append(ParamVersion(when, parsed, value))
    dates = [v.effective_from for v in out]
    if dates != sorted(set(dates)):
        raise ParamError(f"参数 {pid} 的版本日期须严格递增")
    return tuple(out)


def _is_ref(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"ref"}


def _parse_checked(kind: str, value: object, pid: str) -> object:
    try:
        return parse_value(kind, value)
    except ParamError as exc:
        raise ParamError(f"参数 {pid}：{exc}") from exc


def parse_parameter(raw: Mapping[str, Any]) -> Parameter:
    """Build one :class:`Parameter` from its YAML mapping, checking it."""
    pid = str(raw.get("id", "")).strip()
    if not pid:
        raise ParamError("参数缺少 id")
    kind = str(raw.get("type", ""))
    if kind not in TYPES:
        raise ParamError(f"参数 {pid} 的类型 {kind!r} 不在 {TYPES} 之中")
    status = str(raw.get("status", ""))
    if status not in STATUSES:
        raise ParamError(f"参数 {pid} 的状态须为 {STATUSES} 之一")
    return Parameter(
        id=pid,
        title=str(raw.get("title", pid)),
        type=kind,
        status=status,
        citation=_citation(raw.get("citation"), pid),
        versions=_versions(kind, raw.get("versions"), pid),
        note=str(raw.get("note", "")),
    )


class ParamSet:
    """An immutable set of parameters; look values up by id and date."""

    def __init__(self, params: Iterable[Parameter]) -> None:
        table: dict[str, Parameter] = {}
        for param in params:
            if param.id in table:
                raise ParamError(f"参数 id 重复：{param.id}")
            table[param.id] = param
        self._params = table
        self._resolved: dict[tuple[str, date], tuple[tuple[str, ...], object]] = {}
        _check_refs(table)

    def __contains__(self, pid: object) -> bool:
        return pid in self._params

    def __iter__(self) -> Any:
        return iter(sorted(self._params.values(), key=lambda p: p.id))

    def parameter(self, pid: str) -> Parameter:
        """The parameter ``pid``; :class:`ParamError` if there is none."""
        try:
            return self._params[pid]
        except KeyError:
            raise ParamError(f"没有参数 {pid}") from None

    def resolve(self, pid: str, as_of: date) -> tuple[tuple[str, ...], object]:
        """(ids followed, value) of ``pid`` on ``as_of``; memoised (the set is
        immutable)."""
        key = (pid, as_of)
        found = self._resolved.get(key)
        if found is None:
            found = (self.refs_of(pid, as_of), self.value(pid, as_of))
            self._resolved[key] = found
        return found

    def value(self, pid: str, as_of: date) -> object:
        """Value of ``pid`` in force on ``as_of`` (references followed)."""
        version = self.parameter(pid).version_for(as_of)
        if isinstance(version.value, dict) and _is_ref(version.value):
            return self.value(str(version.value["ref"]), as_of)
        return version.value

    def refs_of(self, pid: str, as_of: date) -> tuple[str, ...]:
        """``pid`` and every parameter it refers to on ``as_of``."""
        version = self.parameter(pid).version_for(as_of)
        if isinstance(version.value, dict) and _is_ref(version.value):
            return (pid, *self.refs_of(str(version.value["ref"]), as_of))
        return (pid,)

    def with_overrides(self, overrides: Mapping[str, object]) -> ParamSet:
        """A new set with HQ edits applied (see :func:`apply_override`)."""
        params = dict(self._params)
        for pid, edit in overrides.items():
            params[pid] = apply_override(self.parameter(pid), edit)
        return ParamSet(params.values())


def apply_override(param: Parameter, edit: object) -> Parameter:
    """Apply HQ's edits of one parameter, checked like the files.

    ``edit`` is a bare value (replaces every version), a mapping
    ``{value, from?, status?, note?}``, or a list of such mappings that all have
    ``from`` (several dated edits).  A dated edit adds a version from that date,
    replacing one of the same date and keeping the others, so a later version
    (an HQ edit or a newer document) still takes over on its own date.  Its
    ``status`` belongs to that version only; an undated edit's status becomes
    the parameter's.
    """
    specs = edit if isinstance(edit, list) and _all_dated(edit) else [edit]
    for spec in specs:
        param = _apply_one(param, spec)
    return replace(param, overridden=True)


def _all_dated(items: list[object]) -> bool:
    """A list of dated edits (a band table, also a list of mappings, has no from)."""
    return bool(items) and all(
        isinstance(i, dict) and {"value", "from"} <= set(i) for i in items
    )


def _apply_one(param: Parameter, edit: object) -> Parameter:
    spec = edit if isinstance(edit, dict) and "value" in edit else {"value": edit}
    raw = spec["value"]
    value = raw if _is_ref(raw) else _parse_checked(param.type, raw, param.id)
    status = str(spec.get("status", param.status))
    if status not in STATUSES:
        raise ParamError(f"参数 {param.id} 的状态须为 {STATUSES} 之一")
    note = str(spec.get("note", param.note))
    if "from" not in spec:
        version = ParamVersion(date.min, value, raw, hq=True)
        return replace(param, versions=(version,), status=status, note=note)
    when = _as_date(spec["from"], param.id)
    given = str(spec["status"]) if "status" in spec else None
    kept = [v for v in param.versions if v.effective_from != when]
    added = ParamVersion(when, value, raw, given, hq=True)
    versions = tuple(sorted([*kept, added], key=lambda v: v.effective_from))
    return replace(param, versions=versions, note=note)


def _check_refs(table: Mapping[str, Parameter]) -> None:
    """Every ``{ref: id}`` names an existing parameter of the same type; no cycles."""
    graph: dict[str, set[str]] = {}
    for pid, param in table.items():
        targets = set()
        for version in param.versions:
            if isinstance(version.value, dict) and _is_ref(version.value):
                target = str(version.value["ref"])
                if target not in table:
                    raise ParamError(f"参数 {pid} 引用了不存在的参数 {target}")
                if table[target].type != param.type:
                    raise ParamError(f"参数 {pid} 引用的 {target} 类型不同")
                targets.add(target)
        graph[pid] = targets
    _check_acyclic(graph)


def _check_acyclic(graph: Mapping[str, set[str]]) -> None:
    state: dict[str, int] = {}

    def visit(node: str, path: tuple[str, ...]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            raise ParamError("参数引用成环：" + " → ".join((*path, node)))
        state[node] = 1
        for target in sorted(graph[node]):
            visit(target, (*path, node))
        state[node] = 2

    for node in sorted(graph):
        visit(node, ())


def load_file(path: Path) -> list[Parameter]:
    """Parse and check one YAML parameter file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), list):
        raise ParamError(f"{path.name}：应有 parameters 列表")
    try:
        return [parse_parameter(item) for item in data["parameters"]]
    except ParamError as exc:
        raise ParamError(f"{path.name}：{exc}") from exc


def load_dir(directory: Path = PARAM_DIR) -> ParamSet:
    """Load every ``*.yaml`` file in ``directory`` into one checked set."""
    params: list[Parameter] = []
    for path in sorted(directory.glob("*.yaml")):
        params.extend(load_file(path))
    return ParamSet(params)


@lru_cache(maxsize=1)
def default_params() -> ParamSet:
    """The parameters shipped with the engine (loaded once)."""
    return load_dir()
