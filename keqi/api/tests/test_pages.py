"""The API's pages: the OpenAPI schema and the endpoint list, served without any
outside (CDN) asset, and a main navigation entry; only to signed-in users unless
KEQI_API_DOCS_PUBLIC is on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from keqi.core.testing import PASSWORD, persona

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def signed_in() -> Client:
    client = Client()
    client.force_login(persona("town_a"))
    return client


def test_the_openapi_schema_is_served_as_json_with_the_token_scheme() -> None:
    response = signed_in().get("/api/schema/?format=json")
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
    page = signed_in().get("/api/").content.decode()
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


def test_visitors_who_have_not_signed_in_see_neither_the_schema_nor_the_list() -> None:
    schema = Client().get("/api/schema/?format=json")
    assert schema.status_code == 401
    assert "未提供身份凭证" in schema.json()["detail"]
    page = Client().get("/api/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/?next=/api/")


def test_a_token_is_enough_to_read_the_schema() -> None:
    from keqi.api.tests.helpers import api_as

    assert api_as("member").get("/api/schema/", format="json").status_code == 200


def test_keqi_api_docs_public_opens_both_to_visitors(settings: Any) -> None:
    settings.KEQI_API_DOCS_PUBLIC = True
    assert Client().get("/api/schema/?format=json").status_code == 200
    page = Client().get("/api/")
    assert page.status_code == 200 and "数据接口说明" in page.content.decode()


def _docs_public_setting(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KEQI_API_DOCS")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='keqi.settings';"
            "django.setup(); from django.conf import settings;"
            "print(settings.KEQI_API_DOCS_PUBLIC)",
        ],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_docs_are_private_unless_the_environment_says_otherwise() -> None:
    assert _docs_public_setting(KEQI_DEBUG="0") == "False"
    assert _docs_public_setting(KEQI_DEBUG="0", KEQI_API_DOCS_PUBLIC="1") == "True"
