"""Builders for the funds tests: a fund, rules, registry qualifications, awards at a step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import user_create
from keqi.core.testing import PASSWORD, make_enterprise, persona
from keqi.funds.award_rules import award_rule_save, fund_create
from keqi.funds.awards import (
    award_approve,
    award_area_check,
    award_candidates_generate,
    notice_publish,
)
from keqi.funds.models import Award, AwardRule, Fund
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.services import qualification_upsert

M = Decimal
PLAN = "天津市宝坻区人民政府关于批转区科技局拟定的宝坻区科技企业群体规模壮大攻坚行动实施方案的通知"
CLAUSE = "对首次获批的国家高新技术企业给予奖励。"


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def finance() -> User:
    """An officer of 区财政局 (member unit czj)."""
    found = User.objects.filter(username="finance").first()
    if found is not None:
        return found
    persona("hq")  # loads the district
    return user_create(
        username="finance",
        password=PASSWORD,
        unit=Unit.objects.get(code="czj"),
        role=Role.MEMBER,
        full_name="财政局经办人",
    )


def fund() -> Fund:
    persona("hq")  # loads the district the fund belongs to
    return Fund.objects.filter(code="kjfc").first() or fund_create(
        code="kjfc", name="科技企业扶持资金", actor=None
    )


def rule(**overrides: Any) -> AwardRule:
    """The first-time 高企 rule (200 000 元 entered by HQ), from 2019-01-01."""
    values: dict[str, Any] = {
        "name": "首次认定国家高新技术企业奖励",
        "award_type": "high_tech",
        "fund": fund(),
        "trigger_kind": "高新技术企业",
        "trigger_level": "",
        "first_time_only": True,
        "amount": M("200000.00"),
        "amount_source": "hq",
        "effective_from": dt.date(2019, 1, 1),
        "effective_to": None,
        "basis_document": PLAN,
        "basis_article": "三、重点任务（一）1",
        "basis_text": CLAUSE,
    }
    values.update(overrides)
    return award_rule_save(rule=None, values=values, actor=None)


def qualify(
    enterprise: Enterprise,
    granted_on: dt.date | None,
    number: str,
    kind: str = "高新技术企业",
    level: str = "国家级",
) -> Qualification:
    return qualification_upsert(
        enterprise=enterprise,
        kind=kind,
        values={"number": number, "granted_on": granted_on, "level": level},
        actor=None,
    ).row


def high_tech_firm(area: str = "dakoutun", number: str = "GR201912000101", **kw: Any):  # type: ignore[no-untyped-def]
    """An enterprise first certified 高企 on 2019-11-28."""
    e = make_enterprise(area, **kw)
    qualify(e, dt.date(2019, 11, 28), number)
    return e


def candidate_for(enterprise: Enterprise, year: int = 2019) -> Award:
    award_candidates_generate(year=year, actor=None)
    return Award.objects.get(enterprise=enterprise, year=year)


def published(award: Award, ends_on: dt.date = dt.date(2019, 12, 10)) -> Award:
    """Take an award through the area check, approval and 公示 (system actor)."""
    award_area_check(award=award, actor=None)
    award_approve(award=award, actor=None)
    notice_publish(
        awards=[award],
        title=f"{award.year}年度奖励公示",
        starts_on=ends_on - dt.timedelta(days=6),
        today=ends_on - dt.timedelta(days=6),
        ends_on=ends_on,
        actor=None,
    )
    award.refresh_from_db()
    return award
