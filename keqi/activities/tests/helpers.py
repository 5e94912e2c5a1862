"""Builders for activities tests: activities and attendance through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from keqi.accounts.models import Unit
from keqi.activities.models import Activity, ActivityKind
from keqi.activities.services import (
    AttendanceValues,
    activity_create,
    attendance_set,
)
from keqi.core.testing import PASSWORD, load_baodi
from keqi.registry.models import Area, Enterprise


def unit(code: str) -> Unit:
    if not Area.objects.exists():
        load_baodi()
    return Unit.objects.get(code=code)


def training(
    on: dt.date,
    *,
    tech_sme: bool = True,
    organiser: str = "hq",
    actor: Any = None,
    **values: Any,
) -> Activity:
    """A training held on `on`, by default a 科技型中小企业 registration training."""
    fields: dict[str, Any] = {
        "kind": ActivityKind.TRAINING,
        "title": f"科技型中小企业入库申报培训（{on:%m月%d日}）",
        "held_on": on,
        "organiser": unit(organiser),
        "tech_sme_training": tech_sme,
    }
    code = values.pop("code", "")
    fields.update(values)
    return activity_create(values=fields, actor=actor, code=code)


def attend(
    activity: Activity, enterprise: Enterprise, people: int = 2, actor: Any = None
) -> None:
    """The enterprise was invited and came with `people` people."""
    attendance_set(
        activity=activity,
        enterprise=enterprise,
        values=AttendanceValues(invited=True, attended=True, people=people),
        actor=actor,
    )


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
