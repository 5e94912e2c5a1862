"""What-if: evaluate a changed copy of the facts, without side effects."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from keqi.rules.evaluate import evaluate
from keqi.rules.facts import (
    COUNT_FIELDS,
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
    replace_year,
)
from keqi.rules.model import EnterpriseResult, Programme
from keqi.rules.params import ParamSet


@dataclass(frozen=True)
class WhatIf:
    """Results before and after, and the programmes whose outcome changed."""

    before: EnterpriseResult
    after: EnterpriseResult
    changed: Mapping[str, tuple[str | None, str | None]]


#: Keys of :func:`apply_changes` besides ``"<year>.<field>"`` and top-level fields.
LIST_CHANGES: Mapping[str, str] = {
    "add_ip": "新增知识产权",
    "remove_ip": "去掉知识产权（按编号）",
    "add_qualifications": "新增资质荣誉",
    "remove_qualifications": "去掉资质荣誉（按类型或编号）",
    "add_credit": "新增信用记录",
    "remove_credit": "去掉信用记录（按类型，或全部）",
}


def apply_changes(
    facts: EnterpriseFacts, changes: Mapping[str, Any]
) -> EnterpriseFacts:
    """A modified copy of ``facts``.

    Keys: ``"2018.rd_expense"`` (year.field, amounts as Decimal or text in 万元),
    any top-level field name (e.g. ``"registered_in_tianjin"``, ``"niche_years"``),
    and the list changes of :data:`LIST_CHANGES`: ``add_ip`` /
    ``add_qualifications`` / ``add_credit`` take items (the engine's dataclasses
    or plain mappings of their fields, dates as ``2019-06-30``); ``remove_ip``
    takes IP numbers; ``remove_qualifications`` takes 类型 or 编号;
    ``remove_credit`` takes 类型, or ``"全部"`` for every record.  A key that is
    none of these raises ``ValueError`` with a Chinese message.
    """
    out = facts
    for key, value in changes.items():
        if key in LIST_CHANGES:
            out = _list_change(out, key, value)
        elif "." in key:
            year, name = key.split(".", 1)
            if not year.isdigit() or name not in YearFigures.__dataclass_fields__:
                raise ValueError(
                    f"无法假设“{key}”：应为“年度.指标”，如 2018.rd_expense"
                )
            out = replace_year(out, int(year), **{name: _figure(name, value)})
        elif key in EnterpriseFacts.__dataclass_fields__ and key not in (
            "uscc",
            "name",
        ):
            out = dataclasses.replace(out, **{key: value})
        else:
            raise ValueError(f"无法假设“{key}”：不是可修改的事实")
    return out


def _list_change(facts: EnterpriseFacts, key: str, value: object) -> EnterpriseFacts:
    if key == "add_ip":
        return dataclasses.replace(facts, ip=(*facts.ip, *_items(value, IPItem)))
    if key == "add_qualifications":
        extra = _items(value, QualificationFact)
        return dataclasses.replace(
            facts, qualifications=(*facts.qualifications, *extra)
        )
    if key == "add_credit":
        records = _items(value, CreditFact)
        return dataclasses.replace(
            facts, credit_records=(*facts.credit_records, *records)
        )
    names = set(_names(value))
    if key == "remove_ip":
        return dataclasses.replace(
            facts, ip=tuple(i for i in facts.ip if i.number not in names)
        )
    if key == "remove_qualifications":
        kept = tuple(
            q
            for q in facts.qualifications
            if q.kind not in names and (q.number is None or q.number not in names)
        )
        return dataclasses.replace(facts, qualifications=kept)
    everything = "全部" in names
    kept_credit = tuple(
        r for r in facts.credit_records if not everything and r.kind not in names
    )
    return dataclasses.replace(facts, credit_records=kept_credit)


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    raise TypeError("应为文字或文字列表")


def _items(value: object, kind: type[Any]) -> tuple[Any, ...]:
    many = isinstance(value, Iterable) and not isinstance(value, Mapping | str)
    items = tuple(value) if many else (value,)  # type: ignore[arg-type]
    out = []
    for item in items:
        if isinstance(item, Mapping):
            item = _from_mapping(kind, item)
        if not isinstance(item, kind):
            raise TypeError(f"应为 {kind.__name__} 列表")
        out.append(item)
    return tuple(out)


def _from_mapping(kind: type[Any], data: Mapping[str, Any]) -> Any:
    """An engine item from plain text fields (dates ISO, amounts in 万元)."""
    fields = kind.__dataclass_fields__
    unknown = [k for k in data if k not in fields]
    if unknown:
        raise ValueError(f"无法假设：{kind.__name__} 没有字段“{'、'.join(unknown)}”")
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if isinstance(raw, str) and name in _DATE_FIELDS:
            try:
                raw = date.fromisoformat(raw)
            except ValueError:
                raise ValueError(f"日期格式不正确：“{raw}”，应为 2019-06-30") from None
        if name == "amount_wan" and raw is not None and not isinstance(raw, Decimal):
            raw = Decimal(str(raw))
        values[name] = raw
    return kind(**values)


_DATE_FIELDS = ("granted_on", "valid_until", "occurred_on")


def _figure(name: str, value: object) -> object:
    if value is None or name in COUNT_FIELDS or name == "conversions":
        return value
    return value if isinstance(value, Decimal) else Decimal(str(value))


def evaluate_what_if(
    facts: EnterpriseFacts,
    changes: Mapping[str, Any],
    *,
    as_of: date,
    params: ParamSet | None = None,
    programmes: Sequence[str] | None = None,
    extra: Iterable[Programme] = (),
) -> WhatIf:
    """Evaluate ``facts`` and a changed copy; ``facts`` itself is untouched."""
    extra = tuple(extra)
    before = evaluate(
        facts, as_of=as_of, params=params, programmes=programmes, extra=extra
    )
    after = evaluate(
        apply_changes(facts, changes),
        as_of=as_of,
        params=params,
        programmes=programmes,
        extra=extra,
    )
    changed = {}
    for key in sorted(set(before.programmes) | set(after.programmes)):
        old = before.programmes.get(key)
        new = after.programmes.get(key)
        pair = (old.outcome.value if old else None, new.outcome.value if new else None)
        if pair[0] != pair[1]:
            changed[key] = pair
    return WhatIf(before, after, changed)
