"""Shared bits for the workbook tests: fixture paths and a full database dump."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from keqi.core.models import AuditEvent
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)

FIXTURES = Path(settings.BASE_DIR) / "tests" / "fixtures"
GOOD_XLSX = FIXTURES / "workbook_good.xlsx"
GOOD_XLS = FIXTURES / "workbook_good.xls"
ERRORS_XLSX = FIXTURES / "workbook_errors.xlsx"
CSV_UTF8 = FIXTURES / "workbook_csv_utf8"
CSV_GB18030 = FIXTURES / "workbook_csv_gb18030"
E1, E2, E3 = "91120224MA05A00016", "91120224MA05A00029", "91120224MA05A0003C"
MODELS = (
    Enterprise,
    AnnualFigures,
    IntellectualProperty,
    Qualification,
    CreditRecord,
    AuditEvent,
)


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every registry row and audit event, for before/after comparisons."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def content() -> dict[str, list[tuple[Any, ...]]]:
    """The registry's content without ids and timestamps (to compare two imports)."""
    skip = {"id", "enterprise_id", "created_at", "updated_at", "area_id"}
    found = {}
    for model in MODELS[:-1]:
        names = [f.name for f in model._meta.concrete_fields if f.attname not in skip]
        key = ["uscc"] if model is Enterprise else ["enterprise__uscc"]
        rows = model.objects.values_list(*key, *names).order_by(*key, *names)
        found[model.__name__] = list(rows)
    found["areas"] = sorted(Enterprise.objects.values_list("uscc", "area__name"))
    return found
