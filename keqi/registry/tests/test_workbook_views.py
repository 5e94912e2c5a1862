"""Workbook pages: upload → preview → confirm, errors, template and scoped export."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.registry.models import AnnualFigures, Enterprise
from keqi.registry.tests.workbook_helpers import E1, ERRORS_XLSX, GOOD_XLSX, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def client_for(who: str) -> Client:
    client = Client()
    client.force_login(persona(who))
    return client


def upload(client: Client, path: Path, name: str = "") -> Any:
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("registry:import"), {"file": data})


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(
    media: Path,
) -> None:
    client = client_for("hq")
    before = dump()
    response = upload(client, GOOD_XLSX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "核对导入内容" in page and "确认导入" in page
    assert "天津宏远电子科技有限公司 2016年度" in page
    assert dump() == before
    assert len(list((media / "imports").rglob("workbook_good.xlsx"))) == 1
    confirm = reverse(
        "registry:workbook_import_confirm", args=[response.context["token"]]
    )
    done = client.post(confirm)
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Enterprise.objects.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.WORKBOOK_IMPORT).count() == 1
    assert not list((media / "imports").rglob("*.xlsx"))
    assert client.post(confirm).status_code == 404  # a token works once


def test_the_preview_shows_old_and_new_values_of_an_update(tmp_path: Path) -> None:
    client = client_for("hq")
    token = upload(client, GOOD_XLSX).context["token"]
    client.post(reverse("registry:workbook_import_confirm", args=[token]))
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
    assert ">tech_sme<" not in page and ">high_tech<" not in page


def test_confirm_applies_nothing_when_the_registry_changed_since_the_preview() -> None:
    client = client_for("hq")
    token = upload(client, GOOD_XLSX).context["token"]
    make_enterprise(uscc=E1, name="预览之后有人新建")
    response = client.post(reverse("registry:workbook_import_confirm", args=[token]))
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


def test_a_token_of_another_user_is_404() -> None:
    token = upload(client_for("hq"), GOOD_XLSX).context["token"]
    other = client_for("town_a")
    url = reverse("registry:workbook_import_confirm", args=[token])
    assert other.post(url).status_code == 404
    assert not Enterprise.objects.exists()


def test_a_town_user_uploading_other_towns_rows_gets_errors_per_row() -> None:
    response = upload(client_for("town_a"), GOOD_XLSX)
    assert response.status_code == 400
    assert "只能导入本街镇/园区的企业" in response.content.decode()
    assert not Enterprise.objects.exists()


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
