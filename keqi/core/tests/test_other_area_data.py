"""A town user learns nothing about another area's enterprises (issue 13.6): no
prefilled code, and create/import errors say only that a code cannot be used —
never its name, its area, or that it exists there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import Workbook

from keqi.core.testing import make_enterprise, next_uscc, persona
from keqi.partners.leads import lead_settle
from keqi.partners.tests.helpers import make_lead
from keqi.registry.models import Enterprise
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db
SECRET = "口东镇保密科技有限公司"


@pytest.fixture
def theirs(town_b: object) -> Enterprise:
    """An enterprise of 口东镇 (town_b's), which town_a must not learn about."""
    return make_enterprise("koudong", name=SECRET)


def web(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def test_the_service_form_does_not_prefill_another_areas_code(
    theirs: Enterprise,
) -> None:
    response = web("town_a").get(f"/partners/services/new/?enterprise={theirs.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert theirs.uscc not in page and SECRET not in page
    assert not response.context["form"].initial.get("enterprise")


def test_the_service_form_still_prefills_an_own_area_code(town_a: object) -> None:
    ours = make_enterprise("dakoutun")
    response = web("town_a").get(f"/partners/services/new/?enterprise={ours.pk}")
    assert response.context["form"].initial["enterprise"] == ours.uscc
    other = web("town_b").get(f"/partners/services/new/?enterprise={ours.pk}")
    assert not other.context["form"].initial.get("enterprise")


def test_registering_another_areas_code_says_only_that_it_cannot_be_used(
    theirs: Enterprise,
) -> None:
    response = web("town_a").post(
        "/enterprises/new/",
        {
            "uscc": theirs.uscc,
            "name": "重名试探",
            "founded_on": "2018-06-01",
            "area": persona("town_a").unit.area.pk,
            "reason": "新入库",
        },
    )
    page = response.content.decode()
    assert f"统一社会信用代码“{theirs.uscc}”不能使用，请核对后重试" in page
    assert "已在企业库中登记" not in page
    assert SECRET not in page and "口东镇" not in page.split("<main")[1]
    assert Enterprise.objects.count() == 1


def test_registering_an_own_area_code_again_still_says_it_is_registered(
    town_a: object,
) -> None:
    ours = make_enterprise("dakoutun")
    response = web("town_a").post(
        "/enterprises/new/",
        {
            "uscc": ours.uscc,
            "name": "重复",
            "founded_on": "2018-06-01",
            "area": persona("town_a").unit.area.pk,
            "reason": "新入库",
        },
    )
    assert "该统一社会信用代码已在企业库中登记" in response.content.decode()


def _figures_book(path: Path, *codes: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "年度数据"
    sheet.append(["统一社会信用代码", "年度", "从业人员数"])
    for code in codes:
        sheet.append([code, 2018, 10])
    book.save(path)
    return path


def test_an_import_row_for_another_area_reads_like_one_for_no_enterprise(
    theirs: Enterprise, town_a: object, tmp_path: Path
) -> None:
    missing = next_uscc()
    path = _figures_book(tmp_path / "figures.xlsx", theirs.uscc, missing)
    result = import_workbook(path, actor=persona("town_a"))
    assert not result.ok
    messages = [str(e).split("：", 1)[1] for e in result.errors]
    assert len(messages) == 2 and messages[0] == messages[1]
    assert messages[0].startswith("该统一社会信用代码不能使用")
    assert not any(SECRET in str(e) or "口东镇" in str(e) for e in result.errors)


def test_an_import_of_another_areas_enterprise_row_says_it_cannot_be_used(
    theirs: Enterprise, town_a: object, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "企业基本信息"
    sheet.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区"])
    sheet.append([theirs.uscc, "改名试探", dt.date(2018, 1, 1), "大口屯镇"])
    book.save(tmp_path / "e.xlsx")
    result = import_workbook(tmp_path / "e.xlsx", actor=persona("town_a"))
    shown = [str(e) for e in result.errors]
    assert any("该统一社会信用代码不能使用" in s for s in shown), shown
    assert not any(SECRET in s or "不在您的管辖范围" in s for s in shown)
    assert Enterprise.objects.get(pk=theirs.pk).name == SECRET


def test_settling_a_lead_on_another_areas_code_does_not_name_the_enterprise(
    theirs: Enterprise, town_a: object
) -> None:
    actor = persona("town_a")
    lead = make_lead(actor=actor)
    with pytest.raises(PermissionDenied) as refused:
        lead_settle(lead=lead, on=dt.date(2019, 5, 8), uscc=theirs.uscc, actor=actor)
    assert (
        str(refused.value) == f"统一社会信用代码“{theirs.uscc}”不能使用，请核对后重试"
    )
