from __future__ import annotations

from decimal import Decimal

import pytest

from keqi.core.audit import diff
from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures, make_enterprise


def test_the_same_amount_with_trailing_zeros_is_no_change() -> None:
    assert diff({"rd": Decimal("1.500000")}, {"rd": Decimal("1.5")}) == {}
    assert diff({"rd": Decimal("1.5")}, {"rd": Decimal("1.6")}) == {
        "rd": ["1.5", "1.6"]
    }


@pytest.mark.django_db
def test_saving_an_unchanged_fraction_adds_no_history() -> None:
    ent = make_enterprise()
    add_figures(ent, 2018, rd_expense=Decimal("1.5"))
    before = AuditEvent.objects.count()
    add_figures(ent, 2018, rd_expense=Decimal("1.50"))
    assert AuditEvent.objects.count() == before
