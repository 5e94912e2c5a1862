"""Which programmes have a columnar path, and how to build and run it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from keqi.rules.batch import BatchResult, Column
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import ParamSet
from keqi.rules.programmes import (
    high_tech_batch,
    innovative_sme_batch,
    tech_sme_batch,
    tj_chuying_batch,
    zjtx_sme_batch,
)


@dataclass(frozen=True)
class BatchProgramme:
    """Build columns from facts, evaluate columns, and name the column kinds."""

    key: str
    build: Callable[[Iterable[EnterpriseFacts], date, ParamSet], dict[str, Column]]
    evaluate: Callable[[Mapping[str, Column], date, ParamSet], BatchResult]
    column_kinds: Callable[[date, ParamSet], dict[str, str]]


BATCH_PROGRAMMES: dict[str, BatchProgramme] = {
    "tech_sme": BatchProgramme(
        "tech_sme",
        tech_sme_batch.build_columns,
        tech_sme_batch.evaluate_columns,
        tech_sme_batch.column_kinds,
    ),
    "high_tech": BatchProgramme(
        "high_tech",
        high_tech_batch.build_columns,
        high_tech_batch.evaluate_columns,
        high_tech_batch.column_kinds,
    ),
    "tj_chuying": BatchProgramme(
        "tj_chuying",
        tj_chuying_batch.build_columns,
        tj_chuying_batch.evaluate_columns,
        tj_chuying_batch.column_kinds,
    ),
    "innovative_sme": BatchProgramme(
        "innovative_sme",
        innovative_sme_batch.build_columns,
        innovative_sme_batch.evaluate_columns,
        innovative_sme_batch.column_kinds,
    ),
    "zjtx_sme": BatchProgramme(
        "zjtx_sme",
        zjtx_sme_batch.build_columns,
        zjtx_sme_batch.evaluate_columns,
        zjtx_sme_batch.column_kinds,
    ),
}


def evaluate_batch(
    key: str, facts: Iterable[EnterpriseFacts], *, as_of: date, params: ParamSet
) -> BatchResult:
    """Build the columns of ``key`` from ``facts`` and evaluate them."""
    spec = BATCH_PROGRAMMES[key]
    return spec.evaluate(spec.build(facts, as_of, params), as_of, params)
