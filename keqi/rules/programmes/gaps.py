"""Shortest paths to eligibility, in the user's units, shared by the programmes.

Two tools:

* :func:`least_increase` — the smallest change ``d`` (a multiple of ``step``: 0.01
  万元 for amounts, 1 for people or items) of one figure that makes a value
  ``(n + a·d) / (den + b·d)`` satisfy an exact test.  The value is linear in
  ``d`` over a linear denominator, so the boundary for each band edge is solved
  in closed form and the answer is checked with the exact test itself (an open
  edge needs one more step).
* :func:`score_paths` — the fewest score items to change so that every pass
  requirement (total and group minimums) holds, each item raised by its
  cheapest sufficient change; alternatives when one change is enough, the
  changes to make together otherwise.

Gaps are computed from the lower end of a score range, so a path given is
enough whatever the expert items turn out to be.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from keqi.rules.facts import CreditFact
from keqi.rules.model import Gap, ScoreItem
from keqi.rules.numbers import BandTable, Exact, Threshold, ceil_to, exact, fmt_number

CENT = Fraction(1, 100)
#: One 元 in 万元: the finest amount the engine carries (a plain difference).
YUAN = Fraction(1, 10_000)
ONE = Fraction(1)


def least_increase(
    ok: Callable[[Fraction], bool],
    n: Exact,
    den: Exact,
    a: Exact,
    b: Exact,
    edges: Iterable[Exact],
    step: Fraction = CENT,
) -> Fraction | None:
    """Smallest positive multiple ``d`` of ``step`` with ``ok(d)``, or ``None``.

    ``ok`` must be monotone in ``d`` and change only where
    ``(n + a·d) / (den + b·d)`` crosses one of ``edges``.
    """
    fn, fden, fa, fb = exact(n), exact(den), exact(a), exact(b)
    found: list[Fraction] = []
    for raw in edges:
        edge = exact(raw)
        coef = fa - edge * fb
        if coef == 0:
            continue
        base = max(ceil_to((edge * fden - fn) / coef, step), step)
        for d in (base, base + step):
            if ok(d):
                found.append(d)
                break
    if ok(step):
        found.append(step)
    return min(found) if found else None


def credit_year_gap(
    records: Iterable[CreditFact], kinds: Iterable[str], as_of: date, cid: str
) -> list[Gap]:
    """A record of ``kinds`` in the application year or the year before: the
    first year it no longer counts (it leaves the window two years on)."""
    wanted = set(kinds)
    start = date(as_of.year - 1, 1, 1)
    inside = [
        r
        for r in records
        if r.kind in wanted
        and r.occurred_on is not None
        and start <= r.occurred_on <= as_of
    ]
    if not inside:
        return []
    last = max(r.occurred_on for r in inside if r.occurred_on is not None)
    names = "、".join(f"{r.occurred_on}{r.kind}" for r in inside)
    first = last.year + 2
    wait = first - as_of.year
    return [
        Gap(
            cid,
            f"申报当年及上一年度有{names}，最早{first}年可申报（还需等待{wait}年）",
            "credit_records",
            str(wait),
            "年",
        )
    ]


def amount_text(value: Fraction, unit: str) -> str:
    """``0.01万元``, ``3人`` — exact, no trailing zeros."""
    return f"{fmt_number(value)}{unit}"


def threshold_shortfall(value: Exact, limit: Threshold, step: Fraction) -> Fraction:
    """How far ``value`` must move (up for ≥/>, down for ≤/<) to pass ``limit``."""
    v = exact(value)
    if limit.test(v):
        return Fraction(0)
    if limit.op in (">=", ">"):
        found = least_increase(
            lambda d: limit.test(v + d), v, 1, 1, 0, [limit.value], step
        )
    else:
        found = least_increase(
            lambda d: limit.test(v - d), v, 1, -1, 0, [limit.value], step
        )
    assert found is not None
    return found


def figure_gap(
    cid: str, label: str, field: str, value: Exact, limit: Threshold, unit: str
) -> Gap:
    """``营业收入还差0.01万元（须≥10万元）`` or ``…超出上限…``."""
    step = YUAN if unit == "万元" else ONE
    short = threshold_shortfall(value, limit, step)
    shown = fmt_number(short)
    need = limit.text(unit)
    if limit.op in (">=", ">"):
        return Gap(cid, f"{label}还差{shown}{unit}（须{need}）", field, shown, unit)
    return Gap(cid, f"{label}超出上限{shown}{unit}（须{need}）", field, shown, unit)


@dataclass(frozen=True)
class Lever:
    """Reaching ``points`` in score item ``item`` by the change ``gap``."""

    item: str
    points: int
    gap: Gap


def band_levers(
    item: ScoreItem,
    table: BandTable,
    value: Callable[[Fraction], Fraction],
    n: Exact,
    den: Exact,
    a: Exact,
    b: Exact,
    describe: Callable[[Fraction, int], Gap],
    step: Fraction = CENT,
) -> list[Lever]:
    """The cheapest change reaching each band worth more than ``item.low``."""
    points = sorted(
        {int(x.value) for x in table.bands if isinstance(x.value, int)}
        - set(range(item.low + 1))
    )
    out: list[Lever] = []
    for target in points:

        def ok(d: Fraction, target: int = target) -> bool:
            found = table.find(value(d)).value
            return isinstance(found, int) and found >= target

        d = least_increase(ok, n, den, a, b, table.edges(), step)
        if d is None:
            continue
        reached = table.find(value(d)).value
        assert isinstance(reached, int)
        if out and out[-1].points >= reached:
            continue
        out.append(Lever(item.id, reached, describe(d, reached)))
    return out


Requirement = Callable[[Mapping[str, int]], bool]


#: The IP levels of the 创新型 and 专精特新 IP item, and what reaching each takes.
IP_LEVEL_STEPS = (
    (1, "再需1项与主导产品相关的Ⅱ类知识产权"),
    (2, "再需1项与主导产品相关的Ⅰ类知识产权"),
    (3, "再需1项自主研发、与主导产品相关的Ⅰ类知识产权"),
    (4, "再需1项高价值、与主导产品相关的Ⅰ类知识产权"),
)


def ip_level_levers(table: BandTable, item: ScoreItem, condition: str) -> list[Lever]:
    """One lever per IP level whose points beat the item's present low score:
    the next item of that level, with the points it would give."""
    out = []
    for level, text in IP_LEVEL_STEPS:
        pts = table.find(Fraction(level)).value
        assert isinstance(pts, int)
        if pts > item.low:
            gap = Gap(condition, f"{text}（知识产权得{pts}分）", "ip", "1", "项")
            out.append(Lever(item.id, pts, gap))
    return out


def score_paths(
    items: Sequence[ScoreItem],
    levers: Sequence[Lever],
    passes: Requirement,
    max_changes: int = 3,
) -> tuple[int, list[list[Lever]]]:
    """Fewest items to change so that ``passes`` holds (on the low points).

    Returns ``(k, paths)``: with ``k == 1`` every single sufficient change (the
    cheapest per item); with ``k > 1`` the item combinations of that size, each
    with its cheapest sufficient levers; ``(0, [])`` when none within
    ``max_changes`` changes.
    """
    current = {i.id: i.low for i in items}
    by_item: dict[str, list[Lever]] = {}
    for lever in levers:
        if lever.points <= current.get(lever.item, 0):
            continue
        kept = by_item.setdefault(lever.item, [])
        same = [x for x in kept if x.points == lever.points]
        if same and _cost(same[0]) <= _cost(lever):
            continue
        kept[:] = [x for x in kept if x.points != lever.points] + [lever]
    names = list(by_item)
    for k in range(1, min(max_changes, len(names)) + 1):
        paths: list[list[Lever]] = []
        for chosen in itertools.combinations(names, k):
            best = {**current, **{c: max(x.points for x in by_item[c]) for c in chosen}}
            if not passes(best):
                continue
            cheapest = _cheapest(current, chosen, by_item, passes)
            if cheapest is not None:
                paths.append(cheapest)
        if paths:
            return k, paths
    return 0, []


def _cost(lever: Lever) -> Fraction:
    """The amount of a lever's change (levers of one item share a unit)."""
    amount = lever.gap.amount
    return Fraction(amount) if amount else Fraction(0)


def _cheapest(
    current: Mapping[str, int],
    chosen: Sequence[str],
    by_item: Mapping[str, list[Lever]],
    passes: Requirement,
) -> list[Lever] | None:
    """The combination of lowest levers (fewest points over) that passes."""
    best: tuple[int, list[Lever]] | None = None
    for combo in itertools.product(*(by_item[c] for c in chosen)):
        points = {**current, **{x.item: x.points for x in combo}}
        if not passes(points):
            continue
        total = sum(x.points for x in combo)
        if best is None or total < best[0]:
            best = (total, list(combo))
    return None if best is None else best[1]


def score_gaps(
    cid: str,
    summary: str,
    items: Sequence[ScoreItem],
    levers: Sequence[Lever],
    passes: Requirement,
) -> list[Gap]:
    """A summary gap (``得分还差5分，可从…``) followed by the changes themselves."""
    k, paths = score_paths(items, levers, passes)
    if not paths:
        top = {i.id: i.low for i in items}
        for lever in levers:
            top[lever.item] = max(top.get(lever.item, 0), lever.points)
        if passes(top):
            return [Gap(cid, summary + "，须同时改变4项以上可量化指标")]
        return [
            Gap(
                cid,
                summary + "，可量化的指标全部达到最高档仍不足，须由人工评分项目补足",
            )
        ]
    if k == 1:
        gaps = [p[0].gap for p in paths]
        heads = "、".join(_head(g.text) for g in gaps)
        out = [Gap(cid, f"{summary}，可从以下任一项补足：{heads}")]
        note = "（任一项即可达标）" if len(gaps) > 1 else "（即可达标）"
        return out + [_noted(g, note) for g in gaps]
    first = paths[0]
    heads = "、".join(_head(x.gap.text) for x in first)
    out = [Gap(cid, f"{summary}，须同时补足{k}项：{heads}")]
    return out + [_noted(x.gap, "（需同时满足）") for x in first]


def _head(text: str) -> str:
    """The part of a gap text before its parenthesised note."""
    return text.split("（", 1)[0]


def _noted(gap: Gap, note: str) -> Gap:
    return Gap(gap.condition_id, gap.text + note, gap.field, gap.amount, gap.unit)


def need_points(limit: Threshold) -> int:
    """The smallest integer score passing ``limit`` (``≥60`` → 60, ``>70`` → 71)."""
    value = limit.value
    whole = -(-value.numerator // value.denominator)
    if limit.op == ">" and whole == value:
        whole += 1
    return int(whole)


def ratio_shortfall(
    n: Exact,
    den: Exact,
    a: Exact,
    b: Exact,
    limit: Threshold,
    step: Fraction = CENT,
) -> Fraction | None:
    """Least change ``d`` (a multiple of ``step``) with ``(n + a·d) / (den + b·d)``
    passing ``limit``."""
    fn, fden = exact(n), exact(den)

    def ok(d: Fraction) -> bool:
        return bool(limit.test_ratio(fn + exact(a) * d, fden + exact(b) * d))

    if ok(Fraction(0)):
        return Fraction(0)
    return least_increase(ok, fn, fden, a, b, [limit.value], step)
