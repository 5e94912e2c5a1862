"""What an import found and did, as plain data the CLI and the web page both show."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("created", "updated", "unchanged")
# How many changed rows a result keeps to show (the CLI, the preview, the API);
# the count and the fingerprint cover every row.
CHANGES_KEPT = 1000
OUTCOME_LABELS = {"created": "新增", "updated": "更新", "unchanged": "无变化"}


@dataclass(frozen=True)
class CellError:
    """One problem, located as sheet · row · column (row 0 = the file as a whole)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        place = [self.sheet or "文件"]
        if self.row:
            place.append(f"第{self.row}行")
        if self.column:
            place.append(self.column)
        return f"{' · '.join(place)}：{self.message}"


@dataclass(frozen=True, slots=True)
class RowChange:
    """What one workbook row does: create, update or leave a record alone.

    `fields` lists (column header, old, new) for every value that changes.
    """

    sheet: str
    row: int
    label: str
    outcome: str
    fields: tuple[tuple[str, Any, Any], ...] = ()


@dataclass
class SheetCounts:
    """How many rows of a sheet create, update or leave a record unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class ImportResult:
    """The outcome of importing (or checking) one workbook."""

    source: str
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    changes: list[RowChange] = field(default_factory=list)  # the first CHANGES_KEPT
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False
    changed_total: int = 0
    enterprises: dict[str, int] = field(default_factory=dict)  # outcome → count
    events: tuple[int, int] = (0, 0)  # the ids of its per-enterprise audit events
    _digest: Any = field(default_factory=hashlib.sha256, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        """Whether applying it changes anything."""
        return self.changed_total > 0

    def add_change(self, sheet: str, row: int, outcome: str, shown: Any) -> None:
        """Count one changed row; keep it to show while fewer than CHANGES_KEPT
        are kept (`shown()`, called only then, gives its label and its (column
        header, old, new) fields). What it sets goes to the fingerprint through
        `fingerprint_add`."""
        self.changed_total += 1
        if len(self.changes) < CHANGES_KEPT:
            label, fields = shown()
            self.changes.append(RowChange(sheet, row, label, outcome, fields))

    def fingerprint_add(self, data: Any) -> None:
        """Take plain data, whose repr says it exactly, into the fingerprint."""
        self._digest.update(repr(data).encode("utf-8"))

    def fingerprint(self) -> str:
        """A digest of every planned change, so a confirmation applies what was shown."""
        return str(self._digest.hexdigest())

    def summary_lines(self) -> list[str]:
        """One Chinese line per sheet: 新增 n 条，更新 n 条，无变化 n 条."""
        return [
            f"{sheet}：新增 {c.created} 条，更新 {c.updated} 条，无变化 {c.unchanged} 条"
            for sheet, c in self.counts.items()
        ]

    def summary(self) -> dict[str, dict[str, int]]:
        """The counts as plain data (for the audit trail)."""
        return {
            sheet: {o: getattr(c, o) for o in OUTCOMES}
            for sheet, c in self.counts.items()
        }
