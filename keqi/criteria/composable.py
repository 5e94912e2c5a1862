"""The programmes HQ composes from building blocks, and what pages say about them.

Three Tianjin tiers whose official thresholds could not be confirmed and the
district's own 技术领先型企业 have no conditions in the engine.  HQ writes them
in the composer (stored as data, built by ``keqi.rules.compose_programmes``);
until a version is in force the programme is left out of every verdict and the
pages say what is missing instead (:func:`composed_notices`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from keqi.criteria.engine import EngineSetup
from keqi.rules import Programme
from keqi.rules.facts import FIELD_LABELS, FIELD_UNITS

TIANJIN = "天津市标准未经确认"


@dataclass(frozen=True)
class Composable:
    """A programme HQ defines: key, Chinese name, title kind, why it is not built in."""

    key: str
    name: str
    title_kind: str
    why: str

    def missing_text(self) -> str:
        """What the pages say while no definition exists."""
        return f"{self.name}：评价条件尚未配置（{self.why}），请总部在“评价规则”中配置"


COMPOSABLE: tuple[Composable, ...] = (
    Composable("tj_dengling", "天津瞪羚企业", "瞪羚企业", TIANJIN),
    Composable("tj_lingjun_peiyu", "天津科技领军培育企业", "科技领军培育企业", TIANJIN),
    Composable("tj_lingjun", "天津科技领军企业", "科技领军企业", TIANJIN),
    Composable(
        "tech_leader", "技术领先型企业", "技术领先型企业", "无官方标准，由本区自定"
    ),
)
COMPOSABLE_BY_KEY = {c.key: c for c in COMPOSABLE}


def composed_programme(setup: EngineSetup, key: str) -> Programme | None:
    """The composed programme ``key`` of ``setup``, if HQ has defined one."""
    return next((p for p in setup.extra if p.key == key), None)


def composed_notice(setup: EngineSetup, key: str, day: dt.date) -> str:
    """Why ``key`` has no verdict on ``day`` ("" when it has one)."""
    spec = COMPOSABLE_BY_KEY.get(key)
    if spec is None:
        return ""
    programme = composed_programme(setup, key)
    if programme is None:
        return spec.missing_text()
    if programme.version_for(day) is None:
        first = programme.versions[0].effective_from
        return (
            f"{spec.name}：评价条件自{cn_date(first)}起生效，{cn_date(day)}时尚未生效"
        )
    return ""


def cn_date(day: dt.date) -> str:
    """2019年9月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def composed_notices(
    setup: EngineSetup, day: dt.date, keys: Iterable[str] | None = None
) -> list[str]:
    """One line per composable programme without a verdict on ``day``."""
    wanted = list(keys) if keys is not None else [c.key for c in COMPOSABLE]
    return [n for n in (composed_notice(setup, k, day) for k in wanted) if n]


#: The engine's field names in its composer messages, as the form labels them.
FIELD_NAMES = {
    "“title”": "“名称”",
    "“name”": "“项目名称”",
    "“version”": "“版本”",
    "“document”": "“文件（文号）”",
    "“effective_from”": "“生效日期”",
    "（kinds）": "",
}


def compose_problems(message: str) -> list[str]:
    """A ComposeError message as a list of problems in the form's words."""
    for name, label in FIELD_NAMES.items():
        message = message.replace(name, label)
    return [part for part in message.split("；") if part]


_YEAR_WORDS = {-1: "上一年度", 0: "当年度", -2: "前两年度"}
_OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_CLASS_WORDS = {"I": "Ⅰ类", "II": "Ⅱ类", "any": ""}


_AT_WORDS = {
    "as_of": "评价基准日",
    "year_start": "申报当年1月1日",
    "prev_year_end": "上年12月31日",
}


def describe(cond: Mapping[str, Any]) -> str:
    """One stored building block in plain Chinese (上一年度营业收入 ≥ 3000万元)."""
    kind = cond.get("type")
    special = _describe_ladder(cond)
    if special:
        return special
    if kind == "qualification":
        levels = "、".join(str(v) for v in cond.get("levels") or ())
        kinds = "或".join(str(k) for k in cond.get("kinds") or ())
        return f"持有{kinds}" + (f"（{levels}）" if levels else "")
    limit = f"{_OP_WORDS.get(str(cond.get('op')), cond.get('op'))} {cond.get('value')}"
    year = _YEAR_WORDS.get(int(cond.get("year_offset", -1)), "")
    if kind == "figure":
        field = str(cond.get("field"))
        return f"{year}{FIELD_LABELS.get(field, field)} {limit}{FIELD_UNITS.get(field, '')}"
    if kind == "ratio":
        num, den = str(cond.get("numerator")), str(cond.get("denominator"))
        label = f"{FIELD_LABELS.get(num, num)}占{FIELD_LABELS.get(den, den)}比例"
        return f"{year}{label} {limit}"
    related = "与主要产品相关的" if cond.get("related_only") else ""
    cls = _CLASS_WORDS.get(str(cond.get("class", "any")), "")
    return f"有效{related}{cls}知识产权 {limit}项"


def _describe_ladder(cond: Mapping[str, Any]) -> str:
    """The blocks added for the Tianjin ladder, in plain Chinese ("" otherwise)."""
    kind = cond.get("type")
    op = _OP_WORDS.get(str(cond.get("op")), str(cond.get("op")))
    field = str(cond.get("field", ""))
    label = FIELD_LABELS.get(field, field)
    unit = FIELD_UNITS.get(field, "")
    years = cond.get("years")
    year = _YEAR_WORDS.get(int(cond.get("year_offset", -1)), "")
    if kind == "growth":
        return f"{year}{label}较前一年度增长率 {op} {cond.get('value')}"
    if kind == "cagr":
        return f"截至{year}近{years}年{label}复合增长率 {op} {cond.get('value')}"
    if kind == "average":
        return f"截至{year}近{years}年{label}平均 {op} {cond.get('value')}{unit}"
    if kind == "age":
        at = _AT_WORDS.get(str(cond.get("at", "as_of")), "")
        return f"成立时间（计至{at}） {op} {cond.get('value')}年"
    if kind == "compare":
        return f"{year}{label} {op} 前一年度的{cond.get('value')}倍"
    if kind == "credit":
        kinds = "、".join(str(k) for k in cond.get("kinds") or ())
        return f"申报当年起近{cond.get('years', 2)}个年度无{kinds}记录"
    if kind == "any_k":
        parts = "；".join(describe(c) for c in cond.get("conditions") or ())
        return f"以下至少{cond.get('k', 1)}项：{parts}"
    return ""
