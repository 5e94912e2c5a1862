"""Reserve lists (后备库): enterprises not yet holding a programme's title, by closeness.

For one programme, every enterprise in the user's scope that does not hold a valid
title of that programme's kind on the as-of day is evaluated by the rules engine.
Those the data already shows as eligible form the "免申即享" list; the others are
ranked by how close they are: fewest conditions not met first
(alternative direct routes aside), then the smallest
score shortfall (pass mark minus the best possible score), then by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from keqi.criteria.composable import COMPOSABLE, composed_notice
from keqi.criteria.engine import engine_setup
from keqi.cultivation.libraries import scope_area_ids
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K
from keqi.registry.selectors import enterprise_list_for
from keqi.rules import (
    ConditionResult,
    Outcome,
    ParamSet,
    ProgrammeResult,
    evaluate,
    programme_table,
)
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.ladder import title_held
from keqi.rules.numbers import Tri


@dataclass(frozen=True)
class ReserveProgramme:
    """A programme with a reserve list: key, Chinese name, title kind, pass mark."""

    key: str
    name: str
    kind: str
    pass_param: str | None = None


RESERVE_PROGRAMMES: tuple[ReserveProgramme, ...] = (
    ReserveProgramme("tech_sme", "科技型中小企业", K.TECH_SME, "tech_sme.pass_score"),
    ReserveProgramme("high_tech", "高新技术企业", K.HIGH_TECH, "high_tech.pass_score"),
    ReserveProgramme("tj_chuying", "雏鹰企业", K.CHUYING),
    ReserveProgramme(
        "innovative_sme",
        "创新型中小企业",
        K.INNOVATIVE_SME,
        "innovative_sme.pass_total",
    ),
    ReserveProgramme(
        "zjtx_sme", "专精特新中小企业", K.ZJTX_SME, "zjtx_sme.2022.pass_score"
    ),
    # Composed by HQ (keqi.criteria); until then the page says what is missing.
    *(ReserveProgramme(c.key, c.title_kind, c.title_kind) for c in COMPOSABLE),
)
RESERVE_BY_KEY = {p.key: p for p in RESERVE_PROGRAMMES}
#: Sorts after every real shortfall when the score is not known at all.
_NO_SCORE = 10**6


def reserve_programme_get(key: str) -> ReserveProgramme:
    """A programme with a reserve list, or 404."""
    try:
        return RESERVE_BY_KEY[key]
    except KeyError:
        raise Http404("没有这个培育项目的后备库") from None


@dataclass(frozen=True)
class ReserveRow:
    """One enterprise on a reserve list and what it still lacks."""

    enterprise: Enterprise
    result: ProgrammeResult
    not_met: int
    shortfall: int | None
    missing: tuple[str, ...]

    def sort_key(self) -> tuple[int, int, str]:
        """Closeness: conditions not met, then score shortfall, then name."""
        gap = _NO_SCORE if self.shortfall is None else self.shortfall
        return (self.not_met, gap, self.enterprise.name)


@dataclass(frozen=True)
class ReserveList:
    """The 免申即享 list (eligible, no title yet) and the ranked reserve."""

    programme: ReserveProgramme
    day: dt.date
    eligible: list[ReserveRow]
    reserve: list[ReserveRow]
    in_force: bool = True
    #: Why a composed programme has no list ("" otherwise).
    notice: str = ""


def blocking(result: ProgrammeResult) -> list[ConditionResult]:
    """Conditions not met, leaving out alternative routes ("任一项" and its parts):
    an enterprise need not take a direct route when it can pass the main way."""
    routes = [c.id for c in result.conditions if c.threshold == "任一项"]
    return [
        c
        for c in result.conditions
        if c.status is Tri.NOT_MET
        and not any(c.id == r or c.id.startswith(f"{r}.") for r in routes)
    ]


def missing_texts(result: ProgrammeResult) -> tuple[str, ...]:
    """What is missing, in plain Chinese: the engine's gaps, data not filled in,
    and blocking conditions not met that no gap explains."""
    texts = [g.text for g in result.gaps]
    texts += [f"尚缺数据：{m}" for m in result.missing]
    texts += [
        f"未满足：{c.title}"
        for c in blocking(result)
        if not any(g.condition_id == c.id for g in result.gaps)
    ]
    return tuple(dict.fromkeys(texts))


def pass_mark(
    programme: ReserveProgramme, params: ParamSet, day: dt.date
) -> int | None:
    """The programme's pass mark on `day`, if it is a scored programme."""
    if programme.pass_param is None or programme.pass_param not in params:
        return None
    value: Any = params.value(programme.pass_param, day)
    return int(getattr(value, "value", value))


def shortfall(result: ProgrammeResult, mark: int | None) -> int | None:
    """Points still needed (pass mark minus best possible score), 0 if none."""
    if mark is None:
        return 0
    if result.score_high is None:
        return None
    return max(mark - result.score_high, 0)


def holds_title(facts: EnterpriseFacts, kind: str, day: dt.date) -> bool:
    """Whether the enterprise holds a valid title of `kind` on `day`."""
    return any(q.kind == kind and title_held(q, day) for q in facts.qualifications)


def reserve_list(
    user: object, key: str, day: dt.date, area_id: int | None = None
) -> ReserveList:
    """The reserve list of one programme for the user's scope (404 outside it),
    under the rules in force (HQ's edits and composed programmes included)."""
    programme = reserve_programme_get(key)
    areas = scope_area_ids(user, area_id)
    setup = engine_setup()
    found = programme_table(setup.extra).get(key)
    if found is None or found.version_for(day) is None:
        notice = composed_notice(setup, key, day)
        return ReserveList(programme, day, [], [], in_force=False, notice=notice)
    enterprises = enterprise_list_for(user).select_related("area").order_by("pk")
    if areas is not None:
        enterprises = enterprises.filter(area_id__in=areas)
    params = setup.params
    mark = pass_mark(programme, params, day)
    rows = list(enterprises)
    by_uscc = {e.uscc: e for e in rows}
    eligible: list[ReserveRow] = []
    reserve: list[ReserveRow] = []
    for facts in iter_facts(rows):
        if holds_title(facts, programme.kind, day):
            continue
        result = evaluate(
            facts, as_of=day, params=params, programmes=[key], extra=setup.extra
        )
        verdict = result.programmes.get(key)
        if verdict is None:
            continue
        row = _row(by_uscc[facts.uscc], verdict, mark)
        (eligible if verdict.outcome is Outcome.ELIGIBLE else reserve).append(row)
    eligible.sort(key=lambda r: r.enterprise.name)
    reserve.sort(key=ReserveRow.sort_key)
    return ReserveList(programme, day, eligible, reserve)


def _row(
    enterprise: Enterprise, verdict: ProgrammeResult, mark: int | None
) -> ReserveRow:
    not_met = len(blocking(verdict))
    return ReserveRow(
        enterprise, verdict, not_met, shortfall(verdict, mark), missing_texts(verdict)
    )
