"""Migration 0003 gives existing applications their comparison key, and rows that
were already duplicated by the race keep distinct keys so the index can be built."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keqi.core.testing import make_enterprise, persona
from keqi.core.tests.test_db_guards import missing_triggers
from keqi.funds.models import Award
from keqi.funds.tests.helpers import M, rule

BEFORE = [("funds", "0002_append_only_triggers")]


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("funds")


@pytest.mark.django_db(transaction=True)
def test_existing_applications_get_their_key_and_old_duplicates_stay_apart() -> None:
    persona("hq")
    r = rule(name="科技项目扶持", trigger_kind="", first_time_only=False, amount=M(1))
    firm = make_enterprise("dakoutun")
    latest = _latest()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("funds", "Award")
    common = {
        "rule_id": r.pk,
        "enterprise_id": firm.pk,
        "year": 2019,
        "source": "application",
        "evidence_date": dt.date(2019, 5, 6),
        "amount": M(1),
        "basis_document": "文件",
        "basis_article": "条款",
        "basis_text": "原文",
    }
    first = old.objects.create(evidence_number=" ＡＢＣ－１ ", **common).pk
    twin = old.objects.create(evidence_number="abc-1", **common).pk
    rejected = old.objects.create(
        evidence_number="ABC-1", status="rejected", **common
    ).pk
    MigrationExecutor(connection).migrate(latest)
    keys = dict(Award.objects.values_list("pk", "evidence_key"))
    assert keys[first] == keys[rejected] == "abc-1"
    assert keys[twin] == f"abc-1#重复{twin}"
    assert missing_triggers() == {}  # 0003 rebuilt funds_award; 0005 guards it again
