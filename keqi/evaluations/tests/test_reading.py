"""The run's set-based reader gives exactly the registry's facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest

from keqi.core.demo.generator import CONFIG, build_dataset
from keqi.core.demo.load import demo_load
from keqi.core.testing import load_baodi
from keqi.evaluations.reading import facts_of
from keqi.registry import facts as registry_facts
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.rules.facts import QualificationFact

pytestmark = pytest.mark.django_db


def test_the_reader_gives_the_registrys_facts_contributed_ones_included(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_baodi()
    demo_load(build_dataset(CONFIG.scaled(60)))
    firms = list(Enterprise.objects.order_by("uscc"))
    venture = QualificationFact(
        kind="创业投资", granted_on=dt.date(2018, 5, 1), amount_wan=Decimal("120.5")
    )

    def contributed(ids: Sequence[int]) -> dict[int, list[QualificationFact]]:
        return {firms[0].pk: [venture]} if firms[0].pk in ids else {}

    monkeypatch.setitem(registry_facts._CONTRIBUTORS, "test.venture", contributed)
    ids = [e.pk for e in reversed(firms)]  # any order in, USCC order out
    pks, read = facts_of(ids)
    assert pks == [e.pk for e in firms]
    assert read == list(iter_facts(firms))
    assert venture in read[0].qualifications
