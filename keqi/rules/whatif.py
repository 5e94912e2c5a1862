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
    EnterpriseFacts,
    IPItem,
    QualificationFact,
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


def apply_changes(
    facts: EnterpriseFacts, changes: Mapping[str, Any]
) -> EnterpriseFacts:
    """A modified copy of ``facts``.

    Keys: ``"2018.rd_expense"`` (year.field, amounts as Decimal or text in 万元),
    any top-level field name (e.g. ``"registered_in_tianjin"``), ``"add_ip"``
    (IP items) and ``"add_qualifications"`` (qualification facts).
    """
    out = facts
    for key, value in changes.items():
        if key == "add_ip":
            out = dataclasses.replace(out, ip=(*out.ip, *_items(value, IPItem)))
        elif key == "add_qualifications":
            extra = _items(value, QualificationFact)
            out = dataclasses.replace(out, qualifications=(*out.qualifications, *extra))
        elif "." in key:
            year, name = key.split(".", 1)
            out = replace_year(out, int(year), **{name: _figure(name, value)})
        else:
            out = dataclasses.replace(out, **{key: value})
    return out


def _items(value: object, kind: type[Any]) -> tuple[Any, ...]:
    items = tuple(value) if isinstance(value, Iterable) else (value,)
    if not all(isinstance(i, kind) for i in items):
        raise TypeError(f"应为 {kind.__name__} 列表")
    return items


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
