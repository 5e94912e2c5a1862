"""Exact integer kernels of the batch path against Fraction arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from keqi.rules.batch import (
    band_index,
    growth_index_three,
    growth_index_three_fast,
    growth_index_two,
)
from keqi.rules.params import default_params

TABLE = default_params().value(
    "high_tech.growth_points",
    default_params().parameter("high_tech.growth_points").versions[0].effective_from,
)
BIG = (1 << 49) - 1
values = st.one_of(
    st.integers(-BIG, BIG),
    st.integers(-1000, 1000),
    st.sampled_from([1, 100, 10**4, 10**8, BIG, -BIG]),
)


def scalar_three(v1: int, v2: int, v3: int) -> int:
    g = (Fraction(v2, v1) + Fraction(v3, v2)) / 2 - 1
    return [b.contains(g) for b in TABLE.bands].index(True)  # type: ignore[attr-defined]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(values, values, values), min_size=1, max_size=200))
def test_three_year_growth_band_is_exact(rows: list[tuple[int, int, int]]) -> None:
    rows = [r for r in rows if r[0] != 0 and r[1] != 0] or [(1, 1, 1)]
    v1, v2, v3 = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    want = [scalar_three(*r) for r in rows]
    assert list(growth_index_three(v1, v2, v3, TABLE)) == want  # type: ignore[arg-type]
    assert list(growth_index_three_fast(v1, v2, v3, TABLE)) == want  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(values, values), min_size=1, max_size=200))
def test_two_year_growth_band_is_exact(rows: list[tuple[int, int]]) -> None:
    rows = [r for r in rows if r[0] != 0] or [(1, 1)]
    v2, v3 = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    want = [
        [b.contains(Fraction(c, a) - 1) for b in TABLE.bands].index(True)  # type: ignore[attr-defined]
        for a, c in rows
    ]
    assert list(growth_index_two(v2, v3, TABLE)) == want  # type: ignore[arg-type]


def test_edges_exactly_on_the_growth_bands() -> None:
    base = 10**6
    rows = []
    for edge in (Fraction(0), Fraction(5, 100), Fraction(15, 100), Fraction(35, 100)):
        v3 = int(base * (1 + edge) * (1 + edge))
        rows += [(base, int(base * (1 + edge)), v3 + d) for d in (-1, 0, 1)]
    v1, v2, v3 = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    want = [scalar_three(*r) for r in rows]
    assert list(growth_index_three_fast(v1, v2, v3, TABLE)) == want  # type: ignore[arg-type]


def test_band_index_with_open_and_closed_edges() -> None:
    num = np.array([-1, 0, 1, 4, 5, 6, 14, 15, 16], dtype=np.int64)
    got = band_index(num, 100, TABLE)  # type: ignore[arg-type]
    want = [
        [b.contains(Fraction(int(n), 100)) for b in TABLE.bands].index(True)  # type: ignore[attr-defined]
        for n in num
    ]
    assert list(got) == want
