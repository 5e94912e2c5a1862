"""The second, invented district of the demo (示范区（虚构）) and the city unit.

`keqi demo` shows one install serving a city bureau and several districts: beside
Baodi it loads 示范区 — its own district file (areas, units, finance bureau,
重点产业), about fifty invented enterprises built by the same generator with its
own seed, areas and credit-code prefix, and its own small plan file
(plans/shifan-2019.yaml) — and the city unit the city account belongs to.
Everything is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from keqi.accounts.services import district_config_load, district_init
from keqi.core.demo.generator import CONFIG, DemoEnterprise, build_dataset
from keqi.core.demo.load import LoadSummary, demo_load

DISTRICT_FILE = "shifan"
CITY_FILE = "city-demo"
PLAN_FILE = Path(__file__).resolve().parents[3] / "plans" / "shifan-2019.yaml"
ENTERPRISES = 50
AREA_WEIGHTS = {
    "sf-gxq": 18, "sf-dongcheng": 9, "sf-xicheng": 8, "sf-hexi": 8, "sf-shanqian": 7,
}  # fmt: skip
# 示范区's 重点产业 (its district file) for the generator's lines of business.
KEY_INDUSTRY_BY_SECTOR = {
    "equipment": "智能制造",
    "materials": "智能制造",
    "ai": "新一代信息技术",
    "electronics": "新一代信息技术",
    "agri": "现代农业科技",
}
NAME = "示范区（虚构）"


def second_district_init() -> None:
    """The invented district's areas and units, and the city unit (before the
    demo accounts, which belong to them)."""
    district_init(config=district_config_load(DISTRICT_FILE))
    district_init(config=district_config_load(CITY_FILE))


def second_district_dataset() -> list[DemoEnterprise]:
    """About fifty invented enterprises of 示范区, deterministic like Baodi's."""
    config = replace(
        CONFIG,
        seed=2020,
        area_weights=AREA_WEIGHTS,
        uscc_prefixes=("91990101",),
    ).scaled(ENTERPRISES)
    dataset = build_dataset(config)
    for ent in dataset:
        ent.values["name"] = _renamed(ent.values["name"])
        ent.values["registered_region"] = NAME
        ent.values["key_industry"] = KEY_INDUSTRY_BY_SECTOR.get(ent.sector, "其他")
        for _, values in ent.qualifications:
            if isinstance(values.get("note"), str):
                values["note"] = values["note"].replace("宝坻区", "示范区")
                values["note"] = values["note"].replace("天津宝坻", "示范区")
    return dataset


def _renamed(name: str) -> str:
    """天津…/天津宝坻… names become 示范… names: clearly not real firms."""
    for prefix in ("天津宝坻", "天津市", "天津"):
        if name.startswith(prefix):
            return "示范" + name[len(prefix) :]
    return "示范" + name


def second_district_load(as_of: dt.date) -> list[str]:
    """The enterprises and the plan of 示范区; the summary lines to print."""
    from keqi.accounts.models import District
    from keqi.campaign.metrics import METRICS
    from keqi.campaign.planfile import plan_file_read
    from keqi.campaign.services import plan_load
    from keqi.evaluations.demo import district_runs_load

    summary: LoadSummary = demo_load(second_district_dataset())
    loaded = plan_load(
        spec=plan_file_read(PLAN_FILE, known_metrics=METRICS), actor=None
    )
    runs = district_runs_load(as_of, District.objects.get(code=DISTRICT_FILE))
    plan_items_load(loaded.plan)
    return [
        f"第二个区（{NAME}，演示用）：企业新建 {summary.counts[('enterprise', 'created')]} 家"
        f"（连同年度数据、资质等共 {summary.total('created')} 条记录），"
        f"方案 {loaded.plan.name}{'（新载入）' if loaded.created else ''}；"
        "指挥部成员、单位工作方案、载体入驻、驻外工作站、转移支付收入、产品与转型、"
        "新型企业家培育各有几条；市级账号在“区际比较”页对比两个区。",
        *(f"  {line}" for line in runs),
    ]


def plan_items_load(plan: Any) -> None:
    """A few rows of each plan item for 示范区, so its pages are not empty."""
    from keqi.accounts.models import District
    from keqi.activities.demo import shifan_demo_load as activities_load
    from keqi.campaign.demo_organisation import shifan_organisation_load
    from keqi.funds.demo_transfers import shifan_transfers_load
    from keqi.partners.demo_plan import shifan_plan_items_load
    from keqi.products.demo import shifan_demo_load as products_load

    shifan_organisation_load(plan)
    shifan_plan_items_load()
    shifan_transfers_load(District.objects.get(code="shifan"))
    products_load()
    activities_load()
