"""The workbook's 重点产业 column follows the district's list, as the form does.

The template's drop-down offers the importing user's district's 重点产业; on import
a value the enterprise already has is accepted even when the district's list no
longer names it (an exported file round-trips), while a changed value must be on
the list of the district the enterprise's area belongs to.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from keqi.accounts.models import District
from keqi.accounts.services import district_config_load, district_init
from keqi.core.testing import make_enterprise, persona
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import dump
from keqi.registry.workbook import export_registry, import_workbook
from keqi.registry.workbook.schema import ENTERPRISE

pytestmark = pytest.mark.django_db

BAODI = ["新能源新材料", "高端装备制造", "人工智能", "生物医药", "其他"]


def _dropdown(path: Path, sheet: str, header: str) -> list[str] | None:
    """The values of the list validation on `header`'s column, or None."""
    ws = load_workbook(path)[sheet]
    letter = next(c.column_letter for c in ws[1] if c.value == header)
    for rule in ws.data_validations.dataValidation:
        if rule.type == "list" and any(
            str(r).startswith(f"{letter}2") for r in rule.sqref.ranges
        ):
            return str(rule.formula1).strip('"').split(",")
    return None


def _downloaded(client: Client, tmp_path: Path) -> Path:
    response = client.get(reverse("registry:workbook_template"))
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    return path


@pytest.mark.parametrize("who", ["hq", "town_a", "member"])
def test_the_template_offers_the_users_districts_key_industries(
    who: str, client: Client, tmp_path: Path
) -> None:
    client.force_login(persona(who))
    path = _downloaded(client, tmp_path)
    assert _dropdown(path, ENTERPRISE.name, "重点产业") == BAODI
    note = load_workbook(path)[ENTERPRISE.name]["H1"].comment.text
    assert "可选：新能源新材料、高端装备制造" in note


def test_another_districts_staff_get_their_own_list(
    client: Client, tmp_path: Path
) -> None:
    persona("hq")
    district_init(config=district_config_load("shifan"))
    shifan = District.objects.get(code="shifan")
    from keqi.accounts.models import Role, Unit
    from keqi.accounts.services import user_create

    sf = user_create(
        username="sf_officer",
        password="Keqi-test-2019",
        unit=Unit.objects.get(code="sf-hq"),
        role=Role.HQ_ADMIN,
    )
    client.force_login(sf)
    path = _downloaded(client, tmp_path)
    assert _dropdown(path, ENTERPRISE.name, "重点产业") == list(shifan.key_industries)
    assert "新能源新材料" not in list(shifan.key_industries)


def test_the_command_line_template_lists_a_districts_or_a_users_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from keqi.cli import main

    persona("town_a")
    district_init(config=district_config_load("shifan"))
    shifan = list(District.objects.get(code="shifan").key_industries)
    out = tmp_path / "t.xlsx"
    assert main(["export", "--template", "--district", "shifan", str(out)]) == 0
    assert _dropdown(out, ENTERPRISE.name, "重点产业") == shifan
    assert main(["export", "--template", "--user", "town_a", str(out)]) == 0
    assert _dropdown(out, ENTERPRISE.name, "重点产业") == BAODI
    assert main(["export", "--template", str(out)]) == 0  # every district's
    assert _dropdown(out, ENTERPRISE.name, "重点产业") == list(
        dict.fromkeys([*BAODI, *shifan])
    )
    assert main(["export", "--template", "--district", "nowhere", str(out)]) == 2
    assert "未配置的区：nowhere" in capsys.readouterr().out


@pytest.mark.parametrize("who", ["hq", "town_a"])
def test_an_export_with_an_obsolete_value_imports_with_no_change(
    who: str, tmp_path: Path
) -> None:
    user = persona(who)
    firm = make_enterprise(key_industry="人工智能")
    # the district's list was revised since: the stored value is no longer on it
    Enterprise.objects.filter(pk=firm.pk).update(key_industry="旧口径产业")
    export_registry(tmp_path / "out.xlsx", Enterprise.objects.filter(pk=firm.pk))
    before = dump()
    result = import_workbook(tmp_path / "out.xlsx", actor=user)
    assert result.ok, [str(e) for e in result.errors]
    assert not result.changed
    assert dump() == before
    firm.refresh_from_db()
    assert firm.key_industry == "旧口径产业"


def test_setting_a_value_off_the_list_is_refused_naming_sheet_row_column(
    hq: object, tmp_path: Path
) -> None:
    firm = make_enterprise(key_industry="人工智能")
    Enterprise.objects.filter(pk=firm.pk).update(key_industry="旧口径产业")
    other = make_enterprise(key_industry="生物医药")
    export_registry(tmp_path / "out.xlsx", Enterprise.objects.order_by("pk"))
    book = load_workbook(tmp_path / "out.xlsx")
    ws = book[ENTERPRISE.name]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == other.uscc)
    row[7].value = "旧口径产业"  # set on another enterprise: a change, refused
    book.save(tmp_path / "changed.xlsx")
    before = dump()
    result = import_workbook(tmp_path / "changed.xlsx", actor=hq)
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert messages == [
        f"企业基本信息 · 第{row[0].row}行 · 重点产业（H列）：重点产业“旧口径产业”"
        "不在本区的重点产业中，可选：新能源新材料、高端装备制造、人工智能、生物医药、其他"
    ]
    assert dump() == before


def test_a_new_enterprise_needs_a_listed_value_and_a_listed_one_is_accepted(
    hq: object, tmp_path: Path
) -> None:
    firm = make_enterprise(key_industry="人工智能")
    export_registry(tmp_path / "out.xlsx", Enterprise.objects.filter(pk=firm.pk))
    Enterprise.objects.filter(pk=firm.pk).update(key_industry="旧口径产业")
    # the file now changes the obsolete value back to a listed one: accepted
    result = import_workbook(tmp_path / "out.xlsx", actor=hq)
    assert result.ok, [str(e) for e in result.errors]
    firm.refresh_from_db()
    assert firm.key_industry == "人工智能"
    # a new enterprise with an unlisted value is refused
    book = load_workbook(tmp_path / "out.xlsx")
    ws = book[ENTERPRISE.name]
    ws["A2"].value = "91120224MA05A00016"
    ws["B2"].value = "新登记科技有限公司"
    ws["H2"].value = "旧口径产业"
    book.save(tmp_path / "new.xlsx")
    result = import_workbook(tmp_path / "new.xlsx", actor=hq)
    assert [e.column for e in result.errors] == ["重点产业（H列）"]
    assert not Enterprise.objects.filter(uscc="91120224MA05A00016").exists()


def test_a_listed_value_written_loosely_is_stored_as_listed(
    hq: object, tmp_path: Path
) -> None:
    firm = make_enterprise(founded_on=dt.date(2015, 3, 1))
    export_registry(tmp_path / "out.xlsx", Enterprise.objects.filter(pk=firm.pk))
    book = load_workbook(tmp_path / "out.xlsx")
    book[ENTERPRISE.name]["H2"].value = " 人工智能 "
    book.save(tmp_path / "loose.xlsx")
    assert import_workbook(tmp_path / "loose.xlsx", actor=hq).ok
    firm.refresh_from_db()
    assert firm.key_industry == "人工智能"
