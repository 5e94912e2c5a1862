"""The demo data set: a few hundred invented Baodi enterprises, built from a seed.

`build_dataset()` is a pure function of the config below: same config, same data,
byte for byte, whatever is in the database. `keqi.core.demo.load` writes it.

Every enterprise plays one *story* — a registered 高企, a near-miss for 科技型中小企业,
a data problem — so that each later page (libraries, reserve lists, reminders,
campaign targets) has something true to show. The demo world's "today" is
`CONFIG.as_of` (end of September 2019, four months into the Baodi plan); nothing in
the data is dated after it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# ---------------------------------------------------------------------------
# The distributions, in one place. Counts are for the default 400 enterprises;
# `DemoConfig.scaled(n)` shrinks them for tests.
# ---------------------------------------------------------------------------

AREA_WEIGHTS: Mapping[str, int] = {
    # 园区 (the parks get most of the tech firms)
    "bdkfq": 80, "zgc": 55, "jjxc": 20,
    # 街道
    "haibin": 12, "baoping": 11, "yuhua": 10, "zhouliang": 10, "chaoyang": 9,
    "zhaoxia": 8,
    # 镇 (the two towns with demo accounts get a few more)
    "dakoutun": 16, "koudong": 14, "wangbuzhuang": 8, "fangjiazhuang": 8,
    "lintingkou": 7, "bamencheng": 7, "dazhongzhuang": 7, "xinan": 7,
    "huogezhuang": 6, "xinkaikou": 6, "datangzhuang": 6, "niudaokou": 6,
    "shigezhuang": 6, "haogezhuang": 6, "niujiapai": 5, "erwangzhuang": 5,
    "huangzhuang": 5, "dabaizhuang": 5,
}  # fmt: skip

SECTOR_WEIGHTS: Mapping[str, int] = {
    "equipment": 22, "materials": 16, "ai": 12, "electronics": 10, "energy": 9,
    "bio": 9, "agri": 8, "environment": 7, "services": 5, "aero": 2,
}  # fmt: skip

# How many enterprises play each story; the rest are "ordinary" (a spread of
# weak to decent firms, most of them far from any programme).
STORIES: Mapping[str, int] = {
    "high_tech": 40,  # valid 高新技术企业 on as_of (12 granted 2016: expire late 2019)
    "high_tech_lapsed": 5,  # 高企 granted 2015, expired 2018, not renewed
    "tech_sme": 76,  # registered 科技型中小企业 (2018 and/or 2019), not 高企
    "near_tech_sme": 16,  # 科技型中小企业 score 56 or 58 on 2018 figures
    "near_high_tech_rd": 8,  # R&D 4.4–4.99 % of sales under 5000 万元 (高企 wants 5 %)
    "near_staff": 8,  # 科技人员 9.x % of staff (both programmes want ≥ 10 %)
    "data_problem": 3,  # 2018 R&D five to eight times 2017's on flat sales
    "large": 10,  # above the 科技型中小企业 size caps
}

# 高企 certificates of the high_tech story by year granted (2019 = first-time grants).
HIGH_TECH_GRANT_YEARS: Mapping[int, int] = {2016: 12, 2017: 11, 2018: 11, 2019: 6}

# Other titles, platforms and milestones handed to suitable enterprises.
HONOURS: Mapping[str, int] = {
    "雏鹰企业": 12,
    "瞪羚企业": 5,
    "科技领军培育企业": 3,
    "科技领军企业": 1,
    "技术领先型企业": 2,
    "企业技术中心": 10,  # 4 区级, 6 市级 (2 of them in 2019)
    "重点实验室": 3,
    "工程研究中心": 1,
    "专精特新中小企业": 4,
    "股份制改造": 8,  # 6 before 2019, 2 in 2019
    "挂牌": 3,
    "科技奖励": 3,
    "创新创业大赛": 5,
    "主导制定标准": 1,
    "参与制定标准": 3,
    "科技计划项目": 6,
    "软件企业证书": 3,
    "创业投资": 2,
    "知识产权管理体系认证": 6,  # GB/T 29490 贯标: 2 in 2019, 3 held, 1 expired
}
CREDIT_RECORDS = 7  # negative records (经营异常名录, 环境违法, …)

PERCENT_REPORTING_IN_YUAN = 15  # amounts with four decimal places (converted from 元)
PERCENT_BLANK_FIELD = 4  # an optional yearly field left blank (unknown)
UNKNOWN_TECH_STAFF = 10  # ordinary firms whose 2018 科技人员数 is unknown


@dataclass(frozen=True)
class DemoConfig:
    """Everything the generator varies; the module constants are the defaults."""

    seed: int = 2019
    as_of: dt.date = dt.date(2019, 9, 30)
    enterprises: int = 400
    years: tuple[int, ...] = (2016, 2017, 2018)
    founded_years: tuple[int, int] = (2000, 2018)
    uscc_prefixes: tuple[str, ...] = ("91120224", "91120115")
    area_weights: Mapping[str, int] = field(default_factory=lambda: AREA_WEIGHTS)
    sector_weights: Mapping[str, int] = field(default_factory=lambda: SECTOR_WEIGHTS)
    stories: Mapping[str, int] = field(default_factory=lambda: STORIES)
    honours: Mapping[str, int] = field(default_factory=lambda: HONOURS)
    credit_records: int = CREDIT_RECORDS

    def scaled(self, enterprises: int) -> DemoConfig:
        """The same shape with fewer (or more) enterprises; every story kept."""

        def scale(counts: Mapping[str, int]) -> dict[str, int]:
            return {
                k: max(1, v * enterprises // self.enterprises)
                for k, v in counts.items()
            }

        return replace(
            self,
            enterprises=enterprises,
            stories=scale(self.stories),
            honours=scale(self.honours),
            credit_records=max(1, self.credit_records * enterprises // 400),
        )


CONFIG = DemoConfig()


@dataclass
class DemoEnterprise:
    """One enterprise as plain values, ready for the registry services."""

    uscc: str
    area: str  # Area.code
    story: str
    sector: str
    values: dict[str, Any]
    figures: dict[int, dict[str, Any]] = field(default_factory=dict)
    ip: dict[str, dict[str, Any]] = field(default_factory=dict)  # by number
    qualifications: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    credits: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.values["name"])

    def holds(self, kind: str, year: int | None = None) -> bool:
        """Whether a qualification of this kind (granted in `year`) is listed."""
        return any(
            k == kind and (year is None or v["granted_on"].year == year)
            for k, v in self.qualifications
        )


def allocate(total: int, weights: Mapping[str, int]) -> list[str]:
    """`total` keys in proportion to the weights (largest remainder), in key order."""
    whole = sum(weights.values())
    exact = {k: total * w for k, w in weights.items()}
    counts = {k: v // whole for k, v in exact.items()}
    short = total - sum(counts.values())
    by_remainder = sorted(weights, key=lambda k: (-(exact[k] % whole), k))
    for key in by_remainder[:short]:
        counts[key] += 1
    return [k for k in weights for _ in range(counts[k])]


def story_list(config: DemoConfig) -> list[str]:
    """One story per enterprise: the configured counts, the rest ordinary."""
    stories = [k for k, n in config.stories.items() for _ in range(n)]
    if len(stories) > config.enterprises:
        raise ValueError("演示数据配置错误：各类企业数之和超过企业总数")
    return stories + ["ordinary"] * (config.enterprises - len(stories))


def build_dataset(config: DemoConfig = CONFIG) -> list[DemoEnterprise]:
    """The whole demo data set, deterministic in `config`."""
    from keqi.core.demo import honours, stories

    rng = random.Random(config.seed)
    areas = allocate(config.enterprises, config.area_weights)
    sectors = allocate(config.enterprises, config.sector_weights)
    kinds = story_list(config)
    rng.shuffle(areas)
    rng.shuffle(sectors)
    rng.shuffle(kinds)
    builder = stories.StoryBuilder(rng, config)
    dataset = [
        builder.build(story, area, sector)
        for story, area, sector in zip(kinds, areas, sectors, strict=True)
    ]
    honours.hand_out(rng, config, dataset)
    return dataset
