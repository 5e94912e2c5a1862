"""Control characters in any web input: a Chinese 400 (JSON under /api/) that names
the parameter and the character, before any view or database sees them, and a
field error from every form. Runs on SQLite and PostgreSQL (where a NUL reaching a
query used to be a 500)."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.test import Client, RequestFactory

import keqi
from keqi.api.tests.helpers import api_as
from keqi.core.forms import RefuseControlCharacters
from keqi.core.middleware import request_control_character_problem
from keqi.core.testing import make_enterprise, persona

pytestmark = pytest.mark.django_db


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/funds/awards/?area=%00",
        "/partners/projects/?institution=1%00",
        "/enterprises/?q=%E5%A4%A7%00",
        "/cultivation/tiers/?as_of=2019-01-01%1B",
        "/campaign/?as_of=%07",
    ],
)
def test_a_control_character_in_a_query_parameter_is_a_chinese_400(url: str) -> None:
    response = signed_in("hq").get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "控制字符" in page and "数据没有改动" in page
    assert "参数“" in page


def test_the_400_page_names_the_parameter_and_the_character() -> None:
    page = signed_in("town_a").get("/funds/awards/?year=2019&area=ab%00").content
    assert (
        "网址参数“area”含有不允许的控制字符：第3个字符是不可见的控制字符“空字符(NUL)”"
        in (page.decode())
    )


def test_a_control_character_in_a_parameter_name_is_refused_too() -> None:
    response = signed_in("hq").get("/enterprises/?a%00b=1")
    assert response.status_code == 400
    assert "参数名含有不允许的控制字符" in response.content.decode()


def test_a_control_character_in_the_path_is_refused() -> None:
    response = signed_in("hq").get("/criteria/params/x%00y/")
    assert response.status_code == 400
    assert "网址含有不允许的控制字符" in response.content.decode()


def test_the_api_answers_a_control_character_with_a_chinese_json_error() -> None:
    response = api_as("hq").get("/api/v1/enterprises/", area="\x00")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "参数“area”含有不允许的控制字符" in body["detail"]


def test_a_posted_name_with_bel_is_refused_and_nothing_is_stored() -> None:
    client = signed_in("town_a")
    firm = make_enterprise("dakoutun", name="原名科技有限公司")
    response = client.post(
        f"/enterprises/{firm.pk}/edit/",
        urlencode({"name": "响铃\x07科技有限公司", "reason": "改名"}),
        content_type="application/x-www-form-urlencoded",  # as a browser posts
    )
    assert response.status_code == 400
    assert "提交内容的参数“name”" in response.content.decode()
    assert "响铃符(BEL)" in response.content.decode()
    firm.refresh_from_db()
    assert firm.name == "原名科技有限公司"


def test_an_upload_form_is_left_to_its_view_and_its_form_names_the_field() -> None:
    client = signed_in("town_a")
    firm = make_enterprise("dakoutun", name="原名科技有限公司")
    response = client.post(  # multipart, as a form with a file input posts
        f"/enterprises/{firm.pk}/edit/", {"name": "响铃\x07公司", "reason": "改名"}
    )
    assert "响铃符(BEL)" in response.context["form"].errors["name"][0]
    firm.refresh_from_db()
    assert firm.name == "原名科技有限公司"


def test_line_breaks_and_tabs_in_posted_text_are_allowed() -> None:
    def posted(text: str) -> Any:
        return RequestFactory().post(
            "/campaign/reports/1/",
            urlencode({"narrative": text}),
            content_type="application/x-www-form-urlencoded",
        )

    assert request_control_character_problem(posted("第一行\r\n第二行\t续写")) is None
    assert request_control_character_problem(posted("第一行\x0b第二行")) is not None


def test_a_form_field_with_esc_gets_a_field_error_naming_the_character() -> None:
    from keqi.criteria.forms import WithdrawForm

    form = WithdrawForm({"reason": "误操作\x1b撤销"})
    assert not form.is_valid()
    assert form.errors["reason"] == [
        "含有不允许的控制字符：第4个字符是不可见的控制字符“转义符(ESC)”，请删除后重试"
    ]


def test_fields_a_form_adds_in_its_own_init_are_checked_too() -> None:
    from keqi.partners.forms import InstitutionForm

    form = InstitutionForm({"name": "研究院\x07"}, user=persona("town_a"))
    assert not form.is_valid()
    assert "响铃符(BEL)" in form.errors["name"][0]


def _keqi_form_classes() -> list[type[Any]]:
    found = []
    for info in pkgutil.walk_packages(keqi.__path__, "keqi."):
        if ".tests" in info.name or "migrations" in info.name:
            continue
        if not info.name.endswith("forms") and not info.name.endswith("views"):
            continue
        module = import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_every_keqi_form_refuses_control_characters() -> None:
    classes = _keqi_form_classes()
    assert len(classes) >= 30
    missing = [
        c.__qualname__ for c in classes if not issubclass(c, RefuseControlCharacters)
    ]
    assert missing == []


def test_ordinary_parameters_still_reach_the_page() -> None:
    response = signed_in("hq").get("/funds/awards/?area=dakoutun&year=2019")
    assert response.status_code == 200


def test_a_nul_in_an_api_json_body_is_a_chinese_400_and_saves_nothing() -> None:
    from keqi.campaign.models import ProgressReport
    from keqi.campaign.tests.helpers import baodi_plan

    baodi_plan()
    member = api_as("member")
    report = member.post("/api/v1/reports/open/", {"month": "2019-08"}).json()
    response = member.patch(
        f"/api/v1/reports/{report['id']}/", {"narrative": "本月\x00推进"}
    )
    assert response.status_code == 400
    assert "字段“narrative”含有不允许的控制字符" in response.json()["detail"]
    assert ProgressReport.objects.get(pk=report["id"]).narrative == ""
