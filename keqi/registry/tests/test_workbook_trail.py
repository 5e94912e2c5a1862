"""What a workbook import leaves behind: each enterprise's history, and a preview
fingerprint that changes exactly when what would be applied changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi
from keqi.registry.models import AnnualFigures, Enterprise
from keqi.registry.selectors import enterprise_history
from keqi.registry.tests.workbook_helpers import E1, E2, E3, GOOD_XLSX
from keqi.registry.views import history_entry
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def _changed(tmp_path: Path, cell: str, value: object, name: str) -> Path:
    book = load_workbook(GOOD_XLSX)
    book["年度数据"][cell] = value
    book.save(tmp_path / name)
    return tmp_path / name


def test_every_enterprise_a_first_import_creates_has_its_values_in_its_history() -> (
    None
):
    result = import_workbook(GOOD_XLSX, actor=None)
    assert result.applied, result.errors
    for code in (E1, E2, E3):
        enterprise = Enterprise.objects.get(uscc=code)
        [event] = enterprise_history(enterprise)
        assert event.action == AuditAction.ENTERPRISE_CREATE
        assert event.target_repr == enterprise.name
        entry = history_entry(event)
        shown = {label: (old, new) for label, old, new in entry.changes}
        assert shown["企业名称"] == ("—", enterprise.name)
        assert shown["所属街镇/园区"][1] == enterprise.area.name
    e1 = enterprise_history(Enterprise.objects.get(uscc=E1)).get()
    f2016 = AnnualFigures.objects.get(enterprise__uscc=E1, year=2016)
    assert e1.changes["年度数据 2016年度（新增） 职工总数（人）"] == [
        None,
        f2016.staff_total,
    ]
    assert e1.changes["年度数据 2016年度（新增） 销售收入（万元）"] == [None, "5200.5"]


def test_the_trail_is_stored_as_readable_text() -> None:
    import_workbook(GOOD_XLSX, actor=None)
    event = AuditEvent.objects.filter(action=AuditAction.ENTERPRISE_CREATE).first()
    assert event is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(changes AS TEXT) FROM core_auditevent WHERE id = %s",
            [event.pk],
        )
        [text] = cursor.fetchone()
    assert "年度数据" in text and "\\u" not in text


def test_the_same_file_against_the_same_registry_has_the_same_fingerprint() -> None:
    first = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    again = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    assert first.fingerprint() == again.fingerprint()


def test_a_changed_value_in_the_file_changes_the_fingerprint(tmp_path: Path) -> None:
    before = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    changed = _changed(tmp_path, "C3", 121, "staff.xlsx")  # E1 2016 职工总数
    after = import_workbook(changed, actor=None, dry_run=True)
    assert after.ok and after.summary() == before.summary()
    assert after.fingerprint() != before.fingerprint()
    refused = import_workbook(
        changed, actor=None, expected_fingerprint=before.fingerprint()
    )
    assert not refused.applied and "重新上传" in str(refused.errors[0])


def test_a_changed_old_value_in_the_registry_changes_the_fingerprint(
    tmp_path: Path,
) -> None:
    import_workbook(GOOD_XLSX, actor=None)
    changed = _changed(tmp_path, "C3", 121, "staff.xlsx")
    before = import_workbook(changed, actor=None, dry_run=True)
    # the row still updates the same field, but from another old value
    AnnualFigures.objects.filter(enterprise__uscc=E1, year=2016).update(staff_total=7)
    after = import_workbook(changed, actor=None, dry_run=True)
    assert after.summary() == before.summary()
    assert after.fingerprint() != before.fingerprint()
    fresh = import_workbook(
        changed, actor=None, expected_fingerprint=after.fingerprint()
    )
    assert fresh.applied, fresh.errors
