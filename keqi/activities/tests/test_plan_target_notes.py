"""The note under the activities and products overviews when a target column is
empty says why: no plan of the viewer's district for the year, or a plan that
sets no such target (示范区's plan names only three targets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keqi.accounts.tests.test_districts import client_for, load_shifan, person
from keqi.campaign.services import plan_file_load

pytestmark = pytest.mark.django_db

PLANS = Path(__file__).resolve().parents[3] / "plans"
PAGES = ("/activities/?year=2019", "/products/?year=2019")
NO_PLAN = "尚未载入本区2019年实施方案"
NO_TARGET = "本区2019年实施方案未设定该项目标"


@pytest.mark.parametrize("url", PAGES)
def test_without_a_plan_the_page_says_none_is_loaded(url: str) -> None:
    load_shifan()
    page = client_for(person("sf_hq")).get(url).content.decode()
    assert NO_PLAN in page and NO_TARGET not in page
    assert "keqi plan" not in page


@pytest.mark.parametrize("url", PAGES)
def test_a_plan_without_the_target_is_not_called_missing(url: str) -> None:
    load_shifan()
    sf_hq = person("sf_hq")
    plan_file_load(path=PLANS / "shifan-2019.yaml", actor=sf_hq)
    page = client_for(sf_hq).get(url).content.decode()
    assert NO_TARGET in page and NO_PLAN not in page
    # Baodi has no plan loaded here: its HQ is still told so.
    baodi = client_for(person("hq")).get(url).content.decode()
    assert NO_PLAN in baodi
