"""The tier ladder and reminder calendar a district starts with (issue 17).

Each district keeps its own ladder and calendar (rows HQ edits afterwards); a
district made from its district file gets these defaults, or what the file's
optional ``cultivation`` section says instead::

    cultivation:
      ladder: [科技型中小企业, 雏鹰企业, 瞪羚企业]   # lowest rung first
      mark: 高新技术企业
      reminder_dates:
        - {type: tech_sme_evaluation, year: 2026, opens_on: 2026-05-15,
           due_on: 2026-07-31, note: 本区通知}

Loading a district file again adds what is missing and leaves HQ's edits alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from keqi.accounts.models import District
from keqi.cultivation.models import (
    TIER_KINDS,
    ReminderDate,
    ReminderType,
    RungRole,
    TierRung,
)
from keqi.rules.ladder import DEFAULT_ORDER, NATIONAL_MARK

LADDER: tuple[str, ...] = DEFAULT_ORDER
MARK = NATIONAL_MARK


@dataclass(frozen=True)
class ReminderDefault:
    """A reminder type as a district starts with it."""

    code: str
    name: str
    audience: str
    kinds: tuple[str, ...]
    include_above_scale: bool
    due_rule: str
    opens: tuple[int, int] | None
    due: tuple[int, int] | None
    basis: str


REMINDERS: tuple[ReminderDefault, ...] = (
    ReminderDefault(
        "high_tech_expiry", "高企证书到期", "holders", ("高新技术企业",), False,
        "valid_until", None, None,
        "证书自颁发之日起有效期三年（国科发火〔2016〕32号）；到期前应完成重新认定",
    ),
    ReminderDefault(
        "high_tech_reapply", "高企重新认定申报（证书到期当年）", "expiring",
        ("高新技术企业",), False, "fixed", (1, 1), (12, 31),
        "证书到期当年须重新申报认定；具体申报截止日以当年通知为准，请在年度日期中设定",
    ),
    ReminderDefault(
        "tech_sme_evaluation", "科技型中小企业年度评价", "previous",
        ("科技型中小企业",), False, "fixed", (1, 1), (10, 31),
        "入库登记编号当年有效，每年须重新评价入库"
        "（2019年信息表截止 2019-10-31，国科火字〔2019〕87号）",
    ),
    ReminderDefault(
        "high_tech_annual_report", "高企年度发展情况报表", "holders",
        ("高新技术企业",), False, "fixed", (1, 1), (5, 31),
        "有效期内的高企每年5月底前填报上一年度发展情况报表（条款号待核实）",
    ),
    ReminderDefault(
        "torch_quick", "火炬统计快报", "holders", ("高新技术企业",), False,
        "fixed", (1, 1), (1, 31), "火炬统计调查：1月报送快报",
    ),
    ReminderDefault(
        "torch_annual", "火炬统计年报", "holders", ("高新技术企业",), False,
        "fixed", (3, 1), (3, 31), "火炬统计调查：3月报送年报",
    ),
    ReminderDefault(
        "rd_statistics", "企业研发活动统计报表", "holders", (), True,
        "fixed", (3, 1), (3, 31), "规上企业3月报送上年度研发活动情况统计表",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DateDefault:
    """One year's dates of a reminder, from that year's notice."""

    code: str
    year: int
    opens_on: dt.date | None
    due_on: dt.date
    note: str


DATES: tuple[DateDefault, ...] = (
    DateDefault(
        "tech_sme_evaluation", 2019, dt.date(2019, 1, 1), dt.date(2019, 10, 31),
        "国科火字〔2019〕87号：2019年信息表10月31日前提交",
    ),
    DateDefault(
        "tech_sme_evaluation", 2026, dt.date(2026, 6, 1), dt.date(2026, 8, 31),
        "工企业函〔2026〕160号：系统开放 2026-06-01 至 2026-08-31",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DistrictSettings:
    """What a district starts with: its ladder, mark and year dates."""

    ladder: tuple[str, ...] = LADDER
    mark: str | None = MARK
    dates: tuple[DateDefault, ...] = DATES


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f"{where}：“{value}”不是日期（应为 2026-08-31 的形式）"
        ) from None


def _kinds(values: Any, where: str) -> tuple[str, ...]:
    known = {value for value, _ in TIER_KINDS}
    if not isinstance(values, list) or not values:
        raise ValueError(f"{where}：应为资质类型的列表（从最低一级写起）")
    for value in values:
        if value not in known:
            raise ValueError(f"{where}：“{value}”不是资质类型")
    if len(set(values)) != len(values):
        raise ValueError(f"{where}：有重复的资质类型")
    return tuple(values)


def _date_entry(entry: Any, number: int) -> DateDefault:
    where = f"cultivation.reminder_dates 第{number}项"
    codes = {r.code for r in REMINDERS}
    if not isinstance(entry, dict):
        raise ValueError(f"{where}：应写成 {{type: …, year: …, due_on: …}}")
    code = str(entry.get("type", ""))
    if code not in codes:
        raise ValueError(f"{where}：提醒事项代码“{code}”不存在")
    year = entry.get("year")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValueError(f"{where}：年度“{year}”不是有效的年份")
    opens = entry.get("opens_on")
    opens_on = _date(opens, f"{where} opens_on") if opens is not None else None
    due_on = _date(entry.get("due_on"), f"{where} due_on")
    if opens_on is not None and opens_on > due_on:
        raise ValueError(f"{where}：开始日期不能晚于截止日期")
    return DateDefault(code, year, opens_on, due_on, str(entry.get("note", ""))[:300])


def settings_from_config(config: dict[str, Any]) -> DistrictSettings:
    """The district file's ``cultivation`` section over the defaults. Raises
    ValueError (Chinese, naming the entry) for anything it cannot use."""
    section = config.get("cultivation") or {}
    if not isinstance(section, dict):
        raise ValueError("cultivation：应为 ladder、mark、reminder_dates 等设置")
    ladder = LADDER
    if "ladder" in section:
        ladder = _kinds(section["ladder"], "cultivation.ladder")
    mark = section.get("mark", MARK) or None
    if mark is not None and (mark in ladder or mark not in dict(TIER_KINDS)):
        raise ValueError(f"cultivation.mark：“{mark}”不能作为国家级标识")
    dates = {(d.code, d.year): d for d in DATES}
    for number, entry in enumerate(section.get("reminder_dates") or [], 1):
        found = _date_entry(entry, number)
        dates[(found.code, found.year)] = found
    return DistrictSettings(ladder, mark, tuple(dates.values()))


def district_settings_seed(
    *, district: District, settings: DistrictSettings | None = None
) -> int:
    """Give `district` what it lacks of its starting ladder, reminder types and
    year dates (nothing it already has is changed). Returns the rows made."""
    chosen = settings or DistrictSettings()
    made = 0
    if not TierRung.objects.filter(district=district).exists():
        rungs = [
            TierRung(district=district, kind=k, position=i, role=RungRole.TIER)
            for i, k in enumerate(chosen.ladder, 1)
        ]
        if chosen.mark:
            rungs.append(
                TierRung(
                    district=district, kind=chosen.mark, position=1, role=RungRole.MARK
                )
            )
        made += len(TierRung.objects.bulk_create(rungs))
    types = {}
    for sort, r in enumerate(REMINDERS):
        types[r.code], created = ReminderType.objects.get_or_create(
            district=district, code=r.code, defaults=_type_values(r, sort)
        )
        made += created
    for d in chosen.dates:
        made += ReminderDate.objects.get_or_create(
            reminder_type=types[d.code],
            year=d.year,
            defaults={"opens_on": d.opens_on, "due_on": d.due_on, "note": d.note},
        )[1]
    return made


def _type_values(r: ReminderDefault, sort: int) -> dict[str, Any]:
    return {
        "name": r.name,
        "audience": r.audience,
        "kinds": list(r.kinds),
        "include_above_scale": r.include_above_scale,
        "due_rule": r.due_rule,
        "opens_month": r.opens[0] if r.opens else None,
        "opens_day": r.opens[1] if r.opens else None,
        "due_month": r.due[0] if r.due else None,
        "due_day": r.due[1] if r.due else None,
        "basis": r.basis,
        "sort": sort,
    }
