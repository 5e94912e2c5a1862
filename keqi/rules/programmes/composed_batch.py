"""Columnar path for composed programmes: each building block's columns and codes.

Numeric blocks (figure, ratio, growth, average, compare) are computed on int64
columns by cross-multiplication; blocks that read lists and dates (IP, titles,
age, credit records) and the compound growth (whose (1+r)^N is too wide for
int64) take the status the scalar block gives while the columns are built, as
the built-in programmes do.  ``any_k`` counts its children's codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from keqi.rules.batch import BatchResult, Column, tri_and, tri_or
from keqi.rules.batch_registry import BatchProgramme
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import ParamSet
from keqi.rules.programmes import composed
from keqi.rules.programmes import composed_blocks as blocks


def _in_force(versions: Sequence[Mapping[str, Any]], as_of: date) -> Mapping[str, Any]:
    found = None
    for raw in sorted(versions, key=lambda r: str(r["effective_from"])):
        if date.fromisoformat(str(raw["effective_from"])) <= as_of:
            found = raw
    if found is None:
        raise ValueError(f"{as_of} 没有生效的版本")
    return found


def batch_programme(key: str, versions: Sequence[Mapping[str, Any]]) -> BatchProgramme:
    """The columnar path of one composed programme (all its dated versions)."""

    def chosen(as_of: date) -> tuple[Mapping[str, Any], list[blocks.Block]]:
        raw = _in_force(versions, as_of)
        return raw, composed.version_blocks(raw)

    def build(
        facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
    ) -> dict[str, Column]:
        rows = list(facts)
        ctx = Ctx(params, as_of)
        _, found = chosen(as_of)
        cols: dict[str, Column] = {}
        for i, block in enumerate(found):
            for name, col in block.build(rows, ctx).items():
                cols[f"{i}.{name}"] = col
        return cols

    def evaluate(
        cols: Mapping[str, Column], as_of: date, params: ParamSet
    ) -> BatchResult:
        ctx = Ctx(params, as_of)
        raw, found = chosen(as_of)
        statuses = {}
        for i, block in enumerate(found):
            prefix = f"{i}."
            mine = {
                n[len(prefix) :]: c for n, c in cols.items() if n.startswith(prefix)
            }
            statuses[block.spec.id] = block.run(mine, ctx)
        combine = tri_and if raw.get("require", "all") == "all" else tri_or
        overall = combine(*statuses.values())
        zero = np.zeros(len(overall), dtype=np.int64)
        flags = ctx.flags()
        if raw.get("status") != "confirmed":
            flags += (f"{key}@{raw['version']}",)
        return BatchResult(
            key, overall, np.zeros(len(overall), np.int8), zero, zero, statuses, flags
        )

    def kinds(as_of: date, params: ParamSet) -> dict[str, str]:
        return {}

    return BatchProgramme(key, build, evaluate, kinds)


def composed_batch(
    definitions: Iterable[Mapping[str, Any]],
) -> dict[str, BatchProgramme]:
    """A columnar path for every composed programme of ``definitions``."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for raw in definitions:
        composed.build_version(raw)  # validates, raising ComposeError
        grouped.setdefault(str(raw["key"]), []).append(raw)
    return {key: batch_programme(key, found) for key, found in grouped.items()}
