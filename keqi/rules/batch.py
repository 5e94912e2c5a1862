"""Columnar evaluation of many enterprises at once (numpy, exact integers).

Inputs are column arrays: amounts are ``int64`` in units of 0.0001 万元 (one 元),
counts are ``int64``; every column has a ``known`` mask (``False`` = unknown).
Outputs are small integer codes.  Comparisons are cross-multiplications or
exact integer divisions on ``int64``; no float, no object arrays, no Python loop
per enterprise.  The batch path must agree exactly with :mod:`keqi.rules.evaluate`
(a hypothesis property test checks it).

Codes: a condition status is ``NOT_MET=0``, ``UNKNOWN=1``, ``MET=2`` so that
Kleene AND is ``min`` and OR is ``max``; an outcome is ``INELIGIBLE=0``,
``UNDETERMINED=1``, ``ELIGIBLE=2``; a route is ``0`` none, ``1`` score,
``2`` direct.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import Outcome
from keqi.rules.numbers import BandTable, Threshold, Tri

I64 = npt.NDArray[np.integer[Any]]  # any integer width
I8 = npt.NDArray[np.int8]
Mask = npt.NDArray[np.bool_]

SCALE = 10_000
LIMIT = 1 << 50
NOT_MET, UNKNOWN, MET = 0, 1, 2
TRI_CODE = {Tri.NOT_MET: NOT_MET, Tri.UNKNOWN: UNKNOWN, Tri.MET: MET}
OUTCOME_CODE = {Outcome.INELIGIBLE: 0, Outcome.UNDETERMINED: 1, Outcome.ELIGIBLE: 2}
ROUTE_CODE = {None: 0, "score": 1, "direct": 2}


class BatchError(ValueError):
    """A column that cannot be evaluated exactly (precision or range)."""


@dataclass(frozen=True)
class Column:
    """An ``int64`` column and its known-mask."""

    values: npt.NDArray[np.integer]
    known: Mask

    @classmethod
    def of(cls, values: Sequence[int | None], dtype: type = np.int64) -> Column:
        """Build from Python ints with ``None`` for unknown."""
        arr: I64 = np.array([0 if v is None else v for v in values], dtype=dtype)
        known = np.array([v is not None for v in values], dtype=np.bool_)
        return cls(arr, known)


@dataclass(frozen=True)
class BatchResult:
    """Per-enterprise codes for one programme."""

    programme: str
    outcome: I8
    route: I8
    score_low: I64
    score_high: I64
    statuses: Mapping[str, I8] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    #: False for a programme (version) without a score: the scalar path gives
    #: ``score_low = score_high = None`` and the score columns are meaningless.
    scored: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "statuses", MappingProxyType(dict(self.statuses)))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle with a plain dict (mapping proxies cannot be pickled)."""
        from keqi.rules.facts import unproxied

        return (BatchResult, unproxied(self))


def scaled(amount: Decimal | None) -> int | None:
    """Exact ``int`` in units of 0.0001 万元; rejects finer precision."""
    if amount is None:
        return None
    value = amount * SCALE
    if value != value.to_integral_value():
        raise BatchError(f"金额 {amount} 万元的精度超过0.0001万元，无法精确计算")
    result = int(value)
    if abs(result) >= LIMIT:
        raise BatchError(f"金额 {amount} 万元超出批量计算范围")
    return result


def _check_range(values: npt.NDArray[np.integer], factor: int) -> None:
    if values.size == 0:
        return
    bound = max(abs(int(values.max())), abs(int(values.min())))
    if bound * factor >= np.iinfo(values.dtype).max:
        raise BatchError("数值过大，批量计算会溢出")


@dataclass(frozen=True)
class Lookup:
    """A band table prepared for integer keys (see :func:`band_lookup`)."""

    common: int
    doubled: bool
    low: int
    index: npt.NDArray[np.integer]
    lows: npt.NDArray[np.integer]
    highs: npt.NDArray[np.integer]

    @property
    def top(self) -> int:
        """Highest points of the table."""
        return int(self.highs.max())


@lru_cache(maxsize=256)
def prepare(table: BandTable) -> Lookup:
    """Keys of the lower edges over their common denominator D.

    With all lower edges closed, ``floor(x*D) >= n`` is exactly ``x >= n/D``;
    with some open edge the key is doubled: ``2*floor(x*D) + (remainder > 0)``
    compared with ``2n`` (closed) or ``2n + 1`` (open).
    """
    lowers = [b.lower for b in table.bands[1:] if b.lower is not None]
    common = math.lcm(*(lo.denominator for lo in lowers)) if lowers else 1
    doubled = any(not b.lower_closed for b in table.bands[1:])
    keys = [_key(b.lower, b.lower_closed, common, doubled) for b in table.bands[1:]]
    low = keys[0] - 1 if keys else 0
    high = keys[-1] if keys else 0
    if high - low > 1 << 20:
        raise BatchError("档位跨度过大，无法建立查找表")
    index = np.searchsorted(
        np.array(keys, dtype=np.int64), np.arange(low, high + 1), "right"
    )
    if not all(isinstance(b.value, int | tuple) for b in table.bands):
        empty = np.zeros(0, dtype=np.int16)
        return Lookup(common, doubled, low, index, empty, empty)
    lo_pts, hi_pts = band_ranges(table)
    small = lo_pts.min() >= -(1 << 14) and hi_pts.max() < 1 << 14
    kind = np.int16 if small else np.int64
    return Lookup(
        common,
        doubled,
        low,
        index,
        lo_pts[index].astype(kind),
        hi_pts[index].astype(kind),
    )


def _key(lower: Fraction | None, closed: bool, common: int, doubled: bool) -> int:
    assert lower is not None
    n = lower * common
    assert n.denominator == 1
    return 2 * int(n) + (0 if closed else 1) if doubled else int(n)


def band_keys(
    num: npt.NDArray[np.integer], den: npt.NDArray[np.integer] | int, look: Lookup
) -> npt.NDArray[np.integer]:
    """Integer key of ``num/den`` (rows with ``den <= 0`` get a meaningless key)."""
    _check_range(num, look.common * 2)
    top = num * look.common if look.common != 1 else num
    if isinstance(den, int) and den == 1:
        return 2 * top if look.doubled else top
    safe = den if isinstance(den, int) else np.maximum(den, 1)
    if not look.doubled:
        out: npt.NDArray[np.integer] = top // safe
        return out
    quot, rem = np.divmod(top, safe)
    return 2 * quot + (rem > 0)


def band_lookup(
    num: npt.NDArray[np.integer], den: npt.NDArray[np.integer] | int, table: BandTable
) -> tuple[I64, I64]:
    """Low and high points of the band holding ``num/den``, per row."""
    look = prepare(table)
    key = band_keys(num, den, look) - look.low
    return (np.take(look.lows, key, mode="clip"), np.take(look.highs, key, mode="clip"))


def band_index(
    num: npt.NDArray[np.integer], den: npt.NDArray[np.integer] | int, table: BandTable
) -> npt.NDArray[np.integer]:
    """Index (in band order) of the band holding ``num/den``, per row."""
    look = prepare(table)
    return np.take(look.index, band_keys(num, den, look) - look.low, mode="clip")


def ratio_test(
    num: npt.NDArray[np.integer], den: npt.NDArray[np.integer], thr: Threshold
) -> Mask:
    """``num/den op thr`` by cross-multiplication; false where ``den <= 0``."""
    frac: Fraction = thr.value
    _check_range(num, frac.denominator)
    _check_range(den, max(frac.numerator, 1))
    lhs = num * frac.denominator
    rhs = den * frac.numerator
    ops: dict[str, Callable[[I64, I64], Mask]] = {
        ">=": np.greater_equal,
        ">": np.greater,
        "<=": np.less_equal,
        "<": np.less,
    }
    out: Mask = ops[thr.op](lhs, rhs) & (den > 0)
    return out


def pin_expert(low: I64, high: I64, point: Column) -> tuple[I64, I64]:
    """Replace a range by an expert point lying inside it (as the scalar path)."""
    use = point.known & (low != high) & (low <= point.values) & (point.values <= high)
    return np.where(use, point.values, low), np.where(use, point.values, high)


def band_points(
    num: npt.NDArray[np.integer], den: npt.NDArray[np.integer] | int, table: BandTable
) -> I64:
    """Points of ``num/den`` on a table of integer points."""
    return band_lookup(num, den, table)[0]


def band_values(table: BandTable) -> I64:
    """Integer points of each band, in band order."""
    return band_ranges(table)[0]


def band_ranges(table: BandTable) -> tuple[I64, I64]:
    """Low and high points of each band (a plain int is its own range)."""
    lows, highs = [], []
    for band in table.bands:
        value = band.value
        if isinstance(value, tuple):
            lows.append(int(value[0]))
            highs.append(int(value[1]))
        else:
            assert isinstance(value, int)
            lows.append(value)
            highs.append(value)
    return np.array(lows, dtype=np.int64), np.array(highs, dtype=np.int64)


def threshold_test(values: I64, thr: Threshold, scale: int = 1) -> Mask:
    """``values/scale op thr.value`` by cross-multiplication."""
    frac: Fraction = thr.value
    lhs = values * frac.denominator if frac.denominator != 1 else values
    rhs = frac.numerator * scale
    ops: dict[str, Callable[[I64, int], Mask]] = {
        ">=": np.greater_equal,
        ">": np.greater,
        "<=": np.less_equal,
        "<": np.less,
    }
    result: Mask = ops[thr.op](lhs, rhs)
    return result


def tri_from(test: Mask, known: Mask) -> I8:
    """Status codes from a test and a known-mask: met 2, unknown 1, not met 0."""
    met = (test & known).view(np.int8)
    out: I8 = met + met + (~known).view(np.int8)
    return out


def tri_and(*codes: I8) -> I8:
    """Kleene AND of status codes."""
    out = codes[0]
    for code in codes[1:]:
        out = np.minimum(out, code)
    return out


def tri_or(*codes: I8) -> I8:
    """Kleene OR of status codes."""
    out = codes[0]
    for code in codes[1:]:
        out = np.maximum(out, code)
    return out


def tri_codes(values: Sequence[Tri]) -> I8:
    """Status codes of a list of :class:`Tri`."""
    return np.array([TRI_CODE[v] for v in values], dtype=np.int8)


BatchEvaluator = Callable[[Mapping[str, Column], date, object], BatchResult]


LIMB = 25
LIMB_MASK = (1 << LIMB) - 1
Limbs = tuple[I64, I64, I64]


def limbs(value: I64) -> tuple[I64, I64]:
    """Split ``|value| < 2**50`` into ``(high, low)`` with ``value = high*2**25 + low``."""
    v = value.astype(np.int64, copy=False)
    return v >> LIMB, v & LIMB_MASK


def limb_product(a: I64, b: I64) -> Limbs:
    """``a*b`` as three base-2**25 digits, each well inside ``int64``."""
    a1, a0 = limbs(a)
    b1, b0 = limbs(b)
    return a1 * b1, a1 * b0 + a0 * b1, a0 * b0


def limb_nonnegative(hi: I64, mid: I64, lo: I64) -> Mask:
    """Whether ``hi*2**50 + mid*2**25 + lo >= 0``.

    Carrying ``lo`` and ``mid`` upwards leaves two digits in ``[0, 2**25)``, so
    the number is non-negative exactly when the carried top digit is.
    """
    top = hi + ((mid + (lo >> LIMB)) >> LIMB)
    out: Mask = top >= 0
    return out


def limb_combination(terms: Sequence[tuple[int, Limbs]]) -> Limbs:
    """``Σ c*T`` digit by digit (constants small enough not to overflow)."""
    if sum(abs(c) for c, _ in terms) >= 1 << 10:
        raise BatchError("系数过大，批量计算会溢出")
    hi = sum(c * t[0] for c, t in terms)
    mid = sum(c * t[1] for c, t in terms)
    lo = sum(c * t[2] for c, t in terms)
    return hi, mid, lo  # type: ignore[return-value]


def _edges(table: BandTable) -> list[tuple[Fraction, bool]]:
    return [(b.lower, b.lower_closed) for b in table.bands[1:] if b.lower is not None]


def growth_index_two(v2: I64, v3: I64, table: BandTable) -> I64:
    """Band index of g = v3/v2 − 1 = (v3 − v2)/v2 (rows with v2 = 0 meaningless);
    the signs are moved to the numerator so the denominator is positive."""
    s2 = np.where(v2 < 0, -1, 1)
    return band_index((v3 - v2) * s2, np.abs(v2), table)


def growth_index_three(v1: I64, v2: I64, v3: I64, table: BandTable) -> I64:
    """Band index of g = (v2/v1 + v3/v2)/2 − 1 (rows with v1·v2 = 0 meaningless).

    g = N/D with N = v2² + v1·v3 − 2·v1·v2 and D = 2·v1·v2, so g ≥ a/b ⇔
    s·(b·N − a·D) ≥ 0 with s = sign(D); products are kept in base-2**25 digits.
    """
    s3 = np.sign(v1) * np.sign(v2)
    p_sq = limb_product(v2 * s3, v2)
    p_13, p_12 = limb_product(v1 * s3, v3), limb_product(v1 * s3, v2)
    n3 = limb_combination([(1, p_sq), (1, p_13), (-2, p_12)])
    d3 = limb_combination([(2, p_12)])
    out = np.zeros(len(v1), dtype=np.int8)
    for edge, closed in _edges(table):
        a, b = edge.numerator, edge.denominator
        hi, mid, lo = (b * n - a * d for n, d in zip(n3, d3, strict=True))
        out += limb_nonnegative(hi, mid, lo - (0 if closed else 1))
    return out


def ratio_range(num: Column, den: Column, table: BandTable) -> tuple[I64, I64]:
    """Points range of ``num/den`` as the scalar ``ratio_item``: the table's full
    range when unknown, 0 when ``den <= 0``, else the band's points."""
    look = prepare(table)
    pts = band_points(num.values, den.values, table) * (den.values > 0)
    known = num.known & den.known
    bottom, top = int(look.lows.min()), int(look.highs.max())
    return np.where(known, pts, bottom), np.where(known, pts, top)


def difference(a: Column, b: Column) -> Column:
    """``a − b`` with the combined known-mask."""
    return Column(a.values.astype(np.int64) - b.values, a.known & b.known)


def coded_points(
    rows: int, lows: Sequence[int], highs: Sequence[int]
) -> dict[str, Column]:
    """Low/high points computed by the scalar path, as two columns."""
    ones = np.ones(rows, dtype=np.bool_)
    return {
        "lo": Column(np.array(lows, dtype=np.int16), ones),
        "hi": Column(np.array(highs, dtype=np.int16), ones),
    }


def add_all(arrays: Sequence[npt.NDArray[np.integer[Any]]]) -> I64:
    """Element-wise sum in int64."""
    out: I64 = arrays[0].astype(np.int64)
    for arr in arrays[1:]:
        out = out + arr
    return out


def _safe(values: I64) -> I64:
    out: I64 = np.where(values == 0, 1, values)
    return out


def growth_index_three_fast(v1: I64, v2: I64, v3: I64, table: BandTable) -> I64:
    """Same result as :func:`growth_index_three`, mostly without wide products.

    With q1 = ⌊S·v2/v1⌋ and q2 = ⌊S·v3/v2⌋ the sum r = v2/v1 + v3/v2 lies in
    [(q1+q2)/S, (q1+q2+2)/S), exactly at the low end when both divisions are
    exact.  An edge e is compared as r ≥ K/S with K = 2·S·(1+e); only rows with
    q1+q2 = K−1 (and a remainder) are undecided, and those few rows are
    computed exactly in base-2**25 digits.
    """
    edges = _edges(table)
    base = math.lcm(*(e.denominator for e, _ in edges)) if edges else 1
    bound = max(int(np.abs(v).max()) if v.size else 0 for v in (v1, v2, v3)) or 1
    # A larger S leaves fewer undecided rows but needs a longer lookup table.
    scale = base * max(1, min((1 << 15) // base, (1 << 62) // (base * bound * 2)))
    if scale * bound >= 1 << 62:
        return growth_index_three(v1, v2, v3, table)
    q1, r1 = np.divmod(v2 * scale, _safe(v1))
    q2, r2 = np.divmod(v3 * scale, _safe(v2))
    total, exact_sum = q1 + q2, (r1 == 0) & (r2 == 0)
    keys = [(int(2 * scale * (1 + e)), closed) for e, closed in edges]
    low = min(k for k, _ in keys) - 2
    span = np.arange(low, max(k for k, _ in keys) + 2)
    lut_exact = sum((span >= (k if c else k + 1)).astype(np.int8) for k, c in keys)
    lut_inexact = sum((span >= k).astype(np.int8) for k, _ in keys)
    lut_open = np.zeros(len(span), dtype=bool)
    for k, _ in keys:
        lut_open |= span == k - 1
    pos = np.clip(total, low, span[-1]) - low
    out = np.where(exact_sum, np.take(lut_exact, pos), np.take(lut_inexact, pos))
    undecided = np.flatnonzero(np.take(lut_open, pos) & ~exact_sum)
    if undecided.size:
        out[undecided] = growth_index_three(
            v1[undecided], v2[undecided], v3[undecided], table
        )
    result: I64 = out.astype(np.int8)
    return result


def closeness_codes(
    result: BatchResult, routes: Sequence[str], mark: int | None
) -> tuple[I64, Column]:
    """Per row: how many conditions block it and the points it still lacks.

    The columnar form of :func:`keqi.rules.closeness.blocking` (counted) and
    :func:`keqi.rules.closeness.shortfall`: a condition blocks when it is not met
    and is neither one of ``routes`` (alternative direct routes) nor part of one;
    the shortfall is ``max(mark − score_high, 0)``, 0 without a pass mark, and
    unknown (``known`` False) for a programme without a score.
    """
    rows = len(result.outcome)
    blocked: I64 = np.zeros(rows, dtype=np.int64)
    for cid, codes in result.statuses.items():
        if any(cid == r or cid.startswith(f"{r}.") for r in routes):
            continue
        blocked += codes == NOT_MET
    zero = np.zeros(rows, dtype=np.int64)
    if mark is None:
        return blocked, Column(zero, np.ones(rows, dtype=np.bool_))
    if not result.scored:
        return blocked, Column(zero, np.zeros(rows, dtype=np.bool_))
    short: I64 = np.maximum(mark - result.score_high.astype(np.int64), 0)
    return blocked, Column(short, np.ones(rows, dtype=np.bool_))


V = TypeVar("V")
#: Fields of :class:`~keqi.rules.facts.EnterpriseFacts` a list-based reduction reads.
Fields = tuple[str, ...]


def facts_key(
    fields: Fields, kinds: frozenset[str] | None = None
) -> Callable[[EnterpriseFacts], Hashable]:
    """The values of ``fields`` of one enterprise as a hashable key (expert
    points as a frozen set of items; with ``kinds``, only the qualifications of
    those kinds)."""
    plain = tuple(f for f in fields if f != "expert_points")
    experts = "expert_points" in fields
    titles = "qualifications" in fields and kinds is not None
    if titles:
        plain = tuple(f for f in plain if f != "qualifications")

    get = attrgetter(*plain) if len(plain) > 1 else None

    def key(facts: EnterpriseFacts) -> Hashable:
        values: tuple[Any, ...] = (
            get(facts) if get is not None else tuple(getattr(facts, f) for f in plain)
        )
        if titles:
            assert kinds is not None
            values += (tuple(q for q in facts.qualifications if q.kind in kinds),)
        if experts:
            values += (frozenset(facts.expert_points.items()),)
        return values

    return key


@dataclass(frozen=True)
class Distinct(Generic[V]):
    """Results once per distinct key, and which one each row has."""

    index: npt.NDArray[np.intp]
    values: list[V]

    def column(self, pick: Callable[[V], int], dtype: type = np.int64) -> Any:
        """One integer per row: ``pick`` of the row's result."""
        return np.array([pick(v) for v in self.values], dtype=dtype)[self.index]

    def codes(self, pick: Callable[[V], Tri]) -> I8:
        """One status code per row: ``pick`` of the row's result."""
        found: I8 = np.array([TRI_CODE[pick(v)] for v in self.values], dtype=np.int8)[
            self.index
        ]
        return found


def per_distinct(
    rows: Iterable[EnterpriseFacts],
    fields: Fields,
    compute: Callable[[EnterpriseFacts], V],
    kinds: frozenset[str] | None = None,
) -> Distinct[V]:
    """``compute(row)`` for every row, called once per distinct value of ``fields``
    (of the qualifications, only those of ``kinds`` when given).

    Most enterprises share their lists (no IP, no credit record, no title the
    conditions ask about), so the scalar functions that reduce lists to codes
    run once per distinct list rather than once per enterprise, and the codes
    are spread to the rows by numpy.  Exact only when ``compute`` reads nothing
    but that: every (fields, compute, kinds) a builder uses is listed in its
    module's ``REDUCTIONS`` and checked by ``test_batch_reductions.py`` (rows
    that agree on it and differ in everything else get the same result).
    """
    key = facts_key(fields, kinds)
    seen: dict[Hashable, int] = {}
    values: list[V] = []
    index: list[int] = []
    for row in rows:
        k = key(row)
        at = seen.get(k)
        if at is None:
            at = seen[k] = len(values)
            values.append(compute(row))
        index.append(at)
    return Distinct(np.array(index, dtype=np.intp), values)
