"""Every products page through the test client, for every role: what it shows,
the scope (a town sees only its enterprises' records, 404 for another's), the
forms with their Chinese errors, and a fixed number of queries per list page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.products.models import Product, Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.tests.helpers import add_product, add_transformation

pytestmark = pytest.mark.django_db
ROLES = ["hq", "member", "town_a", "town_b", "park", "leader"]
WRITERS = ["hq", "member", "town_a"]
LISTS = ["products:index", "products:product_list", "products:transformation_list"]


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


@pytest.fixture
def two_towns(db):  # type: ignore[no-untyped-def]
    ours = make_enterprise("dakoutun", name="大口屯精工科技有限公司")
    theirs = make_enterprise("koudong", name="口东新材料有限公司")
    add_product(ours, name="大口屯伺服电机")
    add_product(theirs, name="口东导热膜")
    add_transformation(ours, kind=T.TECH_UPGRADE, amount=Decimal("350.25"))
    add_transformation(theirs, kind=T.CLOUD)
    return ours, theirs


def test_the_main_navigation_links_to_products(db) -> None:  # type: ignore[no-untyped-def]
    page = client_for("leader").get(reverse("campaign:board"), follow=True)
    assert reverse("products:index") in page.content.decode()


@pytest.mark.parametrize("name", ROLES)
def test_every_page_opens_for_every_role(name: str, two_towns) -> None:  # type: ignore[no-untyped-def]
    client = client_for(name)
    for url in LISTS:
        assert client.get(reverse(url)).status_code == 200, url


@pytest.mark.parametrize("name", ["hq", "member", "leader"])
def test_district_wide_roles_see_every_towns_records(name: str, two_towns) -> None:  # type: ignore[no-untyped-def]
    page = client_for(name).get(reverse("products:product_list")).content.decode()
    assert "大口屯伺服电机" in page and "口东导热膜" in page


def test_a_town_sees_only_its_own_enterprises_records(two_towns) -> None:  # type: ignore[no-untyped-def]
    client = client_for("town_a")
    products = client.get(reverse("products:product_list")).content.decode()
    assert "大口屯伺服电机" in products and "口东导热膜" not in products
    changes = client.get(reverse("products:transformation_list")).content.decode()
    assert "350.25" in changes and "工业企业上云" not in changes.split("<tbody>")[1]


def test_a_town_gets_404_on_another_towns_records(two_towns) -> None:  # type: ignore[no-untyped-def]
    client = client_for("town_a")
    theirs = Product.objects.get(name="口东导热膜")
    change = Transformation.objects.get(kind=T.CLOUD)
    for url in (
        reverse("products:record_edit", args=["products", theirs.pk]),
        reverse("products:record_delete", args=["products", theirs.pk]),
        reverse("products:record_edit", args=["transformations", change.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "篡改"}).status_code == 404, url
    assert Product.objects.filter(name="口东导热膜").exists()


def test_a_town_may_not_filter_by_another_towns_area(two_towns) -> None:  # type: ignore[no-untyped-def]
    from keqi.accounts.models import Area

    koudong = Area.objects.get(code="koudong").pk
    url = reverse("products:product_list") + f"?area={koudong}"
    assert client_for("town_a").get(url).status_code == 404


@pytest.mark.parametrize("name", ["leader"])
def test_read_only_roles_see_no_forms_and_get_403(name: str, two_towns) -> None:  # type: ignore[no-untyped-def]
    client = client_for(name)
    page = client.get(reverse("products:product_list")).content.decode()
    assert "登记产品与品牌" not in page and "修改</a>" not in page
    mine = Product.objects.get(name="大口屯伺服电机")
    for url in (
        reverse("products:record_new", args=["products"]),
        reverse("products:record_edit", args=["products", mine.pk]),
        reverse("products:import", args=["products"]),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("name", WRITERS)
def test_a_writer_adds_a_product_through_the_form(name: str) -> None:
    enterprise = make_enterprise("dakoutun")
    data = {
        "enterprise": enterprise.uscc,
        "kind": "专精特新产品",
        "name": "精密行星减速器",
        "recognised_by": "天津市工业和信息化局",
        "level": "省级（市级）",
        "recognised_on": "2019-08-22",
        "evidence": "津工信中小〔2019〕23号",
    }
    response = client_for(name).post(
        reverse("products:record_new", args=["products"]), data
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.enterprise == enterprise and product.recognised_on == dt.date(
        2019, 8, 22
    )
    event = AuditEvent.objects.get(action="product.create")
    assert event.actor == persona(name)


def test_a_town_cannot_add_a_record_for_another_towns_enterprise() -> None:
    theirs = make_enterprise("koudong")
    data = {
        "enterprise": theirs.uscc,
        "kind": "工业企业上云",
        "year": "2019",
        "completed_on": "2019-06-01",
        "description": "上云",
    }
    page = client_for("town_a").post(
        reverse("products:record_new", args=["transformations"]), data
    )
    assert page.status_code == 200
    assert "不在您的管辖范围内" in page.content.decode()
    assert not Transformation.objects.exists()


def test_bad_input_is_shown_in_chinese_next_to_the_field_and_nothing_is_saved() -> None:
    enterprise = make_enterprise("dakoutun")
    data = {
        "enterprise": enterprise.uscc,
        "kind": "技改投入",
        "year": "2019",
        "completed_on": "2020-01-05",
        "description": "生产线改造",
    }
    page = client_for("hq").post(
        reverse("products:record_new", args=["transformations"]), data
    )
    text = page.content.decode()
    assert "完成日期应在2019年内" in text
    assert "须填写投入金额" in text
    assert not Transformation.objects.exists()


def test_an_edit_and_a_delete_are_audited(two_towns) -> None:  # type: ignore[no-untyped-def]
    client = client_for("town_a")
    mine = Product.objects.get(name="大口屯伺服电机")
    data = {
        "enterprise": mine.enterprise.uscc,
        "kind": mine.kind,
        "name": "大口屯伺服电机Ⅱ",
        "recognised_by": mine.recognised_by,
        "level": mine.level,
        "recognised_on": "2019-06-01",
        "evidence": mine.evidence,
    }
    edit = reverse("products:record_edit", args=["products", mine.pk])
    assert client.post(edit, data).status_code == 302
    event = AuditEvent.objects.get(action="product.update")
    assert event.changes == {"name": ["大口屯伺服电机", "大口屯伺服电机Ⅱ"]}
    delete = reverse("products:record_delete", args=["products", mine.pk])
    assert "确认删除" in client.get(delete).content.decode()
    assert client.post(delete, {"reason": "误录"}).status_code == 302
    assert not Product.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.get(action="product.delete").reason == "误录"


def test_filters_totals_and_the_download_keep_the_same_rows(two_towns) -> None:  # type: ignore[no-untyped-def]
    ours, _ = two_towns
    add_transformation(ours, dt.date(2018, 5, 1), kind=T.AI_PLUS)
    url = reverse("products:transformation_list") + "?year=2019&kind=技改投入"
    page = client_for("hq").get(url).content.decode()
    assert "共 <strong>1</strong> 条，涉及 <strong>1</strong> 家企业" in page
    assert "合计 350.25 万元" in page
    download = client_for("hq").get(url + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("企业名称", "统一社会信用代码", "所属街镇/园区", "类型")
    assert len(rows) == 2 and rows[1][0] == ours.name
    assert Decimal(str(rows[1][-2])) == Decimal("350.25")
    about = dict(load_workbook(io.BytesIO(download.content))["说明"].values)
    assert about["类型"] == "技改投入" and about["年度"] == "2019"


def test_a_list_page_shows_fifty_rows_and_keeps_the_filters_in_its_links() -> None:
    enterprise = make_enterprise("dakoutun")
    for n in range(55):
        add_product(enterprise, name=f"产品{n:02d}")
    page = client_for("hq").get(reverse("products:product_list") + "?kind=专精特新产品")
    text = page.content.decode()
    assert text.count('class="actions-col"><a href') == 50
    assert "第 1 / 2 页，共 55 条" in text
    assert (
        "kind=%E4%B8%93%E7%B2%BE%E7%89%B9%E6%96%B0%E4%BA%A7%E5%93%81&amp;page=2" in text
    )


def _queries(url: str) -> int:
    client = client_for("town_a")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_the_query_count_does_not_grow_with_the_list(url: str) -> None:
    enterprise = make_enterprise("dakoutun")
    add_product(enterprise, name="一")
    add_transformation(enterprise)
    few = _queries(reverse(url))
    for n in range(30):
        other = make_enterprise("dakoutun")
        add_product(other, name=f"产品{n}")
        add_transformation(other, kind=T.MFG_SERVICE)
    assert _queries(reverse(url)) == few


def test_the_overview_links_each_target_figure_to_its_records(two_towns) -> None:  # type: ignore[no-untyped-def]
    page = client_for("hq").get(
        reverse("products:index") + "?year=2019&as_of=2019-09-30"
    )
    text = page.content.decode()
    zjtx = "/products/products/?year=2019&amp;until=2019-09-30&amp;kind="
    assert f'<a href="{zjtx}' in text
    assert (
        '<a href="/products/transformations/?year=2019&amp;until=2019-09-30">' in text
    )
