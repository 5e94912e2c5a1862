"""The API's pages: the OpenAPI schema and the endpoint list, served without any
outside (CDN) asset, and a main navigation entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from keqi.core.testing import PASSWORD, persona

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_served_as_json_with_the_token_scheme() -> None:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "科企数据接口"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == (
        "Authorization"
    )
    paths = set(schema["paths"])
    for path in (
        "/api/v1/enterprises/{uscc}/",
        "/api/v1/enterprises/{uscc}/verdicts/",
        "/api/v1/imports/",
        "/api/v1/reports/{id}/submit/",
        "/api/v1/libraries/{key}/",
        "/api/v1/targets/",
    ):
        assert path in paths
    detail = schema["paths"]["/api/v1/enterprises/{uscc}/"]["get"]
    assert {"200", "401", "404"} <= set(detail["responses"])


def test_the_endpoint_list_page_names_every_endpoint_in_chinese_without_a_cdn() -> None:
    page = Client().get("/api/").content.decode()
    assert (
        "数据接口说明" in page and "企业列表" in page and "导入企业数据工作簿" in page
    )
    assert "/api/v1/reports/{id}/submit/" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


def test_the_main_navigation_links_to_the_api_page() -> None:
    client = Client()
    client.login(username=persona("leader").username, password=PASSWORD)
    page = client.get("/", follow=True).content.decode()
    assert 'href="/api/"' in page and "数据接口" in page


def test_the_schema_generates_valid_and_without_a_single_warning(
    tmp_path: Path,
) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "科企数据接口" in target.read_text("utf-8")
