"""The enterprise page and its portrait list the enterprise's products and
transformation records, scoped as the rest of the page, with links to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.testing import make_enterprise, persona
from keqi.products.models import ProductKind
from keqi.products.models import TransformationKind as T
from keqi.products.tests.helpers import add_product, add_transformation
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


@pytest.fixture
def firms(db: None) -> tuple[Enterprise, Enterprise]:
    ours = make_enterprise("dakoutun", name="大口屯精工科技有限公司")
    theirs = make_enterprise("koudong", name="口东新材料有限公司")
    add_product(ours, name="大口屯伺服电机")
    add_product(ours, kind=ProductKind.BRAND, name="屯工")
    add_transformation(
        ours, dt.date(2019, 7, 2), kind=T.TECH_UPGRADE, amount=Decimal("350.25")
    )
    add_product(theirs, name="口东导热膜")
    add_transformation(theirs, kind=T.CLOUD)
    return ours, theirs


def _detail(client: Client, firm: Enterprise) -> str:
    response = client.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["hq", "member", "town_a", "leader"])
def test_the_enterprise_page_lists_its_products_and_transformations(
    name: str, firms: tuple[Enterprise, Enterprise]
) -> None:
    ours, _ = firms
    page = _detail(client_for(name), ours)
    assert 'id="products"' in page
    assert "大口屯伺服电机" in page and "屯工" in page
    assert "技改投入" in page and "350.25" in page
    assert "口东导热膜" not in page  # another enterprise's record
    # each record links to its list narrowed to this enterprise and kind
    narrowed = urlencode({"q": ours.uscc, "kind": ProductKind.ZJTX})
    assert (
        f"{reverse('products:product_list')}?{narrowed}".replace("&", "&amp;") in page
    )


def test_the_enterprise_page_of_another_town_stays_hidden(
    firms: tuple[Enterprise, Enterprise],
) -> None:
    _, theirs = firms
    client = client_for("town_a")
    url = reverse("registry:enterprise_detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert "口东导热膜" not in _detail(client, firms[0])


def test_the_links_lead_to_the_records_of_that_enterprise_only(
    firms: tuple[Enterprise, Enterprise],
) -> None:
    ours, _ = firms
    client = client_for("town_a")
    listed = client.get(reverse("products:product_list"), {"q": ours.uscc})
    body = listed.content.decode()
    assert "大口屯伺服电机" in body and "口东导热膜" not in body


def test_writers_get_edit_links_and_readers_do_not(
    firms: tuple[Enterprise, Enterprise],
) -> None:
    ours, _ = firms
    product = ours.products.get(name="大口屯伺服电机")
    edit = reverse("products:record_edit", args=["products", product.pk])
    new = reverse("products:record_new", args=["products"])
    for name in ("hq", "town_a"):
        page = _detail(client_for(name), ours)
        assert edit in page and f"{new}?enterprise={ours.pk}" in page, name
    page = _detail(client_for("leader"), ours)
    assert edit not in page and new not in page


def test_an_enterprise_without_records_says_so(db: None) -> None:
    bare = make_enterprise("dakoutun")
    page = _detail(client_for("hq"), bare)
    assert "没有登记的产品与品牌" in page and "没有登记的创新转型" in page


@pytest.mark.parametrize("name", ["hq", "town_a"])
def test_the_portrait_summarises_them_with_a_link_to_the_page(
    name: str, firms: tuple[Enterprise, Enterprise]
) -> None:
    ours, theirs = firms
    client = client_for(name)
    response = client.get(reverse("cultivation:portrait", args=[ours.pk]))
    page = response.content.decode()
    assert "大口屯伺服电机" in page and "技改投入 350.25万元" in page
    assert "口东导热膜" not in page
    assert f"{reverse('registry:enterprise_detail', args=[ours.pk])}#products" in page
    other = client.get(reverse("cultivation:portrait", args=[theirs.pk]))
    assert other.status_code == (200 if name == "hq" else 404)
