"""accounts/0006: an install made before districts gets one district holding
every area and unit, and its finance bureau keeps its payment rights."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from keqi.accounts.models import Area, District, Unit

default_district = importlib.import_module(
    "keqi.accounts.migrations.0006_district"
).default_district


@pytest.mark.django_db
def test_an_existing_install_gets_its_one_district_and_keeps_czj_as_finance() -> None:
    area = Area.objects.create(code="dakoutun", name="大口屯镇", kind="town")
    hq = Unit.objects.create(code="hq", name="区科技局", kind="hq")
    czj = Unit.objects.create(code="czj", name="区财政局", kind="member")
    default_district(apps, None)
    district = District.objects.get()
    assert (district.code, district.name) == ("baodi", "天津市宝坻区")
    assert "人工智能" in district.key_industries
    for row in (area, hq, czj):
        row.refresh_from_db()
        assert row.district == district
    assert czj.is_finance and not hq.is_finance


@pytest.mark.django_db
def test_a_new_install_gets_no_district_from_the_migration() -> None:
    default_district(apps, None)
    assert not District.objects.exists()
