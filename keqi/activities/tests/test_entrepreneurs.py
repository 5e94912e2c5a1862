"""新型企业家培育 (三、（三）2) is an activity kind: recorded, filtered, exported."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from keqi.activities.models import ActivityKind
from keqi.activities.tests.helpers import attend, client_for, training
from keqi.core.testing import make_enterprise, persona

pytestmark = pytest.mark.django_db


def test_entrepreneur_training_is_listed_under_its_own_kind() -> None:
    course = training(
        dt.date(2019, 7, 5), tech_sme=False, kind=ActivityKind.ENTREPRENEUR,
        title="新型企业家创新能力研修班",
    )  # fmt: skip
    attend(course, make_enterprise("dakoutun"))
    training(dt.date(2019, 7, 6), title="七月申报辅导课")
    page = client_for(persona("town_a")).get(
        reverse("activities:activity_list"), {"kind": "新型企业家培育"}
    )
    text = page.content.decode()
    assert "新型企业家创新能力研修班" in text and "七月申报辅导课" not in text
    xlsx = client_for(persona("hq")).get(
        reverse("activities:activity_list"),
        {"kind": "新型企业家培育", "format": "xlsx"},
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [v for ws in book.worksheets for row in ws.values for v in row]
    assert "新型企业家创新能力研修班" in cells and "七月申报辅导课" not in cells
