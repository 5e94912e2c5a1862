"""What each story means in figures, IP and qualifications.

A story fixes the bands the last accounting year's ratios fall in; for the
科技型中小企业 score those are the bands of 国科发政〔2017〕115号's annex, so a
"near_tech_sme" enterprise scores exactly 56 or 58 and a "tech_sme" one ≥ 60.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, replace
from typing import Any

from keqi.core.demo import words
from keqi.core.demo.figures import Band, Profile, figures_for
from keqi.core.demo.generator import (
    HIGH_TECH_GRANT_YEARS,
    PERCENT_BLANK_FIELD,
    PERCENT_REPORTING_IN_YUAN,
    UNKNOWN_TECH_STAFF,
    DemoConfig,
    DemoEnterprise,
    allocate,
)

# 科技型中小企业 points → the band (basis points) that earns them.
STAFF_BANDS: dict[int, Band] = {
    20: (3000, 4500),
    16: (2500, 3000),
    12: (2000, 2500),
    8: (1500, 2000),
    4: (1000, 1500),
    0: (300, 1000),
}
RD_BANDS: dict[int, Band] = {
    50: (600, 1000),
    40: (500, 600),
    30: (400, 500),
    20: (300, 400),
    10: (200, 300),
    0: (0, 200),
}
# IP points → (Ⅰ类 items, Ⅱ类 items) related to the main products.
IP_FOR_POINTS: dict[int, tuple[int, int]] = {
    30: (1, 0),
    24: (0, 4),
    18: (0, 3),
    12: (0, 2),
    6: (0, 1),
    0: (0, 0),
}
# (staff, R&D, IP) points: eligible ones total ≥ 60, near misses 56 or 58.
Combo = tuple[int, int, int]
ELIGIBLE: tuple[Combo, ...] = (
    (20, 50, 30),
    (16, 40, 18),
    (12, 30, 24),
    (20, 30, 12),
    (12, 50, 6),
    (8, 40, 12),
    (16, 30, 30),
    (20, 40, 0),
    (12, 40, 30),
)
NEAR: tuple[Combo, ...] = (
    (16, 40, 0),
    (12, 40, 6),
    (8, 30, 18),
    (20, 20, 18),
    (4, 30, 24),
    (16, 10, 30),
    (20, 30, 6),
    (12, 20, 24),
)

HIGH_TECH_BATCHES = {
    2012: "2012-10-25",
    2013: "2013-11-21",
    2014: "2014-10-10",
    2015: "2015-11-20",
    2016: "2016-11-24",
    2017: "2017-10-10",
    2018: "2018-11-12",
    2019: "2019-09-10",
}
TECH_SME_BATCHES = {
    2018: ("2018-04-20", "2018-06-15", "2018-09-14"),
    2019: ("2019-03-22", "2019-05-17", "2019-07-12", "2019-09-06"),
}
LAST_PLANNED_IP = dt.date(2018, 3, 31)


@dataclass(frozen=True)
class IPSpec:
    """IP items to create: counted ones first, then noise that does not count."""

    class_i: int = 0
    class_ii: int = 0
    lapsed: int = 0  # 失效
    unrelated: int = 0  # not related to the main products
    unknown: int = 0  # relation left blank


def pick(rng: random.Random, weights: dict[int, int]) -> int:
    """A key of `weights`, drawn by weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def fits_tech_sme(ent: DemoEnterprise) -> bool:
    """Within the 科技型中小企业 size caps on the last year's figures."""
    last = ent.figures[max(ent.figures)]
    return bool(
        last["staff_total"] <= 500
        and last["sales_revenue"] <= 20000
        and last["total_assets"] <= 20000
    )


class StoryBuilder:
    """Builds one enterprise per call; keeps names, codes and serials unique."""

    def __init__(self, rng: random.Random, config: DemoConfig) -> None:
        self.rng = rng
        self.config = config
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.serial = itertools.count(101)
        years = {str(y): n for y, n in HIGH_TECH_GRANT_YEARS.items()}
        self.high_tech_years = allocate(config.stories.get("high_tech", 0), years)
        rng.shuffle(self.high_tech_years)
        self.unknown_left = UNKNOWN_TECH_STAFF * config.enterprises // 400

    # -- one enterprise ---------------------------------------------------
    def build(self, story: str, area: str, sector_key: str) -> DemoEnterprise:
        """An enterprise playing `story` in `area` and `sector_key`."""
        sector = words.SECTORS[sector_key]
        founded = self.founded_on(story)
        profile, ip_spec = getattr(self, f"_{story}")()
        ent = DemoEnterprise(
            uscc=self.uscc(founded.year),
            area=area,
            story=story,
            sector=sector_key,
            values=self.base_values(sector, founded, profile, story),
        )
        ent.figures = figures_for(self.rng, profile, self.config.years, founded.year)
        self.add_ip(ent, sector, founded, ip_spec)
        self.add_story_qualifications(ent, story)
        return ent

    def founded_on(self, story: str) -> dt.date:
        first, last = self.config.founded_years
        if story != "ordinary":
            last = min(last, 2015)  # three full years of figures
        year = self.rng.randint(first, last)
        return dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def uscc(self, founded_year: int) -> str:
        while True:
            prefix = self.rng.choice(self.config.uscc_prefixes)
            code = words.demo_uscc(self.rng, prefix, founded_year)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def base_values(
        self, sector: words.Sector, founded: dt.date, profile: Profile, story: str
    ) -> dict[str, Any]:
        """The 企业基本信息 fields (area is set by the loader)."""
        while (name := words.company_name(self.rng, sector, False)) in self.names:
            pass
        self.names.add(name)
        unsure = story == "ordinary" and self.rng.randrange(100) < 5
        return {
            "name": name,
            "founded_on": founded,
            "registered_region": "天津市宝坻区",
            "industry": self.rng.choice(sector.industries),
            "tech_field": sector.tech_field,
            "key_industry": sector.key_industry,
            "tax_method": "核定征收" if self.rng.randrange(100) < 3 else "查账征收",
            "above_scale": profile.sales_wan >= 2000,
            "listed": False,
            "joint_stock_on": None,
            "restricted_products": None if unsure else False,
            "extra": {},
        }

    # -- profiles per story -------------------------------------------------
    def profile(self, staff_pts: int, rd_pts: int, sales: tuple[int, int]) -> Profile:
        """A small or mid-sized firm whose score items land on the given points."""
        rng = self.rng
        sales_wan = rng.randint(*sales)
        return Profile(
            staff=max(8, min(480, sales_wan // rng.randint(25, 80))),
            tech_band=STAFF_BANDS[staff_pts],
            sales_wan=sales_wan,
            rd_band=RD_BANDS[rd_pts],
            growth_pm=(rng.randint(-50, 200), rng.randint(-30, 220)),
            cost_pm=rng.randint(820, 990),
            high_tech_pm=rng.choice((None, rng.randint(200, 700))),
            domestic_pm=rng.randint(800, 1000),
            places=4 if rng.randrange(100) < PERCENT_REPORTING_IN_YUAN else 2,
            blank_percent=PERCENT_BLANK_FIELD,
        )

    def _scored(self, combo: tuple[int, int, int]) -> tuple[Profile, IPSpec]:
        staff, rd, ip = combo
        class_i, class_ii = IP_FOR_POINTS[ip]
        noise = IPSpec(lapsed=self.rng.randint(0, 1), unrelated=self.rng.randint(0, 1))
        spec = IPSpec(class_i, class_ii, noise.lapsed, noise.unrelated)
        return self.profile(staff, rd, (150, 4000)), spec

    def _tech_sme(self) -> tuple[Profile, IPSpec]:
        return self._scored(self.rng.choice(ELIGIBLE))

    def _near_tech_sme(self) -> tuple[Profile, IPSpec]:
        profile, spec = self._scored(self.rng.choice(NEAR))
        return profile, IPSpec(spec.class_i, spec.class_ii)  # nothing that might count

    def _high_tech(self) -> tuple[Profile, IPSpec]:
        rng = self.rng
        size = pick(rng, {0: 60, 1: 30, 2: 10})
        sales = ((800, 4900), (5000, 19000), (20000, 60000))[size]
        rd = ((550, 900), (450, 800), (350, 600))[size]
        base = self.profile(rng.choice((12, 16, 20)), 50, sales)
        growth = (rng.randint(50, 300), rng.randint(50, 300))
        high_tech = rng.randint(650, 950)
        profile = replace(base, rd_band=rd, high_tech_pm=high_tech, growth_pm=growth)
        spec = IPSpec(rng.randint(1, 5), rng.randint(2, 10), rng.randint(0, 2), 1)
        return profile, spec

    def _high_tech_lapsed(self) -> tuple[Profile, IPSpec]:
        base = self.profile(self.rng.choice((8, 12)), 20, (1000, 4900))
        profile = replace(base, rd_band=(300, 480))
        return profile, IPSpec(self.rng.randint(0, 1), self.rng.randint(2, 5), 1)

    def _near_high_tech_rd(self) -> tuple[Profile, IPSpec]:
        base = self.profile(self.rng.choice((12, 16)), 30, (800, 4900))
        profile = replace(base, rd_band=(440, 500), high_tech_pm=700)
        return profile, IPSpec(self.rng.randint(1, 2), self.rng.randint(1, 4))

    def _near_staff(self) -> tuple[Profile, IPSpec]:
        base = self.profile(0, 50, (500, 4900))
        profile = replace(base, tech_band=(900, 1000), high_tech_pm=720)
        return profile, IPSpec(self.rng.randint(1, 3), self.rng.randint(0, 3))

    def _data_problem(self) -> tuple[Profile, IPSpec]:
        base = self.profile(12, 50, (800, 3000))
        profile = replace(base, rd_jump=True, growth_pm=(10, 20))
        return profile, IPSpec(0, self.rng.randint(2, 4))

    def _large(self) -> tuple[Profile, IPSpec]:
        rng = self.rng
        sales = rng.randint(21000, 90000)
        profile = Profile(
            staff=max(520, sales // rng.randint(40, 90)),
            tech_band=STAFF_BANDS[rng.choice((4, 8, 12))],
            sales_wan=sales,
            rd_band=(250, 500),
            growth_pm=(rng.randint(-20, 120), rng.randint(-20, 120)),
            cost_pm=rng.randint(880, 970),
            high_tech_pm=rng.randint(300, 800),
            blank_percent=PERCENT_BLANK_FIELD,
        )
        return profile, IPSpec(rng.randint(3, 10), rng.randint(10, 30), 2, 2)

    def _ordinary(self) -> tuple[Profile, IPSpec]:
        rng = self.rng
        sales = ((30, 300), (300, 2000), (2000, 8000), (8000, 18000))
        tier = pick(rng, {0: 35, 1: 40, 2: 20, 3: 5})
        staff = pick(rng, {0: 30, 4: 25, 8: 20, 12: 15, 16: 6, 20: 4})
        rd = pick(rng, {0: 35, 10: 25, 20: 18, 30: 12, 40: 6, 50: 4})
        base = self.profile(staff, rd, sales[tier])
        keep = self.unknown_left <= 0
        self.unknown_left -= 1
        profile = replace(base, keep_tech_staff=keep)
        ip = pick(rng, {0: 35, 6: 20, 12: 15, 18: 10, 24: 10, 30: 10})
        class_i, class_ii = IP_FOR_POINTS[ip]
        spec = IPSpec(class_i, class_ii, rng.randint(0, 1), 0, rng.randint(0, 1))
        return profile, spec

    # -- IP and the story's own qualifications ------------------------------
    def add_ip(
        self,
        ent: DemoEnterprise,
        sector: words.Sector,
        founded: dt.date,
        spec: IPSpec,
    ) -> None:
        """Create the spec's items (granted by LAST_PLANNED_IP unless the firm is young)."""
        second = "软件著作权" if sector.software else "实用新型专利"
        plan: list[tuple[str, bool | None, str]]
        plan = [("发明专利", True, "有效")] * spec.class_i
        plan += [(second, True, "有效")] * spec.class_ii
        plan += [("实用新型专利", True, "失效")] * spec.lapsed
        plan += [("外观设计专利", False, "有效")] * spec.unrelated
        plan += [(second, None, "有效")] * spec.unknown
        start = max(dt.date(founded.year + 1, founded.month, 1), dt.date(2009, 1, 1))
        end = LAST_PLANNED_IP
        if start > end:  # a young firm: its first items come in 2019
            start, end = founded + dt.timedelta(days=60), self.config.as_of
        for category, related, status in plan:
            self.add_ip_item(ent, sector, category, related, status, (start, end))

    def add_ip_item(
        self,
        ent: DemoEnterprise,
        sector: words.Sector,
        category: str,
        related: bool | None,
        status: str,
        window: tuple[dt.date, dt.date],
    ) -> None:
        rng = self.rng
        span = max(0, (window[1] - window[0]).days)
        granted = window[0] + dt.timedelta(days=rng.randint(0, span))
        lag = {"发明专利": rng.randint(2, 3), "软件著作权": 0}.get(category, 1)
        serial = rng.randrange(10**5, 10**6)
        if category == "软件著作权":
            number = words.software_number(granted.year, serial)
        else:
            kind = {"发明专利": 1, "实用新型专利": 2}.get(category, 3)
            number = words.patent_number(granted.year - lag, kind, serial)
        ent.ip[number] = {
            "name": words.ip_title(rng, sector, category),
            "category": category,
            "granted_on": granted,
            "acquisition": "受让" if rng.randrange(100) < 8 else "自主研发",
            "status": status,
            "related_to_main": related,
        }

    def add_story_qualifications(self, ent: DemoEnterprise, story: str) -> None:
        """高企 certificates and 科技型中小企业 registrations the story implies."""
        rng = self.rng
        if story == "high_tech":
            year = int(self.high_tech_years.pop())
            self.high_tech(ent, year)
            if year < 2019 and rng.randrange(100) < 40:
                self.high_tech(ent, year - 3)  # the certificate it renewed
            if fits_tech_sme(ent) and rng.randrange(100) < 75:
                self.tech_sme_years(ent)
        elif story == "high_tech_lapsed":
            self.high_tech(ent, 2015)
            if rng.randrange(2):
                self.tech_sme(ent, 2018)
        elif story == "tech_sme":
            self.tech_sme_years(ent)
        elif story == "near_tech_sme" and rng.randrange(100) < 30:
            self.tech_sme(ent, 2018)
        elif story in ("near_high_tech_rd", "data_problem"):
            self.tech_sme(ent, 2019)
        elif story == "near_staff" and rng.randrange(100) < 25:
            self.tech_sme(ent, 2018)

    def tech_sme_years(self, ent: DemoEnterprise) -> None:
        years = pick(self.rng, {0: 60, 1: 20, 2: 20})
        for year in ((2018, 2019), (2018,), (2019,))[years]:
            self.tech_sme(ent, year)

    def high_tech(self, ent: DemoEnterprise, year: int) -> None:
        ent.qualifications.append(
            (
                "高新技术企业",
                {
                    "level": "国家级",
                    "number": f"GR{year}12{next(self.serial):06d}",
                    "granted_on": _date(HIGH_TECH_BATCHES[year]),
                },
            )
        )

    def tech_sme(self, ent: DemoEnterprise, year: int) -> None:
        ent.qualifications.append(
            (
                "科技型中小企业",
                {
                    "level": "国家级",
                    "number": f"{year}120224{next(self.serial):08d}",
                    "granted_on": _date(self.rng.choice(TECH_SME_BATCHES[year])),
                },
            )
        )
