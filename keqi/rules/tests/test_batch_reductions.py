"""The list-based reductions the columnar builders run once per distinct value.

A builder calls a scalar function (``compute``) once per distinct value of the
facts fields it declares (``REDUCTIONS`` of each ``*_batch`` module; of the
qualifications only the declared kinds) and gives every enterprise with that
value the same result.  That is exact only if ``compute`` reads nothing else:
here two enterprises that agree on the declared fields and kinds and differ in
everything else (figures, dates, names, the other lists, titles of other
kinds) must get the same result, and whole chunks that share their lists must
still give the scalar engine's verdicts.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules.batch import facts_key
from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.context import Ctx
from keqi.rules.evaluate import programme_table
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import default_params
from keqi.rules.programmes import (
    high_tech_batch,
    innovative_sme_batch,
    tech_sme_batch,
    tj_chuying_batch,
    zjtx_sme_batch,
)
from keqi.rules.tests.batch_check import assert_batch_equals_scalar
from keqi.rules.tests.fastgen import many
from keqi.rules.tests.strategies import QUAL_KINDS

DATES = [date(2019, 9, 30), date(2022, 3, 1), date(2022, 9, 30), date(2026, 12, 31)]
MODULES: dict[str, Any] = {
    "tech_sme": tech_sme_batch,
    "high_tech": high_tech_batch,
    "tj_chuying": tj_chuying_batch,
    "innovative_sme": innovative_sme_batch,
    "zjtx_sme": zjtx_sme_batch,
}
CASES = [
    (key, name, day)
    for key, module in MODULES.items()
    for name in module.REDUCTIONS
    for day in DATES
    if (found := programme_table()[key].version_for(day)) is not None
    and (not name[-4:].isdigit() or name[-4:] == found.version)
]
#: Every kind the parameters name besides the generator's (institutions, titles).
KINDS = sorted(
    set(QUAL_KINDS)
    | {
        kind
        for pid in (
            "rd_institution.kinds",
            "innovative_sme.direct_titles",
            "zjtx_sme.2026.base_titles",
        )
        for version in default_params().parameter(pid).versions
        for kind in version.value  # type: ignore[attr-defined]
    }
)


def _relabelled(
    rows: list[EnterpriseFacts], rng: random.Random
) -> list[EnterpriseFacts]:
    """The rows with each title's kind drawn from every kind the rules name."""
    return [
        dataclasses.replace(
            f,
            qualifications=tuple(
                dataclasses.replace(q, kind=rng.choice(KINDS)) for q in f.qualifications
            ),
        )
        for f in rows
    ]


def _twin(
    f: EnterpriseFacts,
    other: EnterpriseFacts,
    fields: tuple[str, ...],
    kinds: frozenset[str] | None,
    rng: random.Random,
) -> EnterpriseFacts:
    """``other`` with ``f``'s declared fields (and titles of the declared kinds)."""
    twin = dataclasses.replace(other, **{n: getattr(f, n) for n in fields})
    if "qualifications" in fields and kinds is not None:
        mine = [q for q in f.qualifications if q.kind in kinds]
        rest = [q for q in other.qualifications if q.kind not in kinds]
        mixed: list[Any] = []
        while mine or rest:  # interleaved: the order of other kinds is free
            pick = mine if mine and (not rest or rng.random() < 0.5) else rest
            mixed.append(pick.pop(0))
        twin = dataclasses.replace(twin, qualifications=tuple(mixed))
    return twin


def _check(key: str, name: str, day: date, seed: int, n: int) -> None:
    fields, compute, kinds_of = MODULES[key].REDUCTIONS[name]
    rng = random.Random(seed)
    firsts = _relabelled(many(seed, n, day), rng)
    others = _relabelled(many(seed + 1, n, day), rng)
    ctx = Ctx(default_params(), day)
    kinds = kinds_of(ctx) if kinds_of is not None else None
    key_of: Callable[[EnterpriseFacts], object] = facts_key(fields, kinds)
    for f, other in zip(firsts, others, strict=True):
        twin = _twin(f, other, fields, kinds, rng)
        assert key_of(twin) == key_of(f)
        assert compute(twin, ctx) == compute(f, ctx), (key, name, day, f, twin)


@pytest.mark.parametrize(("key", "name", "day"), CASES)
def test_a_reduction_reads_only_its_declared_fields(
    key: str, name: str, day: date
) -> None:
    _check(key, name, day, seed=7, n=400)


def test_every_reduction_is_checked_on_some_date() -> None:
    checked = {(key, name) for key, name, _ in CASES}
    assert checked == {(k, n) for k, m in MODULES.items() for n in m.REDUCTIONS}
    assert set(MODULES) == set(BATCH_PROGRAMMES)


@pytest.mark.parametrize("key", sorted(MODULES))
def test_chunks_sharing_lists_give_the_scalar_verdicts(key: str) -> None:
    """Many enterprises with the same lists and different figures and dates:
    the reductions reuse results and the verdicts still equal the scalar's."""
    for seed, day in enumerate(DATES):
        if programme_table()[key].version_for(day) is None:
            continue
        rng = random.Random(seed)
        rows = _relabelled(many(seed, 600, day), rng)
        pool = rows[:23]
        shared = [
            dataclasses.replace(
                f,
                ip=(lists := rng.choice(pool)).ip,
                qualifications=lists.qualifications,
                credit_records=lists.credit_records,
                expert_points=lists.expert_points,
            )
            for f in rows
        ]
        assert_batch_equals_scalar(key, shared, day)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=False,
)
@given(seed=st.integers(0, 2**31), case=st.sampled_from(CASES))
def test_a_reduction_reads_only_its_declared_fields_on_many_samples(
    seed: int, case: tuple[str, str, date]
) -> None:
    _check(*case, seed=seed, n=3000)
