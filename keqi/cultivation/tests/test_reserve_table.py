"""The reserve lists' whole-registry table is the background worker's job: a page
shows the last stored table (or says it is being computed) and never computes it."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from keqi.core.testing import make_enterprise
from keqi.cultivation.columns import reserve_table_compute
from keqi.cultivation.models import ReserveTable, TableState
from keqi.cultivation.reserve import reserve_list
from keqi.cultivation.tests.test_library_views import client_for
from keqi.cultivation.tests.test_reserve import ON, firm, firms, names  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/cultivation/reserve/tech_sme/?on=2019-09-30"


@pytest.fixture
def queued_worker(settings):  # type: ignore[no-untyped-def]
    """The production set-up: tasks wait in the database for `keqi worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def run_worker() -> None:
    """What the worker does with every table asked for."""
    for table in ReserveTable.objects.filter(state=TableState.WAITING):
        reserve_table_compute(table.pk)


def test_first_visit_asks_the_worker_once_and_says_so(firms, hq, queued_worker) -> None:  # noqa: F811
    client = client_for(hq)
    page = client.get(URL).content.decode()
    assert "正在更新" in page and "尚无结果" in page
    assert "达标企业" not in page
    client.get(URL)  # a second visit waits for the same table
    assert ReserveTable.objects.filter(state=TableState.WAITING).count() == 1
    assert DBTaskResult.objects.count() == 1
    run_worker()
    page = client.get(URL).content.decode()
    assert "达标企业" in page and "正在更新" not in page and "测算时间" in page


def test_after_a_change_the_last_table_is_shown_while_a_new_one_is_computed(
    firms,  # noqa: F811
    hq,
    queued_worker,
) -> None:
    reserve_list(hq, "tech_sme", ON)
    run_worker()
    assert names(reserve_list(hq, "tech_sme", ON).eligible) == ["达标企业"]
    firm("dakoutun", "新增达标企业", tech=30, rd=60)
    found = reserve_list(hq, "tech_sme", ON)
    assert found.table is not None and found.table.updating
    assert names(found.eligible) == ["达标企业"] and found.unranked == 1
    page = client_for(hq).get(URL).content.decode()
    assert "正在更新" in page and "另有 1 家企业在该测算后新增" in page
    run_worker()
    found = reserve_list(hq, "tech_sme", ON)
    assert names(found.eligible) == ["新增达标企业", "达标企业"]
    assert not found.table.updating  # type: ignore[union-attr]
    # one table per list is kept: the older one went when the new one was stored
    assert ReserveTable.objects.filter(state=TableState.DONE).count() == 1


def test_the_town_user_reads_the_same_table_within_its_scope(
    firms,  # noqa: F811
    hq,
    town_a,
    queued_worker,
) -> None:
    reserve_list(hq, "tech_sme", ON)
    run_worker()
    page = client_for(town_a).get(URL).content.decode()
    assert "接近企业" in page and "口东接近企业" not in page
    assert ReserveTable.objects.count() == 1


def test_a_table_survives_an_enterprise_deleted_since(firms, hq, queued_worker) -> None:  # noqa: F811
    gone = make_enterprise("dakoutun", name="将删除企业")
    reserve_list(hq, "tech_sme", ON)
    run_worker()
    gone.delete()
    found = reserve_list(hq, "tech_sme", ON)
    assert "将删除企业" not in names(found.reserve)


def test_pruning_keeps_the_newest_table_per_list_and_day_and_those_in_flight() -> None:
    import datetime as dt

    from django.utils import timezone

    from keqi.cultivation.columns import reserve_tables_prune

    now = timezone.now()

    def table(programme: str, day: dt.date, state: str, hours_ago: float) -> int:
        at = now - dt.timedelta(hours=hours_ago)
        made = ReserveTable.objects.create(
            programme=programme,
            kind="x",
            day=day,
            rules="r",
            fingerprint="f",
            state=state,
            finished_at=at if state in ("done", "failed") else None,
        )
        ReserveTable.objects.filter(pk=made.pk).update(requested_at=at)
        return made.pk

    d1, d2 = dt.date(2019, 9, 30), dt.date(2019, 10, 1)
    old = table("tech_sme", d1, "done", 30)
    failed_before = table("tech_sme", d1, "failed", 20)
    newest = table("tech_sme", d1, "done", 10)
    failed_after = table("tech_sme", d1, "failed", 1)  # kept: why the update fails
    waiting = table("tech_sme", d1, "waiting", 0.5)
    running = table("tech_sme", d1, "running", 1)
    lost = table("tech_sme", d1, "waiting", 3)
    other_day = table("tech_sme", d2, "done", 40)
    other_list = table("high_tech", d1, "done", 40)
    assert reserve_tables_prune(now) == 3
    left = set(ReserveTable.objects.values_list("pk", flat=True))
    assert left == {newest, failed_after, waiting, running, other_day, other_list}
    assert not {old, failed_before, lost} & left


def test_the_worker_prunes_after_storing_a_new_table(firms, hq, queued_worker) -> None:  # noqa: F811
    reserve_list(hq, "tech_sme", ON)
    run_worker()
    stale = ReserveTable.objects.create(
        programme="tech_sme",
        kind="x",
        day=ON,
        rules="r",
        fingerprint="f",
        state=TableState.FAILED,
    )
    make_enterprise("dakoutun", name="新企业")
    reserve_list(hq, "tech_sme", ON)
    run_worker()
    assert not ReserveTable.objects.filter(pk=stale.pk).exists()
    assert ReserveTable.objects.filter(programme="tech_sme").count() == 1
