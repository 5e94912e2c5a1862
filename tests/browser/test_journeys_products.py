"""Journey through products in a real browser: 区工信局 records a “专精特新”
product for an enterprise and sees the campaign target's live count rise."""

from __future__ import annotations

import datetime as dt

import pytest
from journeys import log_in, person

from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.testing import make_enterprise
from keqi.products.models import Product

pytestmark = pytest.mark.browser

DEMO_DAY = dt.date(2019, 9, 30)
BOARD = "/campaign/?as_of=2019-09-30"


@pytest.fixture
def plan(db, settings):  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = DEMO_DAY
    return baodi_plan()


def _figure(page):  # type: ignore[no-untyped-def]
    """The board's 累计完成 of the target: a link to the records behind it."""
    return page.locator('a[href^="/campaign/targets/zjtx-products/records/"]')


def test_member_adds_a_product_and_the_target_count_rises(page, plan):  # type: ignore[no-untyped-def]
    enterprise = make_enterprise(area="koudong", name="天津口东精密传动有限公司")
    log_in(page, person("member"))  # 区工信局, the target's lead unit
    page.goto(BOARD)
    assert _figure(page).inner_text() == "0"

    page.get_by_role("link", name="产品与转型", exact=True).first.click()
    page.get_by_role("link", name="登记产品", exact=True).click()
    page.get_by_label("企业").fill(enterprise.uscc)
    page.get_by_label("类型").select_option("专精特新产品")
    page.get_by_label("产品（品牌）名称").fill("精密行星减速器")
    page.get_by_label("认定部门").fill("天津市工业和信息化局")
    page.get_by_label("级别").select_option("省级（市级）")
    page.get_by_label("认定日期").fill("2019-08-22")
    page.get_by_label("证明材料").fill("津工信中小〔2019〕23号")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存产品与品牌").wait_for()
    page.get_by_role("cell", name="精密行星减速器").wait_for()
    assert Product.objects.get().enterprise == enterprise

    page.goto(BOARD)
    assert _figure(page).inner_text() == "1"
    _figure(page).click()
    page.get_by_role("cell", name="精密行星减速器").wait_for()  # the record behind it
    assert "津工信中小〔2019〕23号" in page.content()


def test_a_town_does_not_see_another_towns_products(page, plan):  # type: ignore[no-untyped-def]
    from keqi.products.tests.helpers import add_product

    theirs = add_product(make_enterprise(area="koudong"), name="口东镇的产品")
    log_in(page, person("town_a"))
    page.goto("/products/products/")
    page.get_by_text("没有符合条件的记录").wait_for()
    assert "口东镇的产品" not in page.content()
    page.goto(f"/products/products/{theirs.pk}/edit/")
    assert "口东镇的产品" not in page.content()
