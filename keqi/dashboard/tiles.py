"""The area map as a tile grid: one tile per area, shaded by a chosen figure.

No boundary file of the district's streets, towns and parks can be had offline
from an honest source, so the page does not draw a map it cannot vouch for: the
tiles are in the district's own order and say so. Each tile links to its list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from keqi.accounts.models import Area
from keqi.cultivation.libraries import LIBRARIES
from keqi.dashboard.selectors import Figure, LibraryPanel, RdRow

RD = "rd"
CHOICES: tuple[tuple[str, str], ...] = (
    *((lib.key, f"{lib.name}企业数") for lib in LIBRARIES),
    (RD, "研发投入强度"),
)
DEFAULT = "high_tech"
LEVELS = 5


@dataclass(frozen=True)
class Tile:
    """An area's tile: its figure and shade (0 = none or no data, 1–5 darker)."""

    area: Area
    figure: Figure
    level: int


@dataclass(frozen=True)
class TileMap:
    """The grid for one figure, with the legend's upper bounds per shade."""

    key: str
    label: str
    tiles: list[Tile]
    bounds: list[str]


def choice(raw: str) -> str:
    """The figure asked for, or the default for anything unknown."""
    return raw if raw in dict(CHOICES) else DEFAULT


def level(value: int | Decimal | None, top: int | Decimal) -> int:
    """Shade 1–5 by share of the largest value (exactly); 0 for none or zero."""
    if value is None or value <= 0 or top <= 0:
        return 0
    return max(1, math.ceil(Fraction(value) * LEVELS / Fraction(top)))


def tile_map(key: str, libraries: LibraryPanel, rd: list[RdRow]) -> TileMap:
    """Tiles for every area in scope, shaded by the library count or R&D intensity."""
    if key == RD:
        pairs = [(r.rd.area, r.intensity) for r in rd if r.rd.area is not None]
    else:
        index = [lib.key for lib in LIBRARIES].index(key)
        pairs = [(area, figures[index]) for area, figures in libraries.rows]
    values = [f.value for _, f in pairs if f.value is not None]
    top = max(values, default=0)
    tiles = [Tile(area, f, level(f.value, top)) for area, f in pairs]
    bounds = [_bound(top, n) for n in range(1, LEVELS + 1)] if top else []
    return TileMap(key, dict(CHOICES)[key], tiles, bounds)


def _bound(top: int | Decimal, n: int) -> str:
    share = Fraction(top) * n / LEVELS
    if isinstance(top, int):
        return str(math.floor(share))
    return (
        f"{(Decimal(share.numerator) / share.denominator).quantize(Decimal('0.01'))}%"
    )
