"""The enterprise workbook (企业数据工作簿): import, export and the blank template.

Format: /work/shared/formats/enterprise-workbook.md (exchange format v1).

- `import_workbook(path, actor=..., dry_run=...)` → `ImportResult`
- `export_registry(path, enterprises)` writes .xlsx or a CSV folder
- `write_template(path)` writes the blank template with an example row per sheet
"""

from __future__ import annotations

from keqi.registry.workbook.importer import import_workbook
from keqi.registry.workbook.result import CellError, ImportResult, RowChange
from keqi.registry.workbook.template import write_template
from keqi.registry.workbook.writer import export_registry, registry_tables, xlsx_bytes

__all__ = [
    "CellError",
    "ImportResult",
    "RowChange",
    "export_registry",
    "import_workbook",
    "registry_tables",
    "write_template",
    "xlsx_bytes",
]
