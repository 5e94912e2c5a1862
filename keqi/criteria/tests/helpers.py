"""Builders for criteria tests: a tech-SME firm, a composed definition, audit checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.test import Client

from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD, add_figures, make_enterprise
from keqi.registry.models import Enterprise

D = dt.date
ON = D(2019, 9, 30)


def client_for(user: Any) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def tech_sme_firm(name: str = "达标企业", area: str = "dakoutun") -> Enterprise:
    """100 staff (30 technical), 1000万 sales, 60万 R&D in 2018: a 科技型中小企业
    on 2019-09-30 under the shipped rules (size cap 500 staff)."""
    e = make_enterprise(area, name=name, restricted_products=False)
    add_figures(
        e,
        2018,
        staff_total=100,
        tech_staff=30,
        sales_revenue=1000,
        operating_revenue=1000,
        total_cost=1000,
        total_assets=500,
        rd_expense=60,
    )
    return e


def leader_definition(**over: Any) -> dict[str, Any]:
    """A 技术领先型企业 definition: 2018 operating revenue ≥ 500万, R&D ≥ 5%."""
    base: dict[str, Any] = {
        "version": "2019",
        "title": "技术领先型企业认定条件（测试）",
        "document": "宝坻区科技局〔2019〕1号",
        "effective_from": "2019-01-01",
        "status": "confirmed",
        "require": "all",
        "conditions": [
            {
                "id": "1",
                "title": "营业收入",
                "article": "第三条",
                "type": "figure",
                "field": "operating_revenue",
                "year_offset": -1,
                "op": ">=",
                "value": "500",
            },
            {
                "id": "2",
                "title": "研发投入强度",
                "article": "第四条",
                "type": "ratio",
                "numerator": "rd_expense",
                "denominator": "operating_revenue",
                "year_offset": -1,
                "op": ">=",
                "value": "5%",
            },
        ],
    }
    base.update(over)
    return base


def assert_audited(action: str, target: models.Model, actor: Any) -> AuditEvent:
    """The one audit row of ``action`` on ``target`` by ``actor``."""
    event = AuditEvent.objects.get(
        action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
    )
    assert event.actor == actor
    return event
