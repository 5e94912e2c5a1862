"""The campaign demo replays only what had happened by the day it is given."""

from __future__ import annotations

import datetime as dt

from keqi.campaign.demo import demo_load
from keqi.campaign.models import Meeting, ProgressReport
from keqi.core.testing import load_baodi


def test_earlier_as_of_replays_only_what_had_happened(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    load_baodi()
    demo_load(dt.date(2019, 6, 30))
    assert set(ProgressReport.objects.values_list("month", flat=True)) == {
        dt.date(2019, 5, 1)
    }
    assert Meeting.objects.count() == 1
