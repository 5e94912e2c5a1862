"""Writing many registry rows in plain SQL (the workbook import's path)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from keqi.core.models import AuditEvent
from keqi.registry import bulk

pytestmark = pytest.mark.django_db


def test_rows_from_a_generator_are_written_in_batches_with_defaults_and_stamps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 3)
    read: list[int] = []

    def events() -> Iterator[dict[str, Any]]:
        for n in range(7):
            read.append(n)
            yield {
                "action": "x",
                "target_type": "t",
                "target_id": str(n),
                "changes": {"金额": ["1.5", "2"]} if n else {},
            }

    assert bulk.insert_dicts(AuditEvent, events()) == 7
    assert read == list(range(7))
    rows = list(AuditEvent.objects.filter(action="x").order_by("pk"))
    assert [r.target_id for r in rows] == [str(n) for n in range(7)]
    assert rows[0].changes == {} and rows[1].changes == {"金额": ["1.5", "2"]}
    assert rows[0].reason == "" and rows[0].actor_id is None
    assert len({r.at for r in rows}) == 1 and rows[0].at is not None
    assert bulk.insert_dicts(AuditEvent, iter([])) == 0


def test_a_field_some_rows_of_a_batch_leave_out_gets_its_default_in_those_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 4)
    rows: list[dict[str, Any]] = [
        {"action": "y", "target_type": "t", "target_id": str(n)} for n in range(6)
    ]
    rows[1]["reason"] = "第二行的原因"
    rows[2]["changes"] = {"名称": ["旧", "新"]}
    rows[5]["subject"] = "enterprise:5"
    assert bulk.insert_dicts(AuditEvent, rows) == 6
    found = list(AuditEvent.objects.filter(action="y").order_by("pk"))
    assert [r.reason for r in found] == ["", "第二行的原因", "", "", "", ""]
    assert [r.changes for r in found] == [{}, {}, {"名称": ["旧", "新"]}, {}, {}, {}]
    assert [r.subject for r in found] == ["", "", "", "", "", "enterprise:5"]


def test_small_json_values_are_stored_each_as_given() -> None:
    values: list[dict[str, Any]] = [
        {"单位": "元"},
        {"单位": "元"},
        {"单位": 1},
        {"单位": True},
        {"单位": "千元", "其他": "元"},
        {"单位": "元"},
    ]
    rows = [
        {"action": "z", "target_type": "t", "target_id": str(n), "changes": v}
        for n, v in enumerate(values)
    ]
    bulk.insert_dicts(AuditEvent, rows)
    found = AuditEvent.objects.filter(action="z").order_by("pk")
    assert [e.changes for e in found] == values
    assert [type(e.changes["单位"]) for e in found][2:4] == [int, bool]
