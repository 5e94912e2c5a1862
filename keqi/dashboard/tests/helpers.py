"""A small hand-built registry whose every dashboard figure is known in advance.

On 2019-09-30 (DAY):
- 大口屯镇: A 科技型中小企业 (2019-03-01) and 高企 (2018-11-01); B 科小 (2019-01-15)
  and 雏鹰 (2019-06-01); C 科小 granted after DAY (2019-12-01); D 高企 revoked
  2019-08-01; G 高企 (2018-01-01), moved here from 口东镇 on 2019-10-15.
- 口东镇: E 科小 (2019-02-01) and 瞪羚 (2019-04-01); F 高企 (2017-12-01).
- 2018 figures: A R&D 10 / sales 100, B 0.1 / 0.3 (both count), E 5 / 0 and
  F blank / 50 (neither counts).
"""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from keqi.core.testing import add_figures, make_enterprise
from keqi.cultivation.tests.helpers import grant, move
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K

DAY = dt.date(2019, 9, 30)
D = dt.date


def small_registry() -> dict[str, Enterprise]:
    """The registry described in the module docstring, by letter."""
    firms = {
        letter: make_enterprise(area, name=f"{letter}科技有限公司")
        for letter, area in [
            ("A", "dakoutun"),
            ("B", "dakoutun"),
            ("C", "dakoutun"),
            ("D", "dakoutun"),
            ("E", "koudong"),
            ("F", "koudong"),
            ("G", "koudong"),
        ]
    }
    grant(firms["A"], K.TECH_SME, D(2019, 3, 1))
    grant(firms["A"], K.HIGH_TECH, D(2018, 11, 1))
    grant(firms["B"], K.TECH_SME, D(2019, 1, 15))
    grant(firms["B"], K.CHUYING, D(2019, 6, 1))
    grant(firms["C"], K.TECH_SME, D(2019, 12, 1))
    grant(firms["D"], K.HIGH_TECH, D(2018, 1, 1), revoked=D(2019, 8, 1))
    grant(firms["E"], K.TECH_SME, D(2019, 2, 1))
    grant(firms["E"], K.DENGLING, D(2019, 4, 1))
    grant(firms["F"], K.HIGH_TECH, D(2017, 12, 1))
    grant(firms["G"], K.HIGH_TECH, D(2018, 1, 1))
    move(firms["G"], "dakoutun", D(2019, 10, 15))
    add_figures(firms["A"], 2018, rd_expense=10, sales_revenue=100)
    add_figures(firms["B"], 2018, rd_expense=0.1, sales_revenue=0.3)
    add_figures(firms["E"], 2018, rd_expense=5, sales_revenue=0)
    add_figures(firms["F"], 2018, sales_revenue=50)
    return firms


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


ROW = re.compile(r"<tr>\s*<td(?: class=\"num\")?>\d+</td>")


def listed(page: str) -> int:
    """Rows of the numbered list on a page (every list page numbers its rows)."""
    return len(ROW.findall(page))
