"""The cultivation lists as Excel: the same rows and filters as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from keqi.core.exports import ListExport
from keqi.cultivation.libraries import Library, MemberRow
from keqi.cultivation.reserve import ReserveList, ReserveRow
from keqi.cultivation.selectors import TierRow


def _area(area: Any) -> str:
    return str(area) if area else ""


def quals_text(row: MemberRow) -> str:
    """The qualifications that put an enterprise in a list, one per line."""
    parts = []
    for q in row.qualifications:
        until = f"{q.valid_until:%Y-%m-%d}" if q.valid_until else "长期"
        text = f"{q.kind} {q.number}（{q.granted_on:%Y-%m-%d} 至 {until}"
        if q.revoked_on:
            text += f"，{q.revoked_on:%Y-%m-%d} 撤销"
        parts.append(text + "）")
    return "\n".join(parts)


MEMBER_COLUMNS = (
    ("企业名称", lambda r: r.enterprise.name),
    ("统一社会信用代码", lambda r: r.enterprise.uscc),
    ("当日所在街镇/园区", lambda r: _area(r.area_then) or "未知"),
    ("现所在街镇/园区", lambda r: _area(r.enterprise.area)),
    ("有效资质", quals_text),
)


def library_export(
    library: Library, day: dt.date, rows: Sequence[MemberRow], area: Any
) -> ListExport:
    """The members of one library on a day."""
    return ListExport(
        title=library.name,
        columns=MEMBER_COLUMNS,
        rows=rows,
        filters=[("街镇/园区", _area(area))],
        as_of=day,
    )


CHANGE_GROUPS = (
    ("new", "新增"),
    ("expired", "到期"),
    ("revoked", "撤销"),
    ("moved_in", "迁入"),
    ("moved_out", "迁出"),
)


def changes_export(report: Any, area: Any) -> ListExport:
    """A change report: one row per enterprise behind each difference."""
    rows = [
        (label, row) for attr, label in CHANGE_GROUPS for row in getattr(report, attr)
    ]
    columns = [("变化", lambda r: r[0])] + [
        (label, lambda r, read=read: read(r[1])) for label, read in MEMBER_COLUMNS
    ]
    return ListExport(
        title=f"{report.library.name}变化情况",
        columns=columns,
        rows=rows,
        filters=[
            ("起始日期", f"{report.start:%Y-%m-%d}（{report.count_start} 家）"),
            ("截止日期", f"{report.end:%Y-%m-%d}（{report.count_end} 家）"),
            ("街镇/园区", _area(area)),
        ],
        as_of=report.end,
    )


def tiers_export(
    day: dt.date, rows: Sequence[TierRow], mark: str | None, chosen: str, area: Any
) -> ListExport:
    """Enterprises with their tier (and the national mark) on a day."""
    columns = [
        ("企业名称", lambda r: r.enterprise.name),
        ("统一社会信用代码", lambda r: r.enterprise.uscc),
        ("街镇/园区", lambda r: _area(r.enterprise.area)),
        ("梯度", lambda r: r.tier or "—"),
    ]
    if mark:
        columns.append((mark, lambda r: r.marked))
    return ListExport(
        title="梯度培育企业",
        columns=columns,
        rows=rows,
        filters=[("梯度", chosen), ("街镇/园区", _area(area))],
        as_of=day,
    )


def _score(row: ReserveRow) -> str:
    low, high = row.result.score_low, row.result.score_high
    if low is None:
        return ""
    return str(low) if low == high else f"{low}–{high}"


def reserve_export(found: ReserveList, area: Any) -> ListExport:
    """The 免申即享 list and the ranked reserve of one programme (rows explained
    as they are written, a chunk at a time)."""
    rows = chain(
        (("免申即享", i, r) for i, r in enumerate(found.eligible, 1)),
        (("后备", i, r) for i, r in enumerate(found.reserve, 1)),
    )
    columns = (
        ("名单", lambda t: t[0]),
        ("排名", lambda t: t[1]),
        ("企业名称", lambda t: t[2].enterprise.name),
        ("统一社会信用代码", lambda t: t[2].enterprise.uscc),
        ("街镇/园区", lambda t: _area(t[2].enterprise.area)),
        ("评价结论", lambda t: t[2].result.outcome.label),
        ("得分", lambda t: _score(t[2])),
        ("未满足条件数", lambda t: t[2].not_met),
        ("尚缺", lambda t: "\n".join(t[2].missing)),
    )
    return ListExport(
        title=f"{found.programme.name}后备库",
        columns=columns,
        rows=rows,
        filters=[("街镇/园区", _area(area))],
        as_of=found.day,
    )


REMINDER_GROUPS = (
    ("overdue", "已逾期"),
    ("upcoming", "即将到期"),
    ("open_now", "办理期内"),
    ("done", "已完成"),
)


def _reminder_note(item: Any) -> str:
    note = str(item.detail)
    if item.done_by_registry:
        note += f" {item.done_by_registry}"
    if item.done:
        note += f" {item.done.done_on:%Y-%m-%d} 完成"
        if item.done.note:
            note += f"（{item.done.note}）"
    return note.strip()


def reminders_export(cal: Any, area: Any, enterprise: Any) -> ListExport:
    """Every reminder on the page, grouped as the page groups them."""
    rows = [(label, i) for attr, label in REMINDER_GROUPS for i in getattr(cal, attr)]
    columns = (
        ("分组", lambda t: t[0]),
        ("截止日期", lambda t: t[1].due_on),
        ("开始日期", lambda t: t[1].opens_on),
        ("事项", lambda t: t[1].reminder_type.name),
        ("企业名称", lambda t: t[1].enterprise.name),
        ("统一社会信用代码", lambda t: t[1].enterprise.uscc),
        ("街镇/园区", lambda t: _area(t[1].enterprise.area)),
        ("年度", lambda t: t[1].year),
        ("说明", lambda t: _reminder_note(t[1])),
    )
    return ListExport(
        title="提醒事项",
        columns=columns,
        rows=rows,
        filters=[
            ("提前天数", str(cal.ahead_days)),
            ("街镇/园区", _area(area)),
            ("企业", enterprise.name if enterprise else ""),
        ],
        as_of=cal.today,
    )


def rd_rows_export(
    title: str, year: int, rows: Iterable[Any], area: Any, industry: str
) -> ListExport:
    """The enterprises behind one number of the R&D monitor."""
    columns = (
        ("企业名称", lambda r: r.enterprise.name),
        ("统一社会信用代码", lambda r: r.enterprise.uscc),
        ("街镇/园区", lambda r: _area(r.enterprise.area)),
        ("重点产业", lambda r: r.enterprise.key_industry or "未填"),
        ("本年研发费用（万元）", lambda r: r.rd),
        ("上年研发费用（万元）", lambda r: r.rd_prev),
        ("同比增减（%）", lambda r: r.change_pct),
        ("本年销售收入（万元）", lambda r: r.sales),
        ("研发投入强度（%）", lambda r: r.intensity_pct),
        ("异常提示", lambda r: r.flag_names),
    )
    return ListExport(
        title=f"{year}年{title}",
        columns=columns,
        rows=rows,
        filters=[("街镇/园区", _area(area)), ("重点产业", industry)],
    )
