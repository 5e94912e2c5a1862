"""Reads for the rules pages: programmes, parameters, history, and what a change
would do to the verdicts of the enterprises in the user's scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from keqi.criteria.composable import COMPOSABLE, COMPOSABLE_BY_KEY, composed_notice
from keqi.criteria.engine import EngineSetup
from keqi.criteria.models import ParamEdit, ProgrammeDefinition
from keqi.criteria.values import display_of, text_of
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.registry.selectors import enterprise_list_for
from keqi.rules import (
    Outcome,
    ParamError,
    Parameter,
    Programme,
    evaluate,
    programme_table,
)
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import STATUS_LABELS, ParamVersion

GENERAL = "通用"


@dataclass(frozen=True)
class VersionRow:
    """One dated value of a parameter as the page shows it."""

    version: ParamVersion
    text: str
    status: str
    display: str = ""

    @property
    def status_label(self) -> str:
        """已核实 / 单一来源 / 未核实."""
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ParamRow:
    """A parameter with the value in force on the page's day."""

    param: Parameter
    current: VersionRow | None
    versions: tuple[VersionRow, ...]
    group: str

    @property
    def unconfirmed(self) -> bool:
        """Marked 未经确认: the value in force (or, before any, the parameter) is
        single-source or unconfirmed."""
        status = self.current.status if self.current else self.param.status
        return status != "confirmed"


def param_row(setup: EngineSetup, pid: str, day: dt.date) -> ParamRow:
    """One parameter under ``setup`` on ``day``; 404 if there is none."""
    try:
        param = setup.params.parameter(pid)
    except ParamError:
        raise Http404("没有这个参数") from None
    versions = tuple(
        VersionRow(
            v,
            text_of(param.type, v.raw),
            v.status or param.status,
            display_of(param.type, v.raw, _title_in(setup)),
        )
        for v in param.versions
    )
    version = param.version_or_none(day)
    current = next((r for r in versions if r.version is version), None)
    return ParamRow(param, current, versions, _group_of(setup, pid))


def _title_in(setup: EngineSetup) -> Any:
    def title(pid: str) -> str | None:
        try:
            return setup.params.parameter(pid).title
        except ParamError:
            return None

    return title


def _group_of(setup: EngineSetup, pid: str) -> str:
    table = programme_table(setup.extra)
    prefix = pid.split(".", 1)[0]
    return table[prefix].name if prefix in table else GENERAL


def param_rows(setup: EngineSetup, day: dt.date) -> list[tuple[str, list[ParamRow]]]:
    """Every parameter on ``day``, grouped by programme (general ones first)."""
    groups: dict[str, list[ParamRow]] = {GENERAL: []}
    for param in setup.params:
        row = param_row(setup, param.id, day)
        groups.setdefault(row.group, []).append(row)
    return [(name, rows) for name, rows in groups.items() if rows]


@dataclass(frozen=True)
class ProgrammeRow:
    """A programme on the rules page: built in, or composed by HQ (or not yet)."""

    key: str
    name: str
    programme: Programme | None
    composed: bool
    notice: str


def programme_rows(setup: EngineSetup, day: dt.date) -> list[ProgrammeRow]:
    """Built-in programmes, then every composable one (defined or not)."""
    table = programme_table(setup.extra)
    rows = [
        ProgrammeRow(key, p.name, p, False, "")
        for key, p in table.items()
        if key not in COMPOSABLE_BY_KEY
    ]
    for spec in COMPOSABLE:
        notice = composed_notice(setup, spec.key, day)
        rows.append(
            ProgrammeRow(spec.key, spec.name, table.get(spec.key), True, notice)
        )
    return rows


def programme_row(setup: EngineSetup, key: str, day: dt.date) -> ProgrammeRow:
    """One programme's row; 404 for an unknown key."""
    for row in programme_rows(setup, day):
        if row.key == key:
            return row
    raise Http404("没有这个评价项目")


def param_history(pid: str) -> list[ParamEdit]:
    """HQ's edits of one parameter, newest first."""
    rows = ParamEdit.objects.filter(param_id=pid).select_related("created_by")
    return list(rows.order_by("-id"))


def definition_history(key: str) -> list[ProgrammeDefinition]:
    """Every saved or withdrawn version of a composed programme, newest first."""
    rows = ProgrammeDefinition.objects.filter(key=key).select_related("created_by")
    return list(rows.order_by("-id"))


@dataclass(frozen=True)
class Flip:
    """An enterprise whose verdict on one programme a change would alter."""

    enterprise: Enterprise
    programme: str
    before: str
    after: str


def outcomes(
    facts: Sequence[EnterpriseFacts], setup: EngineSetup, day: dt.date
) -> dict[str, tuple[str, list[Outcome | None]]]:
    """Per programme in force on ``day``: its name and each enterprise's outcome
    (the per-enterprise path the portrait uses; at district scale it is as fast
    as the columnar one, whose cost is building the columns)."""
    table = programme_table(setup.extra)
    keys = [k for k, p in table.items() if p.version_for(day) is not None]
    out: dict[str, tuple[str, list[Outcome | None]]] = {
        k: (table[k].name, []) for k in keys
    }
    for f in facts:
        found = evaluate(
            f, as_of=day, params=setup.params, programmes=keys, extra=setup.extra
        ).programmes
        for key in keys:
            verdict = found.get(key)
            out[key][1].append(verdict.outcome if verdict else None)
    return out


def _label(outcome: Outcome | None) -> str:
    return outcome.label if outcome else "无结论"


def verdict_flips(
    user: object, before: EngineSetup, after: EngineSetup, day: dt.date
) -> list[Flip]:
    """Enterprises in ``user``'s scope whose verdict on ``day`` differs between
    the two setups, by programme then enterprise name."""
    enterprises = list(enterprise_list_for(user).order_by("name", "pk"))
    facts = list(iter_facts(enterprises))
    old, new = outcomes(facts, before, day), outcomes(facts, after, day)
    flips: list[Flip] = []
    for key in dict.fromkeys([*old, *new]):
        name = (new.get(key) or old[key])[0]
        was = old.get(key, (name, [None] * len(facts)))[1]
        now = new.get(key, (name, [None] * len(facts)))[1]
        flips += [
            Flip(e, name, _label(a), _label(b))
            for e, a, b in zip(enterprises, was, now, strict=True)
            if a != b
        ]
    return flips


def outcome_counts(
    user: object, setup: EngineSetup, key: str, day: dt.date
) -> list[tuple[str, int]]:
    """(outcome, number of enterprises in scope) of ``key`` on ``day``; empty
    when the programme is not in force then."""
    enterprises = enterprise_list_for(user).order_by("pk")
    facts = list(iter_facts(enterprises))
    found = outcomes(facts, setup, day).get(key)
    if found is None:
        return []
    counted = Counter(found[1])
    return [(o.label, counted[o]) for o in Outcome if counted[o]]
