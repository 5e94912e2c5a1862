"""Who may see and change which enterprise, for every registry page.

A town officer gets 404 on another town's enterprise (page, every edit form and
every POST) and nothing changes; read-only roles get 403 on edit pages and see no
edit buttons; HQ and the enterprise's own town may edit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.registry.models import Enterprise
from keqi.registry.services import (
    credit_record_upsert,
    ip_upsert,
    qualification_upsert,
)


@pytest.fixture
def dakoutun_firm(db: Any) -> dict[str, Any]:
    """An enterprise of 大口屯镇 (town_a's area) with one record of every kind."""
    firm = make_enterprise("dakoutun", name="大口屯甲科技有限公司")
    add_figures(firm, 2019, staff_total=30)
    ip = ip_upsert(
        enterprise=firm,
        number="ZL2019100001",
        values={"category": "发明专利"},
        actor=None,
    ).row
    qual = qualification_upsert(
        enterprise=firm,
        kind="高新技术企业",
        values={"number": "GR201912000001", "granted_on": dt.date(2019, 11, 28)},
        actor=None,
    ).row
    credit = credit_record_upsert(
        enterprise=firm,
        kind="经营异常名录",
        occurred_on=dt.date(2020, 3, 1),
        values={},
        actor=None,
    ).row
    return {"firm": firm, "ip": ip, "qual": qual, "credit": credit}


def edit_urls(d: dict[str, Any]) -> list[str]:
    """Every page that changes something about the enterprise."""
    pk = d["firm"].pk
    names: list[tuple[str, list[Any]]] = [
        ("enterprise_edit", [pk]),
        ("figures_add", [pk]),
        ("figures_edit", [pk, 2019]),
        ("ip_add", [pk]),
        ("ip_edit", [pk, d["ip"].pk]),
        ("ip_delete", [pk, d["ip"].pk]),
        ("qualification_add", [pk]),
        ("qualification_edit", [pk, d["qual"].pk]),
        ("qualification_revoke", [pk, d["qual"].pk]),
        ("qualification_delete", [pk, d["qual"].pk]),
        ("credit_add", [pk]),
        ("credit_edit", [pk, d["credit"].pk]),
        ("credit_delete", [pk, d["credit"].pk]),
    ]
    return [reverse(f"registry:{name}", args=args) for name, args in names]


# A POST that would be accepted if the user were allowed: it must still change nothing.
PLAUSIBLE_POST = {
    "name": "改名",
    "founded_on": "2015-03-01",
    "year": "2020",
    "staff_total": "1",
    "category": "发明专利",
    "number": "ZL9",
    "status": "有效",
    "kind": "高新技术企业",
    "granted_on": "2020-01-01",
    "revoked_on": "2021-01-01",
    "occurred_on": "2020-01-01",
    "reason": "越权尝试",
}


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_town_user_gets_404_on_another_towns_enterprise(
    dakoutun_firm: dict[str, Any],
) -> None:
    client = client_for("town_b")
    url = reverse("registry:enterprise_detail", args=[dakoutun_firm["firm"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "大口屯甲科技有限公司" not in response.content.decode()
    assert "不在您的管辖范围内" in response.content.decode()


def test_town_user_gets_404_on_every_edit_form_and_post_of_another_town(
    dakoutun_firm: dict[str, Any],
) -> None:
    client = client_for("town_b")
    events = AuditEvent.objects.count()
    for url in edit_urls(dakoutun_firm):
        assert client.get(url).status_code == 404, url
        assert client.post(url, PLAUSIBLE_POST).status_code == 404, url
    assert AuditEvent.objects.count() == events
    assert Enterprise.objects.get().name == "大口屯甲科技有限公司"


def test_town_user_cannot_reach_a_record_through_their_own_enterprise(
    dakoutun_firm: dict[str, Any],
) -> None:
    """Another enterprise's IP id under an enterprise the user may edit is a 404."""
    own = make_enterprise("koudong")
    client = client_for("town_b")
    url = reverse("registry:ip_edit", args=[own.pk, dakoutun_firm["ip"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, PLAUSIBLE_POST).status_code == 404


def test_town_user_does_not_see_other_towns_in_the_list(
    dakoutun_firm: dict[str, Any],
) -> None:
    make_enterprise("koudong", name="口东乙科技有限公司")
    page = client_for("town_b").get(reverse("registry:enterprise_list"))
    text = page.content.decode()
    assert "口东乙科技有限公司" in text
    assert "大口屯甲科技有限公司" not in text


@pytest.mark.parametrize("role", ["leader", "member"])
def test_read_only_roles_see_the_page_but_get_403_on_every_edit(
    dakoutun_firm: dict[str, Any], role: str
) -> None:
    client = client_for(role)
    detail = client.get(
        reverse("registry:enterprise_detail", args=[dakoutun_firm["firm"].pk])
    )
    assert detail.status_code == 200
    assert "编辑基本信息" not in detail.content.decode()
    events = AuditEvent.objects.count()
    refused = client.get(edit_urls(dakoutun_firm)[0])
    assert "当前账号只能查看" in refused.content.decode()
    for url in [*edit_urls(dakoutun_firm), reverse("registry:enterprise_create")]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, PLAUSIBLE_POST).status_code == 403, url
    assert AuditEvent.objects.count() == events


def test_leader_sees_no_new_enterprise_button(dakoutun_firm: dict[str, Any]) -> None:
    page = client_for("leader").get(reverse("registry:enterprise_list"))
    assert "新建企业" not in page.content.decode()


@pytest.mark.parametrize("role", ["hq", "town_a"])
def test_hq_and_the_enterprises_own_town_can_open_every_edit_form(
    dakoutun_firm: dict[str, Any], role: str
) -> None:
    client = client_for(role)
    detail = client.get(
        reverse("registry:enterprise_detail", args=[dakoutun_firm["firm"].pk])
    )
    assert "编辑基本信息" in detail.content.decode()
    for url in edit_urls(dakoutun_firm):
        assert client.get(url).status_code == 200, url


def test_hq_can_edit_an_enterprise_of_any_town(dakoutun_firm: dict[str, Any]) -> None:
    firm = dakoutun_firm["firm"]
    client = client_for("hq")
    url = reverse("registry:enterprise_edit", args=[firm.pk])
    form = client.get(url).context["form"]
    data = {**form.initial, "name": "大口屯甲科技股份有限公司", "area": firm.area_id}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(above_scale="unknown", listed="unknown", restricted_products="unknown")
    response = client.post(url, data)
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.name == "大口屯甲科技股份有限公司"


def test_anonymous_visitors_are_sent_to_login(dakoutun_firm: dict[str, Any]) -> None:
    client = Client()
    for url in [reverse("registry:enterprise_list"), *edit_urls(dakoutun_firm)]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
