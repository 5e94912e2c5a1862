"""Workbook pages: upload → preview → confirm, errors, template and scoped export."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, next_uscc, persona
from keqi.registry.models import AnnualFigures, Enterprise, WorkbookJob
from keqi.registry.tests.workbook_helpers import E1, ERRORS_XLSX, GOOD_XLSX, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    # the worker's tasks run as they are queued (keqi worker does this in production)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    return Path(settings.MEDIA_ROOT)


def client_for(who: str) -> Client:
    client = Client()
    client.force_login(persona(who))
    return client


def upload(client: Client, path: Path, name: str = "") -> Any:
    """Upload and follow to the job's page (checked by the worker meanwhile)."""
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("registry:import"), {"file": data}, follow=True)


def job_of(response: Any) -> WorkbookJob:
    job = response.context["job"]
    assert isinstance(job, WorkbookJob)
    return job


def confirm(client: Client, job: WorkbookJob) -> Any:
    url = reverse("registry:workbook_job_confirm", args=[job.pk])
    return client.post(url, follow=True)


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(
    media: Path,
) -> None:
    client = client_for("hq")
    before = dump()
    response = upload(client, GOOD_XLSX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "检查通过，确认后将" in page and "确认导入" in page
    assert "天津宏远电子科技有限公司 2016年度" in page
    assert dump() == before
    assert len(list((media / "imports").rglob("workbook_good.xlsx"))) == 1
    job = job_of(response)
    done = confirm(client, job)
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Enterprise.objects.count() == 3
    summary = AuditEvent.objects.filter(
        action=AuditAction.WORKBOOK_IMPORT, target_type="registry.workbook"
    )
    assert summary.count() == 1
    assert not list((media / "imports").rglob("*.xlsx"))
    url = reverse("registry:workbook_job_confirm", args=[job.pk])
    assert client.post(url).status_code == 404  # a job is applied once


def test_while_the_worker_has_not_run_the_page_says_queued_and_refreshes(
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    response = upload(client_for("hq"), GOOD_XLSX)
    page = response.content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page
    assert not Enterprise.objects.exists()


def test_the_result_lists_the_imported_enterprises_changes_and_verdicts() -> None:
    client = client_for("hq")
    page = confirm(client, job_of(upload(client, GOOD_XLSX))).content.decode()
    assert "企业：新增 <strong>3</strong> 家" in page
    e1 = Enterprise.objects.get(uscc=E1)
    assert reverse("registry:enterprise_detail", args=[e1.pk]) in page
    assert "年度数据 2016年度（新增） 主营业务收入（万元）" in page
    assert "科技型中小企业：" in page
    assert any(v in page for v in ("：<strong>符合</strong>", "：不符合", "：待定"))
    assert ">False<" not in page and ">True<" not in page


def test_the_result_shows_old_and_new_values_and_filters_by_outcome(
    tmp_path: Path,
) -> None:
    client = client_for("hq")
    confirm(client, job_of(upload(client, GOOD_XLSX)))
    book = load_workbook(GOOD_XLSX)
    book["年度数据"]["H3"] = 5150
    book.save(tmp_path / "changed.xlsx")
    job = job_of(upload(client, tmp_path / "changed.xlsx"))
    result = confirm(client, job).content.decode()
    assert "5100</span> → <strong>5150" in result
    assert "有修改 <strong>1</strong> 家" in result, re.findall(
        "企业：.{0,120}", result
    )
    url = reverse("registry:workbook_job", args=[job.pk])
    assert "天津宏远" not in client.get(url, {"outcome": "created"}).content.decode()
    download = client.get(url, {"outcome": "updated", "format": "xlsx"})
    book = load_workbook(io.BytesIO(download.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "导入结果", "修改内容（原值 → 新值）")
    assert rows[1][1] == "有修改" and "5100 → 5150" in rows[1][2]


def test_the_result_is_paged_fifty_to_a_page_keeping_the_filter(
    tmp_path: Path,
) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "企业基本信息"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区"])
    for n in range(55):
        ws.append([next_uscc(), f"分页企业{n:02d}", "2015-06-01", "大口屯镇"])
    book.save(tmp_path / "many.xlsx")
    client = client_for("hq")
    job = job_of(upload(client, tmp_path / "many.xlsx"))
    first = confirm(client, job)
    assert len(first.context["rows"]) == 50
    url = reverse("registry:workbook_job", args=[job.pk])
    second = client.get(url, {"outcome": "created", "page": 2})
    assert len(second.context["rows"]) == 5
    assert "outcome=created" in second.content.decode()


def test_the_preview_shows_old_and_new_values_of_an_update(tmp_path: Path) -> None:
    client = client_for("hq")
    confirm(client, job_of(upload(client, GOOD_XLSX)))
    book = load_workbook(GOOD_XLSX)
    book["年度数据"]["H3"] = 5150
    book.save(tmp_path / "changed.xlsx")
    page = upload(client, tmp_path / "changed.xlsx").content.decode()
    assert "主营业务收入（万元）：" in page and "5100</span> → <strong>5150" in page


def test_the_preview_shows_yes_no_and_chinese_names_not_python_values() -> None:
    page = upload(client_for("hq"), GOOD_XLSX).content.decode()
    assert "产品属于限制或淘汰类：<strong>否</strong>" in page
    assert "是否规上企业：<strong>是</strong>" in page
    assert ">False<" not in page and ">True<" not in page
    assert ">None<" not in page
    assert ">tech_sme<" not in page and ">high_tech<" not in page


def test_confirm_applies_nothing_when_the_registry_changed_since_the_preview() -> None:
    client = client_for("hq")
    job = job_of(upload(client, GOOD_XLSX))
    make_enterprise(uscc=E1, name="预览之后有人新建")
    response = confirm(client, job)
    assert response.status_code == 400
    assert "重新上传" in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_a_workbook_with_errors_lists_every_one_and_keeps_no_file(media: Path) -> None:
    client = client_for("hq")
    response = upload(client, ERRORS_XLSX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "发现 14 处错误，未导入任何数据" in page
    assert "销售收入（元）（F列）" in page and "缺少必填列" in page
    assert not list((media / "imports").rglob("*.xlsx"))


def test_a_file_of_another_type_is_refused() -> None:
    response = upload(client_for("hq"), GOOD_XLSX, name="notes.txt")
    assert response.status_code == 400
    assert "只能导入" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "leader"])
def test_read_only_roles_get_403_on_the_upload_page(who: str) -> None:
    client = client_for(who)
    assert client.get(reverse("registry:import")).status_code == 403
    assert upload(client, GOOD_XLSX).status_code == 403


def test_another_users_import_job_is_404() -> None:
    job = job_of(upload(client_for("hq"), GOOD_XLSX))
    other = client_for("town_a")
    for name in ("workbook_job", "workbook_job_download"):
        assert other.get(reverse(f"registry:{name}", args=[job.pk])).status_code == 404
    url = reverse("registry:workbook_job_confirm", args=[job.pk])
    assert other.post(url).status_code == 404
    assert not Enterprise.objects.exists()


def test_a_town_user_uploading_other_towns_rows_gets_errors_per_row() -> None:
    response = upload(client_for("town_a"), GOOD_XLSX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "只能导入本街镇/园区的企业" in page and "第4行" in page
    assert not Enterprise.objects.exists()


def test_a_town_user_imports_within_its_scope_and_sees_its_result(
    tmp_path: Path,
) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "企业基本信息"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区"])
    ws.append([next_uscc(), "本镇企业", "2015-06-01", "大口屯镇"])
    book.save(tmp_path / "mine.xlsx")
    client = client_for("town_a")
    page = confirm(client, job_of(upload(client, tmp_path / "mine.xlsx")))
    assert page.status_code == 200 and "本镇企业" in page.content.decode()
    assert Enterprise.objects.get().area.name == "大口屯镇"


def test_the_template_downloads_with_every_sheet() -> None:
    response = client_for("leader").get(reverse("registry:workbook_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "企业基本信息" in book.sheetnames and "信用记录" in book.sheetnames


def export_sheet(response: Any) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book["企业基本信息"].iter_rows(min_row=2, values_only=True))


def test_a_town_users_export_holds_only_their_town() -> None:
    mine = make_enterprise(area="dakoutun")
    theirs = make_enterprise(area="koudong")
    AnnualFigures.objects.create(enterprise=theirs, year=2018)
    response = client_for("town_a").get(reverse("registry:export"))
    assert response.status_code == 200
    codes = [row[0] for row in export_sheet(response)]
    assert codes == [mine.uscc]
    book = load_workbook(
        io.BytesIO(
            b"".join(
                client_for("town_a").get(reverse("registry:export")).streaming_content
            )
        )
    )
    assert theirs.uscc not in {
        r[0] for r in book["年度数据"].iter_rows(values_only=True)
    }


@pytest.mark.parametrize("area", ["koudong", "口东镇", "no-such-area"])
def test_a_town_user_asking_for_another_area_gets_404(area: str) -> None:
    make_enterprise(area="koudong")
    response = client_for("town_a").get(reverse("registry:export"), {"area": area})
    assert response.status_code == 404


def test_hq_exports_one_area_or_the_list_filters() -> None:
    a = make_enterprise(area="dakoutun", tech_field="新材料")
    b = make_enterprise(area="koudong")
    client = client_for("hq")
    by_area = export_sheet(client.get(reverse("registry:export"), {"area": "口东镇"}))
    assert [r[0] for r in by_area] == [b.uscc]
    filtered = export_sheet(
        client.get(reverse("registry:export"), {"tech_field": "新材料"})
    )
    assert [r[0] for r in filtered] == [a.uscc]
    everything = export_sheet(client.get(reverse("registry:export")))
    assert sorted(r[0] for r in everything) == sorted([a.uscc, b.uscc])


def test_a_large_export_runs_in_the_background_and_is_downloaded(
    settings: Any,
) -> None:
    settings.KEQI_EXPORT_INLINE_MAX = 1
    a, b = make_enterprise(area="dakoutun"), make_enterprise(area="koudong")
    client = client_for("hq")
    response = client.get(reverse("registry:export"), follow=True)
    job = job_of(response)
    assert "导出完成" in response.content.decode()
    download = client.get(reverse("registry:workbook_job_download", args=[job.pk]))
    assert sorted(r[0] for r in export_sheet(download)) == sorted([a.uscc, b.uscc])
    other = client_for("town_a")
    url = reverse("registry:workbook_job_download", args=[job.pk])
    assert other.get(url).status_code == 404


def test_a_town_users_background_export_holds_only_their_town(
    settings: Any,
) -> None:
    settings.KEQI_EXPORT_INLINE_MAX = 0
    mine, _ = make_enterprise(area="dakoutun"), make_enterprise(area="koudong")
    client = client_for("town_a")
    job = job_of(client.get(reverse("registry:export"), follow=True))
    download = client.get(reverse("registry:workbook_job_download", args=[job.pk]))
    assert [r[0] for r in export_sheet(download)] == [mine.uscc]


def test_the_enterprise_history_shows_who_changed_what_by_which_import(
    tmp_path: Path,
) -> None:
    client = client_for("hq")
    confirm(client, job_of(upload(client, GOOD_XLSX)))
    book = load_workbook(GOOD_XLSX)
    book["年度数据"]["H3"] = 5150
    book.save(tmp_path / "changed.xlsx")
    confirm(client, job_of(upload(client, tmp_path / "changed.xlsx")))
    e1 = Enterprise.objects.get(uscc=E1)
    page = client.get(reverse("registry:enterprise_detail", args=[e1.pk]))
    text = page.content.decode()
    assert "导入工作簿“changed.xlsx”" in text
    assert "年度数据 2016年度 主营业务收入（万元）" in text and "5150" in text
    assert str(persona("hq")) in text


def test_the_result_page_reads_the_same_number_of_queries_for_1_or_50_rows(
    tmp_path: Path,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("hq")
    counts = []
    for size in (1, 50):
        book = Workbook()
        ws = book.active
        ws.title = "企业基本信息"
        ws.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区"])
        for n in range(size):
            ws.append([next_uscc(), f"计数企业{size}-{n}", "2015-06-01", "大口屯镇"])
        book.save(tmp_path / f"n{size}.xlsx")
        job = job_of(upload(client, tmp_path / f"n{size}.xlsx"))
        confirm(client, job)
        url = reverse("registry:workbook_job", args=[job.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_job_the_worker_stopped_on_says_so_and_stops_refreshing() -> None:
    """If the worker dies mid-job, the page must not say 'in progress' forever."""
    import datetime as dt

    from django.utils import timezone

    user = persona("hq")
    job = WorkbookJob.objects.create(
        kind="import", status="applying", user=user, source_name="大表.xlsx"
    )
    client = client_for("hq")
    url = reverse("registry:workbook_job", args=[job.pk])
    fresh = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in fresh and "可能已中断" not in fresh
    # no progress for 31 minutes (updated_at is auto_now: set it past save())
    WorkbookJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=31)
    )
    stalled = client.get(url).content.decode()
    assert "已超过 30 分钟没有进展，后台任务可能已中断" in stalled
    assert 'http-equiv="refresh"' not in stalled
    assert reverse("registry:import") in stalled
    listed = client.get(reverse("registry:import")).content.decode()
    assert "导入中（可能已中断）" in listed
    # a finished job is never called stalled, however old
    WorkbookJob.objects.filter(pk=job.pk).update(status="done")
    assert "可能已中断" not in client.get(url).content.decode()
