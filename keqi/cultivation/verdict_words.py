"""A verdict made scannable: status first, the one line that decides it (issue 16).

The engine explains a verdict condition by condition; pages show that table on
demand and lead with this brief instead. Works on the engine's JSON shape
(`keqi.rules.serialize.programme_to_dict`), so a live portrait and a stored
verdict read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BADGES = {"eligible": "ok", "ineligible": "bad", "undetermined": "warn"}
LABELS = {
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "undetermined": "尚不能确定",
}
SHOWN = 2  # conditions named in the deciding line; the rest are counted


@dataclass(frozen=True)
class VerdictBrief:
    """What a reader needs first: the status, the deciding condition, the score."""

    outcome: str
    badge: str
    label: str
    line: str
    score: str
    counts: str


def _top_level(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conditions that are not one option of a group (8.1 under 8): the group
    decides, and its options are in the table."""
    ids = {str(c.get("id", "")) for c in conditions}
    parents = [str(c.get("id", "")).rpartition(".")[0] for c in conditions]
    return [c for c, up in zip(conditions, parents, strict=True) if up not in ids]


def _groups(conditions: list[dict[str, Any]]) -> set[str]:
    ids = [str(c.get("id", "")) for c in conditions]
    return {i for i in ids if any(o.startswith(i + ".") for o in ids)}


def _short(text: str) -> bool:
    """A figure worth quoting in the deciding line; longer ones are in the table."""
    return 0 < len(text) <= 24


def _named(found: list[dict[str, Any]], groups: set[str]) -> str:
    words = []
    for c in found[:SHOWN]:
        title = str(c.get("title", ""))
        value, need = str(c.get("value") or ""), str(c.get("threshold") or "")
        if c.get("id") in groups:
            words.append(f"{title}（各项均未满足）")
        elif _short(value) and _short(need) and value not in ("满足", "不满足", "待定"):
            words.append(f"{title}（实际 {value}，要求 {need}）")
        else:
            words.append(title)
    more = f"等 {len(found)} 项" if len(found) > SHOWN else ""
    return "；".join(words) + more


def _score(data: dict[str, Any]) -> str:
    if data.get("route") == "direct":
        return ""  # passed without the score: a score here would mislead
    span = data.get("score_range")
    if not span:
        return ""
    low, high = span
    return f"评分 {low} 分" if low == high else f"评分 {low}–{high} 分"


def _counts(conditions: list[dict[str, Any]]) -> str:
    tally = {"met": 0, "not_met": 0, "unknown": 0}
    for c in conditions:
        tally[str(c.get("status"))] = tally.get(str(c.get("status")), 0) + 1
    parts = [f"满足 {tally['met']}", f"不满足 {tally['not_met']}"]
    if tally["unknown"]:
        parts.append(f"待定 {tally['unknown']}")
    return f"共 {len(conditions)} 项：" + "，".join(parts)


def _line(data: dict[str, Any], conditions: list[dict[str, Any]]) -> str:
    outcome = data.get("outcome")
    top, groups = _top_level(conditions), _groups(conditions)
    if outcome == "eligible":
        if data.get("route") == "direct":
            route = next(
                (c for c in top if c.get("id") in groups and c["status"] == "met"),
                None,
            )
            reason = str(route["reason"]).removeprefix("满足：") if route else ""
            return "经直接确认途径" + (f"：{reason}" if reason else "")
        return "各项条件均满足"
    if outcome == "ineligible":
        failed = [c for c in top if c.get("status") == "not_met"]
        return "未满足：" + _named(failed, groups) if failed else "未满足条件"
    unknown = [c for c in top if c.get("status") == "unknown"]
    missing = list(data.get("missing") or [])
    if missing:
        shown = "、".join(missing[:3]) + (
            f"等 {len(missing)} 项" if len(missing) > 3 else ""
        )
        return f"尚缺数据：{shown}"
    return "无法判断：" + _named(unknown, groups) if unknown else "尚有条件无法判断"


def verdict_brief(data: dict[str, Any]) -> VerdictBrief:
    """The brief of one programme verdict in the engine's JSON shape."""
    outcome = str(data.get("outcome", "undetermined"))
    conditions = list(data.get("conditions") or [])
    return VerdictBrief(
        outcome=outcome,
        badge=BADGES.get(outcome, "muted"),
        label=LABELS.get(outcome, outcome),
        line=_line(data, conditions),
        score=_score(data),
        counts=_counts(conditions),
    )
