"""The institutions a plan names come with the district's plan, not a migration."""

from __future__ import annotations

from pathlib import Path

import pytest

from keqi.campaign.planfile import PlanFileError, plan_data_check, plan_file_read
from keqi.campaign.services import plan_load
from keqi.core.testing import persona
from keqi.partners.models import Institution

pytestmark = pytest.mark.django_db
PLAN = Path(__file__).resolve().parents[3] / "plans" / "baodi-2019.yaml"


@pytest.fixture(autouse=True)
def plan_institutions() -> None:
    """Overrides the package fixture: these tests start with no institutions."""
    Institution.objects.all().delete()


def test_a_fresh_install_has_no_institutions_until_its_plan_is_loaded() -> None:
    assert not Institution.objects.exists()
    spec = plan_file_read(PLAN)
    plan_load(spec=spec, actor=persona("hq"))
    named = set(
        Institution.objects.filter(named_in_plan=True).values_list("name", flat=True)
    )
    assert {"中国科学院", "清华大学", "北京大学", "清华信研学院"} <= named
    assert len(named) == 6


def test_loading_again_keeps_what_the_bureau_wrote_and_adds_nothing_twice() -> None:
    spec = plan_file_read(PLAN)
    plan_load(spec=spec, actor=persona("hq"))
    Institution.objects.filter(name="清华大学").update(note="已签合作协议")
    plan_load(spec=spec, actor=persona("hq"))
    assert Institution.objects.filter(name="清华大学").get().note == "已签合作协议"
    assert Institution.objects.count() == 6


def test_a_bad_institution_entry_is_named_and_nothing_is_loaded() -> None:
    import yaml

    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    data["institutions"][2]["kind"] = "大学"
    data = {
        k: (str(v) if k in ("document_date", "start_month") else v)
        for k, v in data.items()
    }
    with pytest.raises(PlanFileError) as caught:
        plan_data_check(data)
    assert any(e.startswith("institutions[2].kind:") for e in caught.value.errors)
