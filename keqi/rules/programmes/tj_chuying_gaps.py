"""Gaps for 天津雏鹰 (both versions): what is short, in numbers and dates.

Conditions that time alone can close (too young, a credit record inside the
two-year window) say the first year the enterprise can apply; conditions no
change can close (registered too long ago) say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import ConditionResult, Gap
from keqi.rules.numbers import Tri
from keqi.rules.programmes import common, gaps

OTHER_2019 = (
    "有效高企资格、软件企业证书和软件产品证书、近5年创新创业大赛成绩、"
    "近5年省部级以上科技奖励（前三）、省部级以上研发机构、近5年主导制定国家级标准"
)
OTHER_2021 = (
    "软件企业证书和软件产品证书、大赛获奖且有知识产权、有效高企资格、"
    "国家级或省部级科技奖励、国家级或省部级研发机构、参与制定标准、"
    "国家或省部级科技计划项目"
)


def identity_gaps(
    facts: EnterpriseFacts, ctx: Ctx, cid: str, version: str
) -> list[Gap]:
    """Tianjin registration, legal personality and the age window."""
    out = []
    if facts.registered_in_tianjin is False:
        out.append(Gap(cid, "须在天津注册（当前未在津注册）", "registered_in_tianjin"))
    if facts.independent_legal_person is False:
        out.append(Gap(cid, "须具有独立法人资格", "independent_legal_person"))
    if facts.founded_on is not None:
        out += _age_gap(facts.founded_on, ctx, cid, version)
    return out


def _age_gap(founded: date, ctx: Ctx, cid: str, version: str) -> list[Gap]:
    year = ctx.as_of.year
    if version == "2019":
        low = int(ctx.threshold("tj_chuying.2019.age_min_years").value)
        high = int(ctx.threshold("tj_chuying.2019.age_max_years").value)
        jan1 = date(year, 1, 1)
        if founded > common.years_before(jan1, low):
            first = next(
                y
                for y in range(year + 1, year + low + 2)
                if founded <= common.years_before(date(y, 1, 1), low)
            )
            wait = first - year
            return [
                Gap(
                    cid,
                    f"注册时间不足{low}年（{founded}成立，计至{jan1}），"
                    f"最早{first}年可申报（还需等待{wait}年）",
                    "founded_on",
                    str(wait),
                    "年",
                )
            ]
        if founded < common.years_before(jan1, high):
            return [
                Gap(
                    cid,
                    f"注册时间已超过{high}年（{founded}成立，计至{jan1}），"
                    "本项条件无法再满足",
                    "founded_on",
                )
            ]
        return []
    limit = int(ctx.threshold("tj_chuying.2021.age_max_years").value)
    dec31 = date(year - 1, 12, 31)
    if founded > dec31:
        return [
            Gap(
                cid,
                f"当年注册（{founded}成立）的企业不参评，最早{founded.year + 1}年可申报",
                "founded_on",
                str(founded.year + 1 - year),
                "年",
            )
        ]
    if founded < common.years_before(dec31, limit):
        return [
            Gap(
                cid,
                f"注册时间已超过{limit}年（{founded}成立，计至{dec31}），"
                "本项条件无法再满足",
                "founded_on",
            )
        ]
    return []


def credit_gaps(facts: EnterpriseFacts, ctx: Ctx, cid: str, pid: str) -> list[Gap]:
    """A record inside the window: the first year it no longer counts."""
    return gaps.credit_year_gap(facts.credit_records, ctx.texts(pid), ctx.as_of, cid)


def revenue_gaps(facts: EnterpriseFacts, ctx: Ctx, cid: str, pid: str) -> list[Gap]:
    """Previous-year operating revenue to the threshold."""
    year = ctx.as_of.year - 1
    value = facts.figure(year, "operating_revenue")
    if value is None:
        return []
    limit = ctx.threshold(pid)
    return [
        gaps.figure_gap(
            cid, f"{year}年度营业收入", "operating_revenue", value, limit, "万元"
        )
    ]


def route_gaps(facts: EnterpriseFacts, ctx: Ctx, cid: str, version: str) -> list[Gap]:
    """The any-one-of list: the IP counts in numbers, the other routes named."""
    counts = common.ip_counts(facts, ctx)
    limit = ctx.threshold(f"tj_chuying.{version}.class_ii_min")
    more_ii = gaps.threshold_shortfall(counts.class_ii_all, limit, gaps.ONE)
    out = [
        Gap(
            cid,
            "再需1项有效Ⅰ类知识产权（任一项即可满足择一条件）",
            "ip",
            "1",
            "项",
        ),
        Gap(
            cid,
            f"或再需{more_ii}项有效Ⅱ类知识产权（现{counts.class_ii_all}项，"
            f"须{limit.text('项')}）",
            "ip",
            str(more_ii),
            "项",
        ),
    ]
    if version == "2021":
        venture = ctx.threshold("tj_chuying.2021.venture_min")
        out.append(
            Gap(cid, f"或取得单笔{venture.text('万元')}的创业投资", "qualifications")
        )
    other = OTHER_2019 if version == "2019" else OTHER_2021
    out.append(Gap(cid, "或具备以下任一项：" + other, "qualifications"))
    return out


def programme_gaps(
    facts: EnterpriseFacts,
    ctx: Ctx,
    conds: Sequence[ConditionResult],
    version: str,
) -> list[Gap]:
    """Gaps of every condition that is not met."""
    failed = {c.id for c in conds if c.status is Tri.NOT_MET}
    out: list[Gap] = []
    cid = f"{version}.1"
    if cid in failed:
        out += identity_gaps(facts, ctx, cid, version)
    cid = f"{version}.2"
    if cid in failed:
        out += credit_gaps(facts, ctx, cid, f"tj_chuying.{version}.credit_kinds")
    cid = f"{version}.3"
    if cid in failed:
        pid = "revenue_max" if version == "2019" else "revenue_min"
        out += revenue_gaps(facts, ctx, cid, f"tj_chuying.{version}.{pid}")
    if "2019.4" in failed:
        out.append(Gap("2019.4", "再需1项有效知识产权", "ip", "1", "项"))
    cid = f"{version}.any"
    if cid in failed:
        out += route_gaps(facts, ctx, cid, version)
    return out
