"""An enterprise moved to another area by a workbook import is counted in its old
area before the import day and in its new one from that day, as a move made on
the enterprise page is (the library counts read both kinds of event)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from keqi.accounts.models import Area
from keqi.core.testing import load_baodi
from keqi.cultivation.area_history import area_moves
from keqi.cultivation.libraries import library_counts
from keqi.cultivation.tests.helpers import D, grant
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K
from keqi.registry.tests.workbook_helpers import E1, GOOD_XLSX
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_a_move_made_by_a_workbook_import_dates_the_area_change(
    tmp_path: Path,
    hq,  # type: ignore[no-untyped-def]
) -> None:
    load_baodi()
    with mock.patch("django.utils.timezone.now", return_value=_noon(D(2018, 1, 2))):
        assert import_workbook(GOOD_XLSX, actor=None).applied
    firm = Enterprise.objects.get(uscc=E1)
    assert firm.area.name == "大口屯镇"
    grant(firm, K.HIGH_TECH, D(2018, 3, 1))

    book = load_workbook(GOOD_XLSX)
    sheet = book["企业基本信息"]
    assert sheet["A2"].value == E1
    sheet["D2"] = "口东镇"
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    with mock.patch("django.utils.timezone.now", return_value=_noon(D(2020, 2, 1))):
        result = import_workbook(moved, actor=None)
    assert result.applied, result.errors

    dakoutun = Area.objects.get(name="大口屯镇").pk
    koudong = Area.objects.get(name="口东镇").pk
    [move] = area_moves([firm.pk])[firm.pk]
    assert (move.on, move.old_area_id, move.new_area_id) == (
        D(2020, 2, 1),
        dakoutun,
        koudong,
    )
    before = library_counts(hq, D(2019, 12, 31)).counts
    assert before.get(("high_tech", dakoutun)) == 1
    assert ("high_tech", koudong) not in before
    after = library_counts(hq, D(2020, 2, 1)).counts
    assert after.get(("high_tech", koudong)) == 1
    assert ("high_tech", dakoutun) not in after
