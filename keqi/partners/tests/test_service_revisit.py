"""避免重复走访: recording a visit warns when another unit visited the same
enterprise within the window (KEQI_SERVICE_REVISIT_DAYS), naming the unit and the
day; the user confirms and the visit is saved anyway."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.testing import make_enterprise, persona
from keqi.partners.models import ServiceEntry
from keqi.partners.selectors import service_visits_nearby
from keqi.partners.tests.helpers import log_visit

pytestmark = pytest.mark.django_db
NEW = reverse("partners:entry_new", args=["services"])


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def visit_form(firm, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"enterprise": firm.uscc, "kind": "走访", "on": "2019-09-20",
            "person": "张三", "asked": "人才公寓"}  # fmt: skip
    data.update(extra)
    return data


def test_a_town_is_warned_of_a_member_units_visit_and_nothing_is_saved(
    member,
) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    response = client_for("town_a").post(NEW, visit_form(firm))
    assert response.status_code == 200
    text = response.content.decode()
    assert "避免重复走访" in text and "区工信局" in text and "2019-09-01" in text
    assert "仍然保存" in text
    assert ServiceEntry.objects.count() == 1


def test_after_confirming_the_visit_is_saved(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    data = visit_form(firm, confirm_revisit="1")
    response = client_for("town_a").post(NEW, data)
    assert response.status_code == 302
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 1


def test_no_warning_outside_the_window_or_for_the_same_unit(member, settings) -> None:
    settings.KEQI_SERVICE_REVISIT_DAYS = 10
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    assert client_for("town_a").post(NEW, visit_form(firm)).status_code == 302
    # 区工信局's own second visit is its own business, not a duplicate.
    again = visit_form(firm, on="2019-09-03")
    assert client_for("member").post(NEW, again).status_code == 302


def test_the_window_is_a_parameter_counted_both_ways(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    near = service_visits_nearby
    args = {"enterprise": firm, "unit_id": town_a.unit_id, "kind": "走访"}
    assert near(on=dt.date(2019, 10, 1), days=30, **args)
    assert not near(on=dt.date(2019, 10, 2), days=30, **args)
    assert near(on=dt.date(2019, 8, 2), days=30, **args)  # a visit recorded late
    assert not near(on=dt.date(2019, 9, 10), days=5, **args)


def test_a_phone_call_neither_warns_nor_counts(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, kind="电话", on=dt.date(2019, 9, 1))
    args = {"enterprise": firm, "unit_id": town_a.unit_id, "on": dt.date(2019, 9, 2)}
    assert not service_visits_nearby(kind="走访", **args)
    log_visit(firm, member, on=dt.date(2019, 9, 2))
    assert not service_visits_nearby(kind="电话", **args)


def test_editing_a_visit_warns_too_but_not_about_itself(member, hq) -> None:
    firm = make_enterprise("dakoutun")
    own = log_visit(firm, hq, on=dt.date(2019, 8, 1))
    edit = reverse("partners:entry_edit", args=["services", own.pk])
    moved = visit_form(firm, on="2019-08-05", asked="改")
    assert client_for("hq").post(edit, moved).status_code == 302
    log_visit(firm, member, on=dt.date(2019, 8, 20))
    moved = visit_form(firm, on="2019-08-10", asked="再改")
    response = client_for("hq").post(edit, moved)
    assert response.status_code == 200 and "区工信局" in response.content.decode()
    own.refresh_from_db()
    assert own.asked == "改"


# ---------------------------------------------------------------- Excel import

IMPORT = reverse("partners:import", args=["services"])
HEAD = ["统一社会信用代码", "方式", "日期", "服务人员", "企业诉求"]


@pytest.fixture(autouse=True)
def _held_files_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"  # where a previewed file is held


def visits_file(tmp_path, *rows: list[str]):  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "走访服务台账"
    for row in (HEAD, *rows):
        sheet.append(row)
    path = tmp_path / "走访.xlsx"
    book.save(path)
    return path


def upload(client: Client, path) -> Any:  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return client.post(IMPORT, {"file": handle})


def test_the_import_previews_a_repeat_visit_per_row_and_saves_after_confirming(
    tmp_path, member, town_a
) -> None:
    near, far = make_enterprise("dakoutun"), make_enterprise("dakoutun")
    log_visit(near, member, on=dt.date(2019, 9, 1), person="李明")
    path = visits_file(
        tmp_path,
        [far.uscc, "走访", "2019-09-20", "张三", "用电增容"],
        [near.uscc, "走访", "2019-09-20", "张三", "人才公寓"],
    )
    client = client_for("town_a")
    preview = upload(client, path)
    text = preview.content.decode()
    assert preview.status_code == 200 and "尚未导入" in text
    assert "第3行" in text and "第2行" not in text  # only the row near a visit
    assert "避免重复走访：区工信局已于2019-09-01走访该企业（李明）" in text
    assert "确认导入" in text
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 0
    token = re.search(r'name="confirm" value="([0-9a-f]+)"', text)
    assert token is not None
    done = client.post(IMPORT, {"confirm": token.group(1)})
    assert done.status_code == 200 and "新增 2 条" in done.content.decode()
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 2
    # the held file is gone: confirming twice imports nothing more
    again = client.post(IMPORT, {"confirm": token.group(1)})
    assert again.status_code == 400 and "请重新上传" in again.content.decode()
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 2


def test_an_import_without_nearby_visits_goes_straight_through(
    tmp_path, member, town_a, settings
) -> None:
    settings.KEQI_SERVICE_REVISIT_DAYS = 10
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    path = visits_file(
        tmp_path,
        [firm.uscc, "走访", "2019-09-20", "张三", "用电增容"],  # 19 days later
        [firm.uscc, "电话", "2019-09-02", "张三", "电话咨询"],  # a call
    )
    response = upload(client_for("town_a"), path)
    assert response.status_code == 200 and "新增 2 条" in response.content.decode()
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 2


def test_another_session_cannot_confirm_a_held_file(tmp_path, member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    path = visits_file(tmp_path, [firm.uscc, "走访", "2019-09-10", "张三", "诉求"])
    text = upload(client_for("town_a"), path).content.decode()
    token = re.search(r'name="confirm" value="([0-9a-f]+)"', text)
    assert token is not None
    stranger = client_for("town_a")  # same account, another session
    assert stranger.post(IMPORT, {"confirm": token.group(1)}).status_code == 400
    assert not ServiceEntry.objects.filter(unit=town_a.unit).exists()


def test_a_warned_row_that_also_has_an_error_shows_the_error_only(
    tmp_path, member
) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    path = visits_file(
        tmp_path,
        [firm.uscc, "走访", "2019-09-10", "张三", "诉求"],
        [firm.uscc, "走访", "不是日期", "张三", "诉求"],
    )
    response = upload(client_for("town_a"), path)
    text = response.content.decode()
    assert response.status_code == 400 and "第3行" in text and "确认导入" not in text
    assert ServiceEntry.objects.count() == 1
