"""Every registry form is protected against cross-site request forgery."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.testing import make_enterprise, persona
from keqi.registry.models import Enterprise


@pytest.fixture
def strict(db: Any) -> Client:
    """A browser whose POSTs are checked for the CSRF token, as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("hq"))
    return client


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    strict: Client,
) -> None:
    firm = make_enterprise(name="原名")
    url = reverse("registry:enterprise_edit", args=[firm.pk])
    response = strict.post(url, {"name": "伪造", "founded_on": "2015-03-01"})
    assert response.status_code == 403
    assert Enterprise.objects.get().name == "原名"


def test_a_post_with_the_token_from_the_page_is_accepted(strict: Client) -> None:
    firm = make_enterprise(name="原名")
    url = reverse("registry:credit_add", args=[firm.pk])
    form_page = strict.get(url)
    assert 'name="csrfmiddlewaretoken"' in form_page.content.decode()
    token = form_page.context["csrf_token"]
    data = {
        "csrfmiddlewaretoken": str(token),
        "kind": "经营异常名录",
        "occurred_on": "2020-03-01",
    }
    assert strict.post(url, data).status_code == 302
    assert firm.credit_records.count() == 1


def test_every_edit_page_carries_a_csrf_token(strict: Client) -> None:
    firm = make_enterprise()
    for name in ["enterprise_edit", "figures_add", "ip_add", "qualification_add"]:
        html = strict.get(reverse(f"registry:{name}", args=[firm.pk])).content
        assert b'name="csrfmiddlewaretoken"' in html, name
    html = strict.get(reverse("registry:enterprise_create")).content
    assert b'name="csrfmiddlewaretoken"' in html
