"""Plan items with a home (issue 17): alliances with member enterprises, carriers
and settlements, overseas stations, standards tracked from 立项 to 发布, 军民融合
projects — each entered with audit, scoped, listed with filters and totals, and
exported/imported as Excel."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.partners import services_plan as sp
from keqi.partners.models_plan import CarrierSettlement, CivMilProject, StandardWork
from keqi.partners.selectors_plan import (
    alliance_list_for,
    carrier_counts,
    standard_list_for,
)

pytestmark = pytest.mark.django_db


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def page(name: str, kind: str, **query: str) -> str:
    url = reverse("partners:plan_list", args=[kind])
    return client_for(name).get(url, query).content.decode()


def test_an_alliance_is_entered_through_the_form_and_audited(hq) -> None:  # type: ignore[no-untyped-def]
    firm = make_enterprise("dakoutun", name="宝坻石墨烯科技有限公司")
    response = client_for("hq").post(reverse("partners:entry_new", args=["alliances"]), {
        "name": "宝坻石墨烯产业技术创新战略联盟", "level": "区级",
        "founded_on": "2019-08-01", "enterprises": firm.uscc, "lead": "区科技局",
    })  # fmt: skip
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="alliance.create")
    assert event.changes["enterprises"] == [[], ["宝坻石墨烯科技有限公司"]]
    text = page("hq", "alliances")
    assert "宝坻石墨烯产业技术创新战略联盟" in text and "共 1 条" in text


def test_a_town_sees_only_its_own_member_enterprises(hq, town_a) -> None:  # type: ignore[no-untyped-def]
    own = make_enterprise("dakoutun", name="甲镇企业")
    other = make_enterprise("koudong", name="乙镇企业")
    sp.alliance_create(
        values={"name": "无人机联盟", "level": "区级",
                "founded_on": dt.date(2019, 6, 1), "enterprises": [own, other]},
        actor=hq,
    )  # fmt: skip
    sp.alliance_create(
        values={"name": "口东镇联盟", "level": "区级",
                "founded_on": dt.date(2019, 6, 1), "enterprises": [other]},
        actor=hq,
    )  # fmt: skip
    rows = list(alliance_list_for(town_a))
    assert [r.name for r in rows] == ["无人机联盟"]
    assert [e.name for e in rows[0].enterprises.all()] == ["甲镇企业"]
    text = page("town_a", "alliances")
    assert "乙镇企业" not in text and "口东镇联盟" not in text


def test_a_town_cannot_add_another_towns_enterprise(town_a) -> None:  # type: ignore[no-untyped-def]
    other = make_enterprise("koudong")
    with pytest.raises(PermissionDenied):
        sp.civmil_project_create(
            values={"title": "军转民项目", "direction": "军转民",
                    "started_on": dt.date(2019, 6, 1), "enterprises": [other]},
            actor=town_a,
        )  # fmt: skip
    assert not CivMilProject.objects.exists()


def test_settlements_count_per_carrier_on_a_day(hq, town_a) -> None:  # type: ignore[no-untyped-def]
    city = sp.carrier_create(
        values={"name": "京津中关村科技城", "kind": "科技城"}, actor=hq
    )
    stay, gone = make_enterprise("dakoutun"), make_enterprise("dakoutun")
    far = make_enterprise("koudong")
    for firm, on, left in ((stay, dt.date(2019, 3, 1), None),
                           (gone, dt.date(2018, 3, 1), dt.date(2019, 5, 1)),
                           (far, dt.date(2019, 4, 1), None)):  # fmt: skip
        sp.carrier_settlement_create(
            values={"carrier": city, "enterprise": firm, "settled_on": on,
                    "left_on": left},
            actor=hq,
        )  # fmt: skip
    day = dt.date(2019, 9, 30)
    assert [(c.settled, c.settled_this_year) for c in carrier_counts(hq, day)] == [
        (2, 2)
    ]
    assert [(c.settled, c.settled_this_year) for c in carrier_counts(town_a, day)] == [
        (1, 1)
    ]
    assert "京津中关村科技城" in page("town_a", "carriers")


def test_a_left_date_before_settling_is_refused(hq) -> None:  # type: ignore[no-untyped-def]
    city = sp.carrier_create(values={"name": "科技园", "kind": "产业园区"}, actor=hq)
    with pytest.raises(ValidationError, match="迁出日期不能早于入驻日期"):
        sp.carrier_settlement_create(
            values={"carrier": city, "enterprise": make_enterprise("dakoutun"),
                    "settled_on": dt.date(2019, 5, 1), "left_on": dt.date(2019, 4, 1)},
            actor=hq,
        )  # fmt: skip
    assert not CarrierSettlement.objects.exists()


def test_a_standard_moves_from_proposal_to_publication(hq) -> None:  # type: ignore[no-untyped-def]
    firm = make_enterprise("dakoutun")
    row = sp.standard_work_create(
        values={"title": "石墨烯导热膜", "level": "团体标准", "stage": "立项",
                "lead_enterprise": firm, "started_on": dt.date(2019, 3, 1)},
        actor=hq,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="发布日期"):
        sp.standard_work_update(row=row, values={"stage": "发布"}, actor=hq)
    row.refresh_from_db()
    sp.standard_work_update(
        row=row, values={"stage": "发布", "published_on": dt.date(2019, 9, 1),
                         "number": "T/TJ 001-2019"}, actor=hq,
    )  # fmt: skip
    assert StandardWork.objects.get().stage == "发布"
    assert AuditEvent.objects.filter(action="standard_work.update").count() == 1
    assert list(standard_list_for(persona("town_b"))) == []
    published = page("hq", "standards", choice="发布")
    assert "T/TJ 001-2019" in published
    assert "T/TJ 001-2019" not in page("hq", "standards", choice="立项")


def test_a_standard_needs_an_enterprise(hq) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="主导企业或至少一家"):
        sp.standard_work_create(
            values={"title": "无企业", "level": "团体标准", "stage": "立项",
                    "started_on": dt.date(2019, 3, 1)},
            actor=hq,
        )  # fmt: skip


def test_civmil_list_totals_the_investment_exactly(hq) -> None:  # type: ignore[no-untyped-def]
    firm = make_enterprise("dakoutun")
    for title, amount in (("项目一", "0.1"), ("项目二", "0.2")):
        sp.civmil_project_create(
            values={"title": title, "direction": "产业化", "enterprises": [firm],
                    "started_on": dt.date(2019, 6, 1), "amount": Decimal(amount)},
            actor=hq,
        )  # fmt: skip
    assert "投资额合计 0.3 万元" in page("hq", "civmil")


def test_a_station_is_exported_and_reimported_unchanged(hq) -> None:  # type: ignore[no-untyped-def]
    city = sp.carrier_create(
        values={"name": "京津中关村科技城", "kind": "科技城"}, actor=hq
    )
    sp.overseas_station_create(
        values={"name": "深圳招商工作站", "region": "广东省深圳市",
                "opened_on": dt.date(2019, 4, 1), "carrier": city},
        actor=hq,
    )  # fmt: skip
    client = client_for("hq")
    data = client.get(reverse("partners:export", args=["stations"])).getvalue()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0][:5] == ("工作站名称", "驻在地", "设立日期", "撤销日期", "对接载体")
    assert rows[1][4] == "京津中关村科技城"
    back = client.post(
        reverse("partners:import", args=["stations"]),
        {"file": _upload(data, "stations.xlsx")},
    )
    assert back.status_code == 200


def test_an_import_naming_an_unknown_carrier_changes_nothing(hq) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    ws = book.active
    ws.title = "驻外招商工作站"
    ws.append(["工作站名称", "驻在地", "设立日期", "撤销日期", "对接载体"])
    ws.append(["上海工作站", "上海市", "2019-04-01", None, "不存在的载体"])
    out = io.BytesIO()
    book.save(out)
    response = client_for("hq").post(
        reverse("partners:import", args=["stations"]),
        {"file": _upload(out.getvalue(), "stations.xlsx")},
    )
    assert response.status_code == 400
    assert "不存在的载体" in response.content.decode()


def test_read_only_roles_list_but_cannot_enter(hq) -> None:  # type: ignore[no-untyped-def]
    assert "驻外招商工作站" in page("leader", "stations")
    new = reverse("partners:entry_new", args=["stations"])
    assert client_for("leader").get(new).status_code == 403


def _upload(data: bytes, name: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("kind", ["alliances", "settlements", "standards", "civmil"])
def test_a_list_page_costs_the_same_queries_for_more_rows(hq, kind) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city = sp.carrier_create(values={"name": "科技城", "kind": "科技城"}, actor=hq)
    client = client_for("hq")
    url = reverse("partners:plan_list", args=[kind])

    def add(n: int) -> None:
        firm = make_enterprise("dakoutun")
        day = dt.date(2019, 1, 1) + dt.timedelta(days=n)
        values = {"enterprises": [firm], "started_on": day}
        {
            "alliances": lambda: sp.alliance_create(values={"name": f"联盟{n}",
                "level": "区级", "founded_on": day, "enterprises": [firm]}, actor=hq),
            "settlements": lambda: sp.carrier_settlement_create(values={
                "carrier": city, "enterprise": firm, "settled_on": day}, actor=hq),
            "standards": lambda: sp.standard_work_create(values={**values,
                "title": f"标准{n}", "level": "团体标准", "stage": "立项",
                "lead_enterprise": firm}, actor=hq),
            "civmil": lambda: sp.civmil_project_create(values={**values,
                "title": f"项目{n}", "direction": "产业化"}, actor=hq),
        }[kind]()  # fmt: skip

    add(0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 6):
        add(n)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
