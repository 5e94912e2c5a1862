"""Titles, platforms, milestones and credit records handed to suitable enterprises.

Each honour has *slots* (level and date window), most important first, so a
scaled-down data set keeps the 2019 ones the campaign counts. Candidates are
chosen by story, so a near-miss never gets a title that would change its verdict.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from keqi.core.demo.generator import DemoConfig, DemoEnterprise

CITY = "省级（市级）"
Slot = tuple[str, str, str]  # level, first day, last day (ISO)


def _growth(ent: DemoEnterprise) -> int:
    """Last year's sales growth in per mille (0 when unknown)."""
    years = sorted(ent.figures)
    if len(years) < 2:
        return 0
    now, before = (ent.figures[y]["sales_revenue"] for y in years[-2:][::-1])
    return int((now - before) * 1000 / before) if before else 0


def _in(*stories: str) -> Callable[[DemoEnterprise], bool]:
    return lambda e: e.story in stories


def _young_tech_sme(e: DemoEnterprise) -> bool:
    return e.holds("科技型中小企业") and e.values["founded_on"].year >= 2012


def _gazelle(e: DemoEnterprise) -> bool:
    return e.story == "high_tech" and _growth(e) >= 200


def _reformed_before_2019(e: DemoEnterprise) -> bool:
    return any(
        k == "股份制改造" and v["granted_on"].year < 2019 for k, v in e.qualifications
    )


def _software(e: DemoEnterprise) -> bool:
    return e.sector in ("ai", "services") and e.story in ("high_tech", "tech_sme")


@dataclass(frozen=True)
class Honour:
    """One kind of title, platform or milestone and who may receive it."""

    kind: str
    who: Callable[[DemoEnterprise], bool]
    slots: tuple[Slot, ...]
    number: str = ""  # pattern with {year} and {n}
    rank: tuple[str, ...] = ()
    note: str = ""


BIG = _in("high_tech", "large")
STRONG = _in("high_tech", "large", "tech_sme")
HONOUR_SPECS: dict[str, Honour] = {
    h.kind: h
    for h in (
        Honour(
            "雏鹰企业",
            _young_tech_sme,
            ((CITY, "2019-07-01", "2019-08-30"), (CITY, "2018-07-01", "2018-09-28")),
            "CY{year}{n:04d}",
        ),
        Honour(
            "瞪羚企业",
            _gazelle,
            ((CITY, "2018-08-01", "2019-08-30"),),
            "DL{year}{n:04d}",
        ),
        Honour("科技领军培育企业", BIG, ((CITY, "2018-06-01", "2019-06-28"),)),
        Honour("科技领军企业", _in("large"), ((CITY, "2017-06-01", "2018-12-28"),)),
        Honour(
            "技术领先型企业", _in("high_tech"), ((CITY, "2018-05-01", "2019-06-28"),)
        ),
        Honour(
            "企业技术中心",
            STRONG,
            ((CITY, "2019-03-01", "2019-09-20"),) * 2
            + ((CITY, "2015-01-01", "2018-12-28"), ("区级", "2016-01-01", "2018-12-28"))
            * 4,
            "JSZX{year}{n:03d}",
        ),
        Honour(
            "重点实验室",
            BIG,
            ((CITY, "2019-04-01", "2019-09-20"),)
            + ((CITY, "2014-01-01", "2018-12-28"),) * 2,
        ),
        Honour("工程研究中心", BIG, ((CITY, "2017-01-01", "2018-12-28"),)),
        Honour(
            "专精特新中小企业",
            _in("high_tech", "tech_sme"),
            ((CITY, "2019-05-01", "2019-08-30"),),
        ),
        Honour(
            "股份制改造",
            lambda e: STRONG(e) and e.values["founded_on"].year <= 2014,
            (("", "2019-01-10", "2019-09-20"),) * 2
            + (("", "2014-01-01", "2018-12-28"),) * 6,
        ),
        Honour(
            "挂牌",
            _reformed_before_2019,
            (("", "2015-06-01", "2018-12-28"),),
            "87{n:04d}",
            note="全国中小企业股份转让系统（新三板）",
        ),
        Honour(
            "科技奖励",
            BIG,
            (("国家级", "2016-01-08", "2018-01-08"),)
            + ((CITY, "2016-03-01", "2019-03-29"),) * 2,
            rank=("第二完成单位", "第一完成单位", "第三完成单位"),
            note="科学技术进步奖二等奖",
        ),
        Honour(
            "创新创业大赛",
            _in("tech_sme", "ordinary"),
            (("区级", "2018-10-18", "2018-10-18"),),
            rank=("一等奖", "二等奖", "三等奖", "优秀奖"),
            note="宝坻区第二届创新创业大赛",
        ),
        Honour(
            "主导制定标准",
            BIG,
            (("国家级", "2016-01-01", "2018-12-28"),),
            "GB/T {n}-{year}",
        ),
        Honour(
            "参与制定标准",
            BIG,
            (("国家级", "2015-01-01", "2019-06-28"),),
            "JB/T {n}-{year}",
        ),
        Honour(
            "科技计划项目",
            _in("high_tech", "tech_sme"),
            ((CITY, "2017-03-01", "2019-06-28"),),
            "{year}KJ{n:04d}",
            note="天津市科技计划项目",
        ),
        Honour(
            "软件企业证书",
            _software,
            ((CITY, "2016-01-01", "2019-06-28"),),
            "津RQ-{year}-{n:04d}",
        ),
        Honour(
            "创业投资",
            _in("high_tech", "tech_sme"),
            (("", "2017-01-01", "2019-08-30"),),
            note="天津宝坻科创股权投资合伙企业（有限合伙）",
        ),
        # 规范知识产权管理 (GB/T 29490 贯标): a certificate of three years; the
        # last slot expired in 2019 before the demo's day (needs re-certification).
        Honour(
            "知识产权管理体系认证",
            STRONG,
            (("", "2019-02-01", "2019-08-30"),) * 2
            + (("", "2017-01-01", "2018-12-28"),) * 3
            + (("", "2016-01-05", "2016-06-30"),),
            "{n:05d}IP{year}R0M",
            note="依据GB/T 29490-2013《企业知识产权管理规范》认证",
        ),
    )
}
# Honours added after the first demo release draw from their own random stream,
# so adding one leaves every other enterprise, title and record as it was.
OWN_STREAM = ("知识产权管理体系认证",)

CREDIT_KINDS = (
    "经营异常名录",
    "严重环境违法",
    "重大安全事故",
    "经营异常名录",
    "重大质量事故",
    "严重违法失信名单",
    "科研严重失信",
)


def _day(rng: random.Random, first: str, last: str) -> dt.date:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _slots(spec: Honour, count: int) -> list[Slot]:
    """`count` slots, cycling through the spec's list (most important first)."""
    return [spec.slots[i % len(spec.slots)] for i in range(count)]


def give(
    rng: random.Random, ent: DemoEnterprise, spec: Honour, slot: Slot, n: int
) -> None:
    """Add one honour to the enterprise (and what follows from it)."""
    level, first, last = slot
    granted = _day(rng, first, last)
    values: dict[str, Any] = {"level": level, "granted_on": granted, "note": spec.note}
    if spec.number:
        values["number"] = spec.number.format(year=granted.year, n=n)
    if spec.rank:
        values["rank"] = rng.choice(spec.rank)
    if spec.kind == "科技计划项目":
        values["amount"] = Decimal(rng.randint(20, 100))
    if spec.kind == "创业投资":
        values["amount"] = Decimal(rng.randint(500, 2000))
    if spec.kind == "股份制改造":
        ent.values["joint_stock_on"] = granted
        ent.values["name"] = ent.name.replace("有限公司", "股份有限公司")
    ent.qualifications.append((spec.kind, values))


def hand_out(
    rng: random.Random, config: DemoConfig, dataset: list[DemoEnterprise]
) -> None:
    """Give each configured honour to that many suitable enterprises."""
    serial = 1000
    for kind, count in config.honours.items():
        if kind not in OWN_STREAM:
            serial = _hand_out_one(rng, dataset, HONOUR_SPECS[kind], count, serial)
    add_credit_records(rng, config, dataset)
    for kind in OWN_STREAM:
        if kind in config.honours:
            own = random.Random(f"{config.seed}:{kind}")
            _hand_out_one(own, dataset, HONOUR_SPECS[kind], config.honours[kind], 1000)


def _hand_out_one(
    rng: random.Random,
    dataset: list[DemoEnterprise],
    spec: Honour,
    count: int,
    serial: int,
) -> int:
    """Give one honour to `count` suitable enterprises; the last serial used."""
    candidates = [e for e in dataset if spec.who(e) and not e.holds(spec.kind)]
    chosen = rng.sample(candidates, min(count, len(candidates)))
    for ent, slot in zip(chosen, _slots(spec, len(chosen)), strict=True):
        serial += rng.randint(1, 40)
        give(rng, ent, spec, slot, serial)
    return serial


def add_credit_records(
    rng: random.Random, config: DemoConfig, dataset: list[DemoEnterprise]
) -> None:
    """Negative records: one explains a 科技型中小企业 that did not renew in 2019."""
    lapsed = [
        e
        for e in dataset
        if e.story == "tech_sme"
        and e.holds("科技型中小企业", 2018)
        and not e.holds("科技型中小企业", 2019)
    ]
    ordinary = [e for e in dataset if e.story == "ordinary"]
    chosen = lapsed[:1] + rng.sample(
        ordinary, min(len(ordinary), config.credit_records)
    )
    for index, ent in enumerate(chosen[: config.credit_records]):
        kind = CREDIT_KINDS[index % len(CREDIT_KINDS)]
        day = (
            _day(rng, "2019-02-01", "2019-08-30")
            if index == 0
            else _day(rng, "2017-03-01", "2019-08-30")
        )
        ent.credits.append((kind, day, {"note": "演示数据：由市场监管部门推送"}))
