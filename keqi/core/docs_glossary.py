"""The generated half of docs/glossary.md: programme keys, models, fields, choices.

The hand-written half (concepts, roles, programme keys) stays above the marker;
`make docs` (or `.venv/bin/python -m keqi.core.docs_glossary`) rewrites what is
below it from the models' Chinese `verbose_name`s, so the table cannot drift
from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- 以下由 make docs 根据模型生成，请勿手改 -->"
GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _choices(field: Any) -> str:
    """Choice values, with their label when it differs from the value."""
    pairs = [(str(v), str(label)) for v, label in field.flatchoices]
    return "、".join(v if v == label else f"`{v}`＝{label}" for v, label in pairs)


def _field_rows(model: Any) -> list[str]:
    rows = []
    for field in model._meta.get_fields():
        if not (field.concrete or field.many_to_many) or field.auto_created:
            continue
        if field.name == "id":
            continue
        kind = field.get_internal_type()
        if field.is_relation and field.related_model is not None:
            kind = f"→ {field.related_model.__name__}"
        rows.append(
            f"| {field.verbose_name} | `{field.name}` | {kind} | {_choices(field)} |"
        )
    return rows


# Keys the exchange format reserves for programmes not encoded yet.
PLANNED_PROGRAMMES = {
    "tech_sme": "科技型中小企业",
    "high_tech": "高新技术企业",
    "tj_chuying": "天津雏鹰企业",
    "tj_dengling": "天津瞪羚企业",
    "tj_lingjun": "天津科技领军企业",
    "tj_lingjun_peiyu": "天津科技领军培育企业",
    "innovative_sme": "创新型中小企业",
    "zjtx_sme": "专精特新中小企业",
    "tech_leader": "技术领先型企业",
}


def render_programmes() -> list[str]:
    """The programme keys: encoded ones with their documents, then the reserved."""
    from keqi.rules.programmes import builtin_programmes

    encoded = builtin_programmes()
    rows = [
        "## 项目代码 · Programme keys",
        "",
        "| 中文 | 代码 | 依据 |",
        "|---|---|---|",
    ]
    for key, programme in encoded.items():
        documents = "、".join(v.document for v in programme.versions)
        rows.append(f"| {programme.name} | `{key}` | {documents} |")
    for key, name in PLANNED_PROGRAMMES.items():
        if key not in encoded:
            rows.append(
                f"| {name} | `{key}` | 由总部在“评价规则”中组合定义"
                "（未定义前结果中缺席，绝不猜测） |"
            )
    return [*rows, ""]


def render_models() -> str:
    """The programme keys, then one section per keqi app, one table per model."""
    from django.apps import apps

    parts = [MARKER, "", *render_programmes()]
    parts += ["## 模型与字段 · Models and fields", ""]
    for config in apps.get_app_configs():
        if not config.name.startswith("keqi."):
            continue
        parts += [f"### {config.verbose_name} · `{config.name}`", ""]
        for model in config.get_models():
            doc = (model.__doc__ or "").strip().splitlines()[0]
            parts += [f"#### {model._meta.verbose_name} · `{model.__name__}`", ""]
            parts += [f"{doc}", ""] if not doc.startswith(model.__name__) else []
            parts += ["| 中文 | 标识符 | 类型 | 取值 |", "|---|---|---|---|"]
            parts += [*_field_rows(model), ""]
    return "\n".join(parts)


def glossary_text(current: str) -> str:
    """`current` with everything from the marker on replaced by fresh tables."""
    head = current.split(MARKER)[0].rstrip("\n")
    return f"{head}\n\n{render_models()}"


def main() -> int:
    """Rewrite docs/glossary.md in place."""
    from keqi.cli import setup_django

    setup_django()
    GLOSSARY.write_text(glossary_text(GLOSSARY.read_text("utf-8")), "utf-8")
    print(f"已更新 {GLOSSARY}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
