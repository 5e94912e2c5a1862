from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from keqi.partners.institutions import institutions_load

PLAN = Path(__file__).resolve().parents[3] / "plans" / "baodi-2019.yaml"


@pytest.fixture(autouse=True)
def plan_institutions(db: None) -> None:
    """The institutions Baodi's plan names, as `keqi plan load` brings them."""
    raw = yaml.safe_load(PLAN.read_text(encoding="utf-8"))["institutions"]
    institutions_load(None, raw, None)
