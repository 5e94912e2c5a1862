from __future__ import annotations

import datetime as dt

from django.test import Client, override_settings
from django.utils import timezone

from keqi.core.dates import business_today
from keqi.core.testing import PASSWORD


def test_business_today_is_the_real_date_unless_pinned() -> None:
    with override_settings(KEQI_BUSINESS_DATE=None):
        assert business_today() == timezone.localdate()
    with override_settings(KEQI_BUSINESS_DATE=dt.date(2019, 9, 30)):
        assert business_today() == dt.date(2019, 9, 30)


@override_settings(KEQI_BUSINESS_DATE=dt.date(2019, 9, 30))
def test_every_page_says_when_the_date_is_pinned(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post("/accounts/login/", {"username": "hq", "password": PASSWORD})
    page = client.get("/enterprises/").content.decode()
    assert "业务日期固定为 2019年9月30日" in page
    assert "KEQI_" not in page  # the setting's name is for IT staff, not on screen
