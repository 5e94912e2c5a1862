"""Reserve lists (后备库): enterprises not yet holding a programme's title, by closeness.

For one programme, every enterprise in the user's scope that does not hold a valid
title of that programme's kind on the as-of day is evaluated by the rules engine.
Those the data already shows as eligible form the "免申即享" list; the others are
ranked by how close they are: fewest conditions not met first
(alternative direct routes aside), then the smallest
score shortfall (pass mark minus the best possible score), then by name.

The outcome, blocking conditions and shortfall of every enterprise come from the
table the background worker stored (keqi.cultivation.columns: the columnar
engine, or the scalar one for a programme HQ composed); the full verdict with its
explanation is computed only for the rows someone looks at (a page, or the
download), by the scalar engine, which a property test proves gives the same
figures. While the worker computes a newer table the list shows the last one,
with the time it was computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from django.http import Http404

from keqi.accounts.models import District
from keqi.criteria.composable import COMPOSABLE, composed_notice
from keqi.criteria.engine import EngineSetup, engine_setup
from keqi.cultivation.columns import (
    NO_VERDICT,
    ProgrammeColumns,
    TableView,
    reserve_table,
)
from keqi.cultivation.libraries import scope_area_ids
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K
from keqi.registry.selectors import enterprise_list_for
from keqi.rules import (
    Outcome,
    ParamSet,
    ProgrammeResult,
    evaluate,
    programme_table,
)
from keqi.rules.batch import OUTCOME_CODE
from keqi.rules.closeness import blocking, shortfall


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


@dataclass(frozen=True)
class Ranked:
    """One enterprise's place on a list, before its explanation is computed;
    `order` is its place among the enterprises in scope sorted by name."""

    pk: int
    order: int
    not_met: int
    shortfall: int | None

    def sort_key(self) -> tuple[int, int, int]:
        """Closeness: conditions not met, then score shortfall, then name."""
        gap = _NO_SCORE if self.shortfall is None else self.shortfall
        return (self.not_met, gap, self.order)


@dataclass(frozen=True, eq=False)
class RankedColumns(Sequence[Ranked]):
    """A ranked list kept as arrays (a city's reserve has 100 000 rows); the
    row objects are made only for the slice read."""

    pks: npt.NDArray[np.int64]
    not_met: npt.NDArray[np.int64]
    short: npt.NDArray[np.int64]
    known: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> Ranked: ...
    @overload
    def __getitem__(self, index: slice) -> list[Ranked]: ...
    def __getitem__(self, index: int | slice) -> Ranked | list[Ranked]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(len(self)))]
        return self._one(range(len(self))[index])

    def _one(self, i: int) -> Ranked:
        short = int(self.short[i]) if self.known[i] else None
        return Ranked(int(self.pks[i]), i, int(self.not_met[i]), short)


@dataclass(eq=False)
class RankedRows(Sequence[ReserveRow]):
    """A ranked list whose rows are explained only when read: a page slices it
    (the paginator asks for its length and one slice), a download iterates it."""

    ranked: Sequence[Ranked]
    day: dt.date
    key: str
    setup: EngineSetup | None
    mark: int | None
    _done: dict[int, ReserveRow] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ranked)

    def __eq__(self, other: object) -> bool:
        """Equal to a list or another ranked list with the same rows."""
        if isinstance(other, RankedRows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @overload
    def __getitem__(self, index: int) -> ReserveRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ReserveRow]: ...
    def __getitem__(self, index: int | slice) -> ReserveRow | list[ReserveRow]:
        if isinstance(index, slice):
            return self._rows(self.ranked[index])
        return self._rows([self.ranked[index]])[0]

    def __iter__(self) -> Iterator[ReserveRow]:
        """Every row, a chunk at a time; a long list's rows are not kept once
        handed out (a full download reads 100 000 of them once)."""
        keep = len(self.ranked) <= KEEP_EXPLAINED
        for start in range(0, len(self.ranked), EXPLAIN_CHUNK):
            yield from self._rows(self.ranked[start : start + EXPLAIN_CHUNK], keep)

    def _rows(self, wanted: Sequence[Ranked], keep: bool = True) -> list[ReserveRow]:
        done = self._done
        todo = [r.pk for r in wanted if r.pk not in done]
        if todo and self.setup is not None:
            explained = _explained(todo, self.day, self.key, self.setup, self.mark)
            if keep:
                done.update(explained)
            else:
                done = {**done, **explained}
        # An enterprise deleted since the ranking is left out.
        return [done[r.pk] for r in wanted if r.pk in done]


#: Rows explained per query batch when a whole list is read (the download).
EXPLAIN_CHUNK = 500
#: A list read whole keeps its explained rows only up to this length.
KEEP_EXPLAINED = 2000


@dataclass(frozen=True)
class ReserveList:
    """The 免申即享 list (eligible, no title yet) and the ranked reserve."""

    programme: ReserveProgramme
    day: dt.date
    eligible: Sequence[ReserveRow]
    reserve: Sequence[ReserveRow]
    in_force: bool = True
    #: Why a composed programme has no list ("" otherwise).
    notice: str = ""
    #: The stored table the ranking comes from (None: no table needed).
    table: TableView | None = None
    #: Enterprises in scope added since that table was computed (not yet ranked).
    unranked: int = 0

    @property
    def waiting(self) -> bool:
        """No table yet: the worker is computing the first one."""
        return self.table is not None and self.table.columns is None


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


def reserve_list(
    user: object,
    key: str,
    day: dt.date,
    area_id: int | None = None,
    district: District | None = None,
) -> ReserveList:
    """The reserve list of one programme for the user's scope (404 outside it;
    one district's when given), under the rules in force (HQ's edits and
    composed programmes included). Ranking reads every enterprise in scope;
    rows are explained when read."""
    programme = reserve_programme_get(key)
    areas = scope_area_ids(user, area_id)
    setup = engine_setup()
    found = programme_table(setup.extra).get(key)
    if found is None or found.version_for(day) is None:
        notice = composed_notice(setup, key, day)
        return ReserveList(programme, day, [], [], in_force=False, notice=notice)
    enterprises = enterprise_list_for(user).order_by("pk")
    if areas is not None:
        enterprises = enterprises.filter(area_id__in=areas)
    if district is not None:
        enterprises = enterprises.filter(area__district=district)
    mark = pass_mark(programme, setup.params, day)
    table = reserve_table(key, programme.kind, day, setup, mark)
    if table.columns is None:
        return ReserveList(programme, day, [], [], table=table)
    by_name = list(enterprises.order_by("name", "id").values_list("pk", flat=True))
    eligible, reserve, unranked = _ranked_from(table.columns, by_name)
    return ReserveList(
        programme,
        day,
        RankedRows(eligible, day, key, setup, mark),
        RankedRows(reserve, day, key, setup, mark),
        table=table,
        unranked=unranked,
    )


def _ranked_from(
    table: ProgrammeColumns, by_name: list[int]
) -> tuple[RankedColumns, RankedColumns, int]:
    """Split the enterprises in scope (in name order) by the stored figures,
    leaving out title holders: the eligible by name, the reserve by closeness
    (numpy's stable sort keeps name order within equal figures). Enterprises
    added since the table was computed are counted, not ranked."""
    pks = np.asarray(by_name, dtype=np.int64)
    known = table.present(pks)
    pks = pks[known]
    at = table.positions(pks.tolist())
    keep = ~table.holds[at] & (table.outcome[at] != NO_VERDICT)
    pks, at = pks[keep], at[keep]
    top = table.outcome[at] == OUTCOME_CODE[Outcome.ELIGIBLE]
    eligible = _columns(table, pks[top], at[top], None)
    rest, spot = pks[~top], at[~top]
    gap = np.where(table.short_known[spot], table.short[spot], _NO_SCORE)
    order = np.lexsort((np.arange(len(rest)), gap, table.not_met[spot]))
    return eligible, _columns(table, rest, spot, order), int((~known).sum())


def _columns(
    table: ProgrammeColumns,
    pks: npt.NDArray[np.int64],
    at: npt.NDArray[np.intp],
    order: npt.NDArray[np.intp] | None,
) -> RankedColumns:
    if order is not None:
        pks, at = pks[order], at[order]
    return RankedColumns(pks, table.not_met[at], table.short[at], table.short_known[at])


def _explained(
    pks: list[int], day: dt.date, key: str, setup: EngineSetup, mark: int | None
) -> dict[int, ReserveRow]:
    """Full verdicts, with what is missing, for the given enterprises only."""
    rows = list(
        Enterprise.objects.filter(pk__in=pks)
        .select_related("area__district")
        .order_by("pk")
    )
    found: dict[int, ReserveRow] = {}
    for enterprise, facts in zip(rows, iter_facts(rows), strict=True):
        result = evaluate(
            facts, as_of=day, params=setup.params, programmes=[key], extra=setup.extra
        )
        verdict = result.programmes[key]
        found[enterprise.pk] = ReserveRow(
            enterprise,
            verdict,
            len(blocking(verdict)),
            shortfall(verdict, mark),
            missing_texts(verdict),
        )
    return found
