"""API fuzzing: schemathesis generates requests for every operation of the served
OpenAPI schema (valid and invalid ones) and calls the app in-process over WSGI
with an HQ token and a town token. No answer may be a 5xx, and every answer must
have a documented status, content type and body shape.

Runs on both database passes (not marked slow or browser). KEQI_FUZZ_EXAMPLES
raises the number of examples per operation for a longer local run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from keqi.api.tests.helpers import token_for
from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.evaluations.tests.helpers import run_now
from keqi.registry.services import qualification_upsert
from keqi.wsgi import application

EXAMPLES = int(os.environ.get("KEQI_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Setup:
    """The tokens to call with, and path parameters that name real records."""

    headers: list[dict[str, str]]
    known: dict[str, Any]


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Serve WSGI requests inside the test's transaction, as Django's test client
    does: the real handler would close the connection after each request (which
    on PostgreSQL ends the test's transaction)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def setup(db: None, settings: Any, in_test_transaction: None) -> Setup:
    """Some registry and campaign data, an HQ token and a town token."""
    settings.KEQI_API_RATE_USER = "1000000/min"
    settings.KEQI_API_RATE_ANON = "1000000/min"
    settings.KEQI_API_DOCS_PUBLIC = True  # schemathesis reads the schema unsigned
    plan = baodi_plan()
    usccs = []
    for area in ("dakoutun", "koudong"):
        e = make_enterprise(area, tech_field="电子信息")
        add_figures(e, 2018, staff_total=50, tech_staff=8, sales_revenue=3000)
        qualification_upsert(
            enterprise=e,
            kind="高新技术企业",
            values={"granted_on": dt.date(2019, 3, 1), "number": f"GR{e.pk}"},
            actor=None,
        )
        usccs.append(e.uscc)
    report = file_report(plan, "dakoutun-gov", dt.date(2019, 6, 1), dt.date(2019, 7, 3))
    headers = [
        {"Authorization": f"Token {token_for(persona(name))}"}
        for name in ("hq", "town_a")
    ]
    run = run_now()
    known = {
        "uscc": usccs,
        "id": [report.pk, run.pk],
        "key": ["high_tech", "high-tech"],
    }
    return Setup(headers, known)


def _cases(operation: Any, known: dict[str, Any]) -> st.SearchStrategy[Any]:
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    names = [p.name for p in operation.path_parameters]
    for values in itertools.product(*(known.get(n, []) for n in names)):
        if names and values:
            fixed = dict(zip(names, values, strict=True))
            strategies.append(
                operation.as_strategy(
                    generation_mode=GenerationMode.POSITIVE, path_parameters=fixed
                )
            )
    return st.one_of(*strategies)


def _fuzz(operation: Any, setup: Setup) -> None:
    @given(case=_cases(operation, setup.known))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for sent in setup.headers:
            response = case.call(headers=sent)
            case.validate_response(response, checks=CHECKS, headers=sent)

    run()


def test_no_generated_request_gets_a_server_error(setup: Setup) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        _fuzz(operation, setup)
