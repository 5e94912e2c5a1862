"""Named personas and small builders shared by the test suite.

Personas (made through the real services):
- hq: 指挥部办公室 officer in 区科技局 (edits everything)
- town_a / town_b: staff of two different towns (大口屯镇, 口东镇)
- park: staff of 宝坻经济开发区管委会
- member: officer of 区工信局 (reads the whole district)
- leader: read-only leader
- sysadmin / secadmin / auditadmin: the three administrators of 三员分立
  (系统管理员, 安全管理员, 安全审计员), all in the HQ office
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connections

from keqi.accounts.models import Area, Role, Unit, User
from keqi.accounts.services import district_config_load, district_init, user_create
from keqi.core.uscc import make_uscc
from keqi.registry.models import Enterprise
from keqi.registry.services import enterprise_upsert, figures_upsert

PASSWORD = "Keqi-test-2019"
_serial = itertools.count(1)


def load_baodi() -> None:
    """The Baodi areas and units."""
    district_init(config=district_config_load("baodi"))


def persona(name: str) -> User:
    """One of the named personas, created on first use."""
    existing = User.objects.filter(username=name).first()
    if existing is not None:
        return existing
    if not Area.objects.exists():
        load_baodi()
    unit_code, role = {
        "hq": ("hq", Role.HQ_ADMIN),
        "town_a": ("dakoutun-gov", Role.AREA_STAFF),
        "town_b": ("koudong-gov", Role.AREA_STAFF),
        "park": ("bdkfq-gwh", Role.AREA_STAFF),
        "member": ("gxj", Role.MEMBER),
        "leader": ("hq", Role.LEADER),
        "sysadmin": ("hq", Role.SYS_ADMIN),
        "secadmin": ("hq", Role.SEC_ADMIN),
        "auditadmin": ("hq", Role.AUDIT_ADMIN),
    }[name]
    return user_create(
        username=name,
        password=PASSWORD,
        unit=Unit.objects.get(code=unit_code),
        role=role,
        full_name=name,
    )


def next_uscc() -> str:
    """A fresh, valid 统一社会信用代码 for test data."""
    return make_uscc("91120224", f"MA{next(_serial):07d}")


def make_enterprise(area: str | Area = "dakoutun", **overrides: Any) -> Enterprise:
    """An enterprise in the given area (code), made through the registry service."""
    if not Area.objects.exists():
        load_baodi()
    area_obj = area if isinstance(area, Area) else Area.objects.get(code=area)
    values: dict[str, Any] = {
        "name": f"测试科技有限公司{next(_serial)}",
        "founded_on": dt.date(2015, 3, 1),
        "area": area_obj,
    }
    uscc = overrides.pop("uscc", None) or next_uscc()
    values.update(overrides)
    return enterprise_upsert(uscc=uscc, values=values, actor=None).row


def add_figures(enterprise: Enterprise, year: int, **values: Any) -> None:
    """One year's figures; plain numbers become exact decimals."""
    cleaned = {
        k: Decimal(str(v)) if isinstance(v, float) else v for k, v in values.items()
    }
    figures_upsert(enterprise=enterprise, year=year, values=cleaned, actor=None)


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in parallel threads released together; each one's result, or
    the exception it raised. For race tests on PostgreSQL (transactional tests):
    every thread uses, then closes, its own database connection."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
