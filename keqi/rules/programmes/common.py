"""Helpers shared by the programme modules: IP counts, titles held, records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts, QualificationFact
from keqi.rules.model import (
    Condition,
    ConditionResult,
    Outcome,
    ProgrammeResult,
)
from keqi.rules.numbers import Tri, all_of, any_of, tri

CN_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


@dataclass(frozen=True)
class IPCounts:
    """Valid IP items by class: ``sure`` are related to the main product,
    ``maybe`` have an unknown relation (blank 与主要产品相关)."""

    class_i_sure: int = 0
    class_i_maybe: int = 0
    class_ii_sure: int = 0
    class_ii_maybe: int = 0
    class_i_own: int = 0
    any_valid: int = 0
    class_i_all: int = 0
    class_ii_all: int = 0
    class_i_high: int = 0
    class_i_high_max: int = 0
    class_i_own_max: int = 0

    @property
    def class_i_max(self) -> int:
        """Class I count if every unknown relation turned out related."""
        return self.class_i_sure + self.class_i_maybe

    @property
    def class_ii_max(self) -> int:
        """Class II count if every unknown relation turned out related."""
        return self.class_ii_sure + self.class_ii_maybe


def ip_levels(c: IPCounts) -> tuple[int, int]:
    """Lowest and highest IP level (4 high-value Ⅰ类, 3 own Ⅰ类, 2 Ⅰ类, 1 Ⅱ类, 0)
    the items can reach; 高价值 left blank keeps level 4 open."""
    low = (
        4
        if c.class_i_high
        else 3
        if c.class_i_own
        else 2
        if c.class_i_sure
        else 1
        if c.class_ii_sure
        else 0
    )
    high = (
        4
        if c.class_i_high_max
        else 3
        if c.class_i_own_max
        else 2
        if c.class_i_max
        else 1
        if c.class_ii_max
        else 0
    )
    return low, high


def ip_valid_on(status: str, granted_on: date | None, as_of: date) -> bool:
    """An item counts when it is 有效 and was granted on or before ``as_of``."""
    return status.strip() in ("有效", "") and (
        granted_on is None or granted_on <= as_of
    )


def ip_counts(facts: EnterpriseFacts, ctx: Ctx) -> IPCounts:
    """Count valid IP related to the main products, by class (Ⅰ/Ⅱ)."""
    class_i, class_ii = set(ctx.texts("ip.class_i")), set(ctx.texts("ip.class_ii"))
    counts = {
        "i_s": 0,
        "i_m": 0,
        "ii_s": 0,
        "ii_m": 0,
        "own": 0,
        "any": 0,
        "i_all": 0,
        "ii_all": 0,
        "high": 0,
        "high_max": 0,
        "own_max": 0,
    }
    for item in facts.ip:
        if not ip_valid_on(item.status, item.granted_on, ctx.as_of):
            continue
        counts["any"] += 1
        counts["i_all"] += item.category in class_i
        counts["ii_all"] += item.category in class_ii
        if item.related_to_main is False:
            continue
        suffix = "s" if item.related_to_main else "m"
        if item.category in class_i:
            counts["i_" + suffix] += 1
            own = item.acquisition == "自主研发" and item.related_to_main
            counts["own"] += 1 if own else 0
            counts["high"] += bool(item.high_value and item.related_to_main)
            counts["high_max"] += item.high_value is not False
            counts["own_max"] += item.acquisition in ("自主研发", None)
        elif item.category in class_ii:
            counts["ii_" + suffix] += 1
    return IPCounts(
        counts["i_s"],
        counts["i_m"],
        counts["ii_s"],
        counts["ii_m"],
        counts["own"],
        counts["any"],
        counts["i_all"],
        counts["ii_all"],
        counts["high"],
        counts["high_max"],
        counts["own_max"],
    )


def years_before(as_of: date, years: int) -> date:
    """The same calendar day ``years`` years before ``as_of`` (29 Feb → 28 Feb)."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:
        return as_of.replace(year=as_of.year - years, day=28)


def held_on(q: QualificationFact, as_of: date, default_years: int | None) -> bool:
    """Whether a title is held on ``as_of`` (granted, not yet expired).

    A blank 有效期至 means ``default_years`` from the grant date, or no expiry
    when ``default_years`` is ``None``; a blank grant date counts as held.
    """
    if q.granted_on is not None and q.granted_on > as_of:
        return False
    if q.valid_until is not None:
        return as_of <= q.valid_until
    if default_years is None or q.granted_on is None:
        return True
    return as_of < years_after(q.granted_on, default_years)


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` years later (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def quals(facts: EnterpriseFacts, kinds: Iterable[str]) -> list[QualificationFact]:
    """Qualifications whose 类型 is one of ``kinds``."""
    wanted = set(kinds)
    return [q for q in facts.qualifications if q.kind in wanted]


def parse_rank(rank: str | None) -> int | None:
    """``"2"``, ``"第二"``, ``"第2名"`` → 2; anything else → ``None``."""
    if rank is None:
        return None
    text = rank.strip().removeprefix("第").removesuffix("名").removesuffix("完成单位")
    if text.isdigit():
        return int(text)
    return CN_DIGITS.get(text)


def in_window(day: date | None, start: date, end: date) -> bool | None:
    """Whether ``start <= day <= end``; ``None`` if the day is unknown."""
    if day is None:
        return None
    return start <= day <= end


def credit_status(
    facts: EnterpriseFacts, kinds: Sequence[str], start: date, end: date
) -> tuple[Tri, str]:
    """Met unless a record of ``kinds`` falls in ``[start, end]``.

    The 信用记录 sheet lists negative records only; no record means none known.
    A record of a listed kind with a blank date makes the condition unknown.
    """
    wanted = set(kinds)
    hits, undated = [], []
    for rec in facts.credit_records:
        if rec.kind not in wanted:
            continue
        inside = in_window(rec.occurred_on, start, end)
        if inside is None:
            undated.append(rec.kind)
        elif inside:
            hits.append(f"{rec.occurred_on}{rec.kind}")
    if hits:
        return Tri.NOT_MET, "有记录：" + "、".join(hits)
    if undated:
        return Tri.UNKNOWN, "有未注明日期的记录：" + "、".join(undated)
    return Tri.MET, f"{start}至{end}无相关记录"


def result_of(
    spec: Condition,
    status: Tri,
    value: str,
    threshold: str,
    reason: str,
    missing: Sequence[str] = (),
) -> ConditionResult:
    """Build a :class:`ConditionResult` from its static :class:`Condition`."""
    return ConditionResult(
        id=spec.id,
        title=spec.title,
        status=status,
        value=value,
        threshold=threshold,
        citation=spec.citation,
        reason=reason,
        missing=tuple(missing),
        params=spec.params,
    )


def outcome_of(status: Tri) -> Outcome:
    """Map the overall three-valued status to an outcome."""
    return {
        Tri.MET: Outcome.ELIGIBLE,
        Tri.NOT_MET: Outcome.INELIGIBLE,
        Tri.UNKNOWN: Outcome.UNDETERMINED,
    }[status]


def collect_missing(conds: Iterable[ConditionResult]) -> tuple[str, ...]:
    """Union of the missing facts, in first-seen order."""
    out: list[str] = []
    for cond in conds:
        out.extend(m for m in cond.missing if m not in out)
    return tuple(out)


def explain(result: ProgrammeResult) -> str:
    """Deterministic Chinese explanation of a programme result."""
    head = f"{result.name}（{result.document}）：{result.outcome.label}"
    if result.route == "direct":
        head += "，按直接确认途径"
    if result.score_low is not None:
        head += f"，{score_text(result.score_low, result.score_high)}"
    parts = [head + "。"]
    parts += [f"{c.title}：{c.status.label}，{c.reason}。" for c in result.conditions]
    if result.missing:
        parts.append("尚缺数据：" + "、".join(result.missing) + "。")
    if result.open_judgements:
        parts.append("待专家判断：" + "、".join(result.open_judgements) + "。")
    if result.flags:
        parts.append("使用了未核实或单一来源的参数：" + "、".join(result.flags) + "。")
    return "".join(parts)


def score_text(low: int | None, high: int | None) -> str:
    """``得分 75`` or ``得分区间 55–80``."""
    if low == high:
        return f"得分{low}"
    return f"得分区间{low}–{high}"


def held_any(
    facts: EnterpriseFacts,
    kinds: Iterable[str],
    as_of: date,
    levels: Iterable[str] | None = None,
    default_years: int | None = None,
) -> Tri:
    """Whether a title of ``kinds`` (and one of ``levels``) is held on ``as_of``."""
    wanted = None if levels is None else set(levels)
    found = []
    for q in quals(facts, kinds):
        if not held_on(q, as_of, default_years):
            continue
        if wanted is None:
            found.append(Tri.MET)
        else:
            found.append(
                Tri.UNKNOWN
                if q.level is None
                else (Tri.MET if q.level in wanted else Tri.NOT_MET)
            )
    return any_of(found)


def granted_within(
    facts: EnterpriseFacts,
    kinds: Iterable[str],
    as_of: date,
    years: int | None,
    levels: Iterable[str] | None = None,
    rank_max: int | None = None,
) -> Tri:
    """A record of ``kinds`` granted in the last ``years`` (all time if None),
    of one of ``levels`` and ranked within ``rank_max`` when those are given."""
    start = date.min if years is None else years_before(as_of, years)
    wanted = None if levels is None else set(levels)
    found = []
    for q in quals(facts, kinds):
        parts = [tri(in_window(q.granted_on, start, as_of))]
        if wanted is not None:
            parts.append(tri(None if q.level is None else q.level in wanted))
        if rank_max is not None:
            rank = parse_rank(q.rank)
            parts.append(tri(None if rank is None else rank <= rank_max))
        found.append(all_of(parts))
    return any_of(found)


def last_valid_day(q: QualificationFact, default_years: int | None) -> date | None:
    """The last day a title is valid: 有效期至, else grant + ``default_years`` − 1 day."""
    if q.valid_until is not None:
        return q.valid_until
    if default_years is None or q.granted_on is None:
        return None
    return years_after(q.granted_on, default_years) - timedelta(days=1)


def _named(q: QualificationFact) -> str:
    level = f"（{q.level}）" if q.level else ""
    number = f"{q.number}" if q.number else ""
    return f"{q.kind}{level}{number}"


def not_held_notes(
    facts: EnterpriseFacts,
    kinds: Iterable[str],
    as_of: date,
    default_years: int | None = None,
) -> list[str]:
    """Why each title of ``kinds`` is not held on ``as_of``, with its dates.

    ``高新技术企业GR201512000273：2015-10-10取得，有效期至2018-10-09，已过期``.
    """
    out = []
    for q in quals(facts, kinds):
        if held_on(q, as_of, default_years):
            continue
        if q.granted_on is not None and q.granted_on > as_of:
            out.append(f"{_named(q)}：{q.granted_on}取得，晚于评价日{as_of}")
            continue
        end = last_valid_day(q, default_years)
        granted = f"{q.granted_on}取得，" if q.granted_on else ""
        out.append(f"{_named(q)}：{granted}有效期至{end}，已过期")
    return out


def outside_window_notes(
    facts: EnterpriseFacts, kinds: Iterable[str], as_of: date, years: int | None
) -> list[str]:
    """Records of ``kinds`` granted outside the last ``years`` years, with dates."""
    if years is None:
        return []
    start = years_before(as_of, years)
    return [
        f"{_named(q)}：{q.granted_on}取得，早于近{years}年起点{start}"
        if q.granted_on < start
        else f"{_named(q)}：{q.granted_on}取得，晚于评价日{as_of}"
        for q in quals(facts, kinds)
        if q.granted_on is not None and not start <= q.granted_on <= as_of
    ]


def with_notes(reason: str, notes: Sequence[str]) -> str:
    """``reason（note；note）`` — the deciding dates appended to a reason."""
    return f"{reason}（{'；'.join(notes)}）" if notes else reason
