"""Products and transformations through the API: scoped by token, filtered, exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keqi.api.tests.helpers import api_as
from keqi.core.testing import make_enterprise
from keqi.products.models import ProductKind
from keqi.products.models import TransformationKind as T
from keqi.products.tests.helpers import add_product, add_transformation

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(db):  # type: ignore[no-untyped-def]
    ours, theirs = make_enterprise("dakoutun"), make_enterprise("koudong")
    add_product(ours, name="伺服电机")
    add_product(theirs, name="导热膜", kind=ProductKind.BRAND)
    add_transformation(ours, kind=T.TECH_UPGRADE, amount=Decimal("1234.5"))
    add_transformation(theirs, dt.date(2018, 3, 1))
    return ours, theirs


@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/transformations/"])
def test_a_town_token_lists_only_its_towns_records(records, path: str) -> None:  # type: ignore[no-untyped-def]
    ours, _ = records
    town = api_as("town_a").get(path).json()
    assert town["count"] == 1
    assert {r["uscc"] for r in town["results"]} == {ours.uscc}
    assert api_as("hq").get(path).json()["count"] == 2
    assert api_as("leader").get(path).json()["count"] == 2


def test_amounts_are_exact_text_and_filters_narrow(records) -> None:  # type: ignore[no-untyped-def]
    body = api_as("hq").get("/api/v1/transformations/?kind=技改投入").json()
    [row] = body["results"]
    assert row["amount"] == "1234.5" and row["year"] == 2019
    assert api_as("hq").get("/api/v1/transformations/?year=2018").json()["count"] == 1
    brands = api_as("hq").get("/api/v1/products/?kind=品牌").json()["results"]
    assert [r["name"] for r in brands] == ["导热膜"]


def test_a_town_token_asking_for_another_towns_records_gets_nothing(records) -> None:  # type: ignore[no-untyped-def]
    _, theirs = records
    by_code = api_as("town_a").get(f"/api/v1/products/?uscc={theirs.uscc}").json()
    assert by_code["count"] == 0
    other_area = api_as("town_a").get("/api/v1/products/?area=koudong")
    assert other_area.status_code == 400
    assert "不在您的管辖范围内" in str(other_area.json())


def test_a_bad_filter_is_a_400_naming_it(records) -> None:  # type: ignore[no-untyped-def]
    response = api_as("hq").get("/api/v1/products/?kind=好产品")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
