"""Canonical JSON texts for storing what the engine saw and said.

A stored verdict keeps the exact :class:`EnterpriseFacts` the engine evaluated and
the verdict's JSON, so it can be re-evaluated later and compared byte for byte.
Both texts are canonical: the same value always gives the same text.

Facts travel as plain JSON: amounts as decimal strings exactly as held (``"12.50"``
stays ``"12.50"``: the exponent is kept, so the rebuilt value prints the same),
dates as ISO strings, ``null`` for unknown.  ``facts_from_json(facts_to_json(f))``
equals ``f`` field for field.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from keqi.rules.facts import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)
from keqi.rules.model import ProgrammeResult
from keqi.rules.serialize import programme_to_dict

#: Written into every facts text; a future layout change bumps it.
FACTS_FORMAT = "keqi-facts/1"

_NESTED: Mapping[str, type] = {
    "ip": IPItem,
    "qualifications": QualificationFact,
    "credit_records": CreditFact,
}


class FactsFormatError(ValueError):
    """A stored facts text this version cannot read."""


def _plain(value: Any) -> Any:
    """One scalar as JSON: Decimal and date as strings, the rest unchanged."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _record(obj: Any) -> dict[str, Any]:
    """A flat dataclass (figures, IP, qualification, credit) as a dict."""
    out = {}
    for name in _names(obj.__class__):
        value = getattr(obj, name)
        if value is None or type(value) is int or type(value) is str:
            out[name] = value  # the common cases first (a registry's worth)
        else:
            out[name] = _plain(value)
    return out


def facts_to_dict(facts: EnterpriseFacts) -> dict[str, Any]:
    """``facts`` as a JSON-safe dict (field order kept, years ascending)."""
    out: dict[str, Any] = {"format": FACTS_FORMAT}
    for name in _names(EnterpriseFacts):
        value = getattr(facts, name)
        if name == "years":
            out["years"] = {str(y): _record(value[y]) for y in sorted(value)}
        elif name in _NESTED:
            out[name] = [_record(item) for item in value]
        elif name == "expert_points":
            out[name] = {k: value[k] for k in sorted(value)}
        else:
            out[name] = _plain(value)
    return out


def facts_to_json(facts: EnterpriseFacts) -> str:
    """The canonical text of ``facts`` (compact UTF-8 JSON)."""
    return json.dumps(facts_to_dict(facts), ensure_ascii=False, separators=(",", ":"))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _scalar(hint: Any, raw: Any) -> Any:
    """Rebuild one scalar from its JSON form, as the field's type says."""
    if raw is None:
        return None
    kinds = set(typing.get_args(hint)) or {hint}
    if Decimal in kinds:
        return Decimal(raw)
    if date in kinds:
        return date.fromisoformat(raw)
    return raw


def _rebuild(cls: type, raw: Mapping[str, Any]) -> Any:
    hints = _hints(cls)
    unknown = set(raw) - set(hints)
    if unknown:
        raise FactsFormatError(f"无法识别的字段：{'、'.join(sorted(unknown))}")
    return cls(**{k: _scalar(hints[k], v) for k, v in raw.items()})


def facts_from_dict(raw: Mapping[str, Any]) -> EnterpriseFacts:
    """The :class:`EnterpriseFacts` a :func:`facts_to_dict` dict describes."""
    if raw.get("format") != FACTS_FORMAT:
        raise FactsFormatError(f"不支持的数据格式：{raw.get('format')!r}")
    values: dict[str, Any] = {}
    hints = _hints(EnterpriseFacts)
    for name, value in raw.items():
        if name == "format":
            continue
        if name == "years":
            values[name] = {int(y): _rebuild(YearFigures, v) for y, v in value.items()}
        elif name in _NESTED:
            values[name] = tuple(_rebuild(_NESTED[name], v) for v in value)
        elif name == "expert_points":
            values[name] = dict(value)
        elif name in hints:
            values[name] = _scalar(hints[name], value)
        else:
            raise FactsFormatError(f"无法识别的字段：{name}")
    return EnterpriseFacts(**values)


def facts_from_json(text: str) -> EnterpriseFacts:
    """Inverse of :func:`facts_to_json`."""
    return facts_from_dict(json.loads(text))


def verdict_json(result: ProgrammeResult) -> str:
    """The canonical text of one programme verdict: the per-programme part of the
    ``keqi evaluate`` JSON contract (:func:`programme_to_dict`), compact UTF-8."""
    return json.dumps(
        programme_to_dict(result), ensure_ascii=False, separators=(",", ":")
    )
