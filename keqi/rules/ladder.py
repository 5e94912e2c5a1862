"""The cultivation ladder (梯度): tier held on a date and the gap to the next.

Default order 科技型中小企业 → 雏鹰企业 → 瞪羚企业 → 科技领军培育企业 → 科技领军企业;
高新技术企业 is a national mark shown beside the ladder.  The order is a plain
tuple so a district can change it.  A title counts when held on ``as_of``: its
有效期至 when given; otherwise 高企 three years from grant, 科技型中小企业 the
year of issue (单一来源: "当年有效"), and any other title without expiry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from keqi.rules.facts import EnterpriseFacts, QualificationFact
from keqi.rules.model import ProgrammeResult
from keqi.rules.programmes import common

DEFAULT_ORDER: tuple[str, ...] = (
    "科技型中小企业",
    "雏鹰企业",
    "瞪羚企业",
    "科技领军培育企业",
    "科技领军企业",
)
NATIONAL_MARK = "高新技术企业"
#: Title → programme key whose verdict tells the gap to that title.
PROGRAMME_OF: Mapping[str, str] = {
    "科技型中小企业": "tech_sme",
    "雏鹰企业": "tj_chuying",
    "瞪羚企业": "tj_dengling",
    "科技领军培育企业": "tj_lingjun_peiyu",
    "科技领军企业": "tj_lingjun",
    "高新技术企业": "high_tech",
    "创新型中小企业": "innovative_sme",
    "专精特新中小企业": "zjtx_sme",
}


@dataclass(frozen=True)
class Tier:
    """Where an enterprise stands on the ladder on one date."""

    level: int
    name: str | None
    high_tech: bool
    held: tuple[str, ...]
    next_name: str | None
    gap: tuple[str, ...]

    @property
    def label(self) -> str | None:
        """The tier shown to users (the national mark when no ladder title)."""
        if self.name is None and self.high_tech:
            return NATIONAL_MARK
        return self.name


def title_held(q: QualificationFact, as_of: date) -> bool:
    """Whether one title is held on ``as_of`` under the default validity rules."""
    if (
        q.valid_until is None
        and q.kind == "科技型中小企业"
        and q.granted_on is not None
    ):
        return q.granted_on <= as_of and q.granted_on.year == as_of.year
    years = 3 if q.kind == NATIONAL_MARK else None
    return common.held_on(q, as_of, years)


def titles_held(facts: EnterpriseFacts, as_of: date) -> tuple[str, ...]:
    """Distinct titles held on ``as_of``, in the order they appear."""
    out: list[str] = []
    for q in facts.qualifications:
        if title_held(q, as_of) and q.kind not in out:
            out.append(q.kind)
    return tuple(out)


def tier_of(
    facts: EnterpriseFacts,
    as_of: date,
    *,
    order: Sequence[str] = DEFAULT_ORDER,
    results: Mapping[str, ProgrammeResult] | None = None,
) -> Tier:
    """Tier on ``as_of`` and the gap to the next tier (from ``results`` if given)."""
    held = titles_held(facts, as_of)
    level = 0
    for index, title in enumerate(order, start=1):
        if title in held:
            level = index
    current = order[level - 1] if level else None
    next_name = order[level] if level < len(order) else None
    gap = _gap_to(next_name, results) if next_name else ()
    return Tier(level, current, NATIONAL_MARK in held, held, next_name, gap)


def _gap_to(
    name: str, results: Mapping[str, ProgrammeResult] | None
) -> tuple[str, ...]:
    key = PROGRAMME_OF.get(name)
    if results is None:
        return ()
    if key is None or key not in results:
        return (f"{name}的认定条件尚未配置，无法给出差距",)
    result = results[key]
    if result.outcome.value == "eligible":
        return (f"已符合{name}条件，可申报",)
    texts = [g.text for g in result.gaps]
    texts += [f"尚缺数据：{m}" for m in result.missing]
    texts += [
        f"未满足：{c.title}"
        for c in result.conditions
        if c.status.value == "not_met"
        and not any(g.condition_id == c.id for g in result.gaps)
    ]
    return tuple(texts)
