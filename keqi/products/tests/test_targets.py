"""The plan's 专精特新产品 and 创新转型企业 targets counted live from the records,
as of the chosen day, each figure traceable to its records; typed figures refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from keqi.campaign.board import board_build
from keqi.campaign.metrics import METRICS
from keqi.campaign.planfile import PlanFileError, plan_file_read
from keqi.campaign.services import progress_report_open, progress_report_save
from keqi.campaign.tests.helpers import BAODI, baodi_plan
from keqi.core.testing import make_enterprise, persona
from keqi.products.models import ProductKind
from keqi.products.models import TransformationKind as T
from keqi.products.tests.helpers import add_product, add_transformation

pytestmark = pytest.mark.django_db
D = dt.date


def _status(plan, key: str, day: dt.date):  # type: ignore[no-untyped-def]
    return next(t for t in board_build(plan, day).targets if t.target.key == key)


def test_the_zjtx_target_counts_enterprises_with_a_product_recognised_in_the_year() -> (
    None
):
    plan = baodi_plan()
    a, b = make_enterprise(), make_enterprise("koudong")
    add_product(a, D(2019, 5, 28), name="伺服控制器")
    add_product(a, D(2019, 7, 2), name="伺服电机")  # the same enterprise: once
    add_product(b, D(2019, 8, 22), name="导热膜")
    add_product(b, D(2018, 11, 1), name="旧产品")  # last year's: not this year's
    add_product(make_enterprise(), D(2019, 6, 1), kind=ProductKind.KEY_NEW)
    assert _status(plan, "zjtx-products", D(2019, 6, 30)).actual == 1
    status = _status(plan, "zjtx-products", D(2019, 9, 30))
    assert status.actual == 2
    assert "系统统计" in status.actual_source
    rows = status.metric.evidence(2019, D(2019, 9, 30))
    assert [r.number for r in rows] == ["津工信中小〔2019〕12号"] * 3
    assert [r.on for r in rows] == [D(2019, 5, 28), D(2019, 7, 2), D(2019, 8, 22)]


def test_the_transformation_target_counts_enterprises_by_completion_day() -> None:
    plan = baodi_plan()
    a, b = make_enterprise(), make_enterprise()
    add_transformation(a, D(2019, 5, 10), kind=T.CLOUD)
    add_transformation(a, D(2019, 8, 1), kind=T.TECH_UPGRADE, amount=Decimal(200))
    add_transformation(b, D(2019, 10, 9), kind=T.MFG_SERVICE)
    add_transformation(make_enterprise(), D(2018, 6, 1))
    assert _status(plan, "innovation-transformation", D(2019, 5, 9)).actual == 0
    assert _status(plan, "innovation-transformation", D(2019, 9, 30)).actual == 1
    assert _status(plan, "innovation-transformation", D(2020, 2, 1)).actual == 2
    rows = METRICS["transformed_in_year"].evidence(2019, D(2019, 9, 30))
    assert rows[1].what == "技改投入：生产设备迁移至工业云平台（200万元）"


def test_each_tally_equals_its_listed_records() -> None:
    a = make_enterprise()
    add_product(a, D(2019, 3, 1))
    add_product(a, D(2019, 4, 1), kind=ProductKind.BRAND, name="品牌甲")
    add_product(make_enterprise(), D(2019, 4, 2), kind=ProductKind.BRAND, name="品牌乙")
    add_transformation(a, D(2019, 6, 1))
    for key in (
        "zjtx_products_in_year",
        "brands_in_year",
        "key_new_products_in_year",
        "killer_products_in_year",
        "transformed_in_year",
    ):
        metric = METRICS[key]
        for day in (D(2019, 1, 1), D(2019, 4, 1), D(2019, 12, 31)):
            rows = metric.evidence(2019, day)
            listed = (
                len({r.enterprise_id for r in rows})
                if metric.per_enterprise
                else len(rows)
            )
            assert metric.tally is not None and metric.tally(2019, day) == listed, key
    assert METRICS["brands_in_year"].count(2019, D(2019, 12, 31)) == 2


def test_the_figure_links_to_the_products_list_that_shows_its_records() -> None:
    plan = baodi_plan()
    add_product(make_enterprise(), D(2019, 5, 28), name="伺服控制器")
    add_product(make_enterprise("koudong"), D(2019, 6, 28), name="导热膜")
    client = Client()
    client.force_login(persona("town_a"))
    page = client.get(
        f"/campaign/targets/zjtx-products/records/?plan={plan.name}&as_of=2019-06-10",
        follow=True,
    )
    text = page.content.decode()
    assert page.redirect_chain[-1][0].startswith("/products/products/?")
    assert "伺服控制器" in text and "导热膜" not in text  # as of 10 June; own town


def test_the_library_milestones_are_counted_from_the_libraries() -> None:
    from keqi.cultivation.tests.helpers import grant
    from keqi.registry.models import QualificationKind as K

    plan = baodi_plan()
    assert _status(plan, "tech-leading-library", D(2019, 9, 30)).actual == 0
    for n in range(2):
        grant(make_enterprise(), K.TECH_LEADING, D(2019, 6, 1 + n))
    status = _status(plan, "tech-leading-library", D(2019, 9, 30))
    assert status.actual == 1  # the library is established: 1 of 1
    assert len(status.metric.evidence(2019, D(2019, 9, 30))) == 2  # its two members
    assert _status(plan, "tech-leading-library", D(2019, 5, 31)).actual == 0


def test_a_figure_typed_for_a_counted_target_is_refused(member) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    report = progress_report_open(
        plan=plan, unit=member.unit, month=D(2019, 6, 1), actor=member
    )
    line = report.lines.get(target__key="innovation-transformation")
    with pytest.raises(ValidationError) as exc:
        progress_report_save(
            report=report,
            values={},
            lines={line.pk: {"value": Decimal(30)}},
            actor=member,
        )
    assert "“完成创新转型企业”由系统按登记的记录统计" in exc.value.messages[0]
    line.refresh_from_db()
    assert line.value == 0
    progress_report_save(  # the figure as shown is left alone
        report=report, values={}, lines={line.pk: {"value": line.value}}, actor=member
    )


def test_a_plan_file_marking_a_countable_target_reported_is_refused(
    tmp_path: Path,
) -> None:
    text = BAODI.read_text(encoding="utf-8").replace(
        "    source: auto\n    metric: transformed_in_year\n", "    source: reported\n"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanFileError) as exc:
        plan_file_read(path, known_metrics=METRICS)
    assert "“创新转型企业”由系统按记录统计，不能由单位填报" in str(exc.value)
    assert "metric: transformed_in_year" in str(exc.value)
