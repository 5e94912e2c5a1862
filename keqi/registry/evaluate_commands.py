"""`keqi evaluate`: run the rules engine over a workbook or over the registry.

Evaluating a workbook reads and checks it exactly as an import would but writes
nothing; `--registry` evaluates the enterprises already in the database and stores
the verdicts as an evaluation run (keqi.evaluations, the background task's code
path). Output is the JSON contract of shared/formats/enterprise-workbook.md, a
table, or an .xlsx workbook with one sheet per programme.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from keqi.core.numbers import parse_date
from keqi.rules import EnterpriseFacts, EnterpriseResult, ParamSet

FORMATS = ("json", "table", "xlsx")
DESCRIPTION = """\
按现行政策规则评价企业，给出每家企业在各认定/培育项目上的结论（符合、不符合、待定）、
得分、差距和缺少的数据。

评价工作簿：读取并检查工作簿（与导入相同的格式和检查），但不写入企业库；
有任何错误则列出每一处错误（表 · 行 · 列）并退出（返回值 1）。
所属街镇/园区按所填文字接受，评价不依赖系统中配置的街镇/园区。

评价企业库（--registry）：评价企业库中的全部企业（--district 只评价该区的企业，
评价记录归该区；系统只服务一个区时即该区），输出格式相同；同时把每家企业
每个项目的结论连同所用数据、规则版本和参数保存为一次评价记录（网页“评价记录”中
可查看、复核和比较；不改动企业库）。进度（每 500 家一行）打印到标准错误，
不影响标准输出中的结果。
企业库按系统中现行的评价规则评价：随软件发布的规则，加上总部在“评价规则”页面
所作的参数修改和组合定义的项目（如技术领先型企业）；评价工作簿不读取数据库，
只按随软件发布的规则。

输出格式：json（默认，格式见企业数据工作簿说明）、table（便于阅读的表格）、
xlsx（每个项目一张工作表，须用 --output 指定文件）。"""


def register(sub: Any) -> None:
    """Add `keqi evaluate` to the `keqi` parser."""
    cmd = sub.add_parser(
        "evaluate",
        help="按政策规则评价工作簿或企业库中的企业（不写入企业库）",
        description=DESCRIPTION,
    )
    cmd.add_argument(
        "workbook",
        nargs="?",
        metavar="工作簿",
        help="企业数据工作簿：.xlsx、.xls 文件，或 CSV 文件夹/.zip",
    )
    cmd.add_argument(
        "--registry",
        action="store_true",
        help="评价企业库中的全部企业并保存为评价记录（不指定工作簿）",
    )
    cmd.add_argument(
        "--district",
        metavar="代码",
        help="与 --registry 一起用：只评价该区的企业，评价记录归该区（区的代码）；"
        "只有一个区时默认即该区，几个区时不指定则评价全市、只有市级账号可见",
    )
    cmd.add_argument(
        "--as-of",
        metavar="日期",
        type=_date,
        help="评价基准日，格式 2019-06-30（默认今天）",
    )
    cmd.add_argument(
        "--programme",
        action="append",
        metavar="项目",
        help="只评价该项目（如 tech_sme、high_tech），可重复指定；默认评价全部项目",
    )
    cmd.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="输出格式：json（默认）、table 或 xlsx",
    )
    cmd.add_argument(
        "--output", metavar="文件", help="写入该文件（xlsx 格式必填）；默认输出到屏幕"
    )
    cmd.set_defaults(func=cmd_evaluate)


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式不正确：“{text}”，应为 2019-06-30"
        ) from None
    try:
        return parse_date(day) or day
    except ValueError as exc:  # a far year (9999-12-31)
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate, print or write the report; 1 for workbook errors, 2 for bad usage."""
    problem = _usage_problem(args)
    if problem:
        print(problem)
        return 2
    as_of = args.as_of or dt.date.today()
    if args.registry and args.format == "json":
        return _registry_json(as_of, args)
    if args.registry:
        from keqi.criteria.engine import engine_setup

        stored = _registry_run(as_of, args.programme or (), district=args.district)
        params = engine_setup().params
        return 1 if stored is None else _emit(stored, as_of, args, params)
    facts = _facts(args)
    if facts is None:
        return 1
    from keqi.rules import evaluate_many

    results = evaluate_many(facts, as_of=as_of, programmes=args.programme)
    return _emit(results, as_of, args)


def _registry_run(
    as_of: dt.date,
    programmes: Sequence[str],
    sink: Callable[[EnterpriseResult], None] | None = None,
    district: str | None = None,
) -> list[EnterpriseResult] | None:
    """Evaluate the registry as a stored run (the background task's code path);
    None, after saying why, when the run failed.  With ``sink`` every result goes
    there as it comes and the list returned is empty."""
    from keqi.accounts.models import District
    from keqi.evaluations.models import EvaluationRun, RunTrigger
    from keqi.evaluations.services import evaluation_run_create, evaluation_run_execute

    def progress(run: EvaluationRun) -> None:
        print(f"评价进度：{run.done} / {run.total} 家企业", file=sys.stderr)

    results: list[EnterpriseResult] = []
    run = evaluation_run_create(
        as_of=as_of,
        trigger=RunTrigger.CLI,
        actor=None,
        programmes=programmes,
        district=District.objects.get(code=district) if district else None,
    )
    try:
        run = evaluation_run_execute(
            run=run, progress=progress, sink=sink or results.append
        )
    except Exception:  # the run records the error; say it in Chinese, exit 1
        run.refresh_from_db()
        print(f"评价未完成（第 {run.pk} 次评价）：{run.error}", file=sys.stderr)
        return None
    print(
        f"已保存为第 {run.pk} 次评价：{run.done} 家企业，{run.verdicts} 条结论。",
        file=sys.stderr,
    )
    return results


class _JsonSpool:
    """The JSON report written one enterprise at a time into a scratch file, so a
    whole registry never sits in memory; the text equals :func:`report_to_json`'s.
    The flagged parameters are collected as results pass and written in the head
    (``unconfirmed_parameters`` comes before ``results``) when the run is done."""

    KEY = '"results": []'

    def __init__(self, as_of: dt.date, file: TextIO, params: ParamSet | None) -> None:
        from keqi.rules import report_to_json

        empty = report_to_json([], as_of)
        at = empty.index(self.KEY)
        margin = at - (empty.rfind("\n", 0, at) + 1)
        self.inner = " " * (margin + 2)
        self.margin = " " * margin
        self.as_of, self.params, self.file = as_of, params, file
        self.flags: dict[str, None] = {}
        self.count = 0

    def add(self, result: EnterpriseResult) -> None:
        from keqi.rules import result_to_dict

        for programme in result.programmes.values():
            self.flags.update(dict.fromkeys(programme.flags))
        text = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2)
        self.file.write(("," if self.count else "") + "\n")
        self.file.write(textwrap.indent(text, self.inner))
        self.count += 1

    def copy_to(self, out: TextIO) -> None:
        from keqi.rules import RULES_VERSION
        from keqi.rules.serialize import parameters_described

        head = json.dumps(
            {
                "as_of": self.as_of.isoformat(),
                "rules_version": RULES_VERSION,
                "unconfirmed_parameters": parameters_described(
                    self.flags, self.as_of, self.params
                ),
                "results": [],
            },
            ensure_ascii=False,
            indent=2,
        )
        at = head.index(self.KEY)
        out.write(head[:at] + '"results": [')
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        closing = f"\n{self.margin}]" if self.count else "]"
        out.write(closing + head[at + len(self.KEY) :])


def _registry_json(as_of: dt.date, args: argparse.Namespace) -> int:
    """`--registry --format json`: the report streamed through a scratch file."""
    from keqi.criteria.engine import engine_setup

    with tempfile.TemporaryFile("w+", encoding="utf-8") as scratch:
        spool = _JsonSpool(as_of, scratch, engine_setup().params)
        if _registry_run(as_of, args.programme or (), spool.add, args.district) is None:
            return 1
        if args.output:
            with Path(args.output).open("w", encoding="utf-8") as out:
                spool.copy_to(out)
                out.write("\n")
            print(f"已写出评价结果：{args.output}（{spool.count} 家企业）")
        else:
            spool.copy_to(sys.stdout)
            sys.stdout.write("\n")
    return 0


def _usage_problem(args: argparse.Namespace) -> str:
    """A Chinese message when the options do not fit together, else ""."""
    from keqi.rules import programme_table

    if bool(args.workbook) == bool(args.registry):
        return "请指定一个工作簿，或使用 --registry 评价企业库（二者选一）"
    if args.district:
        from keqi.accounts.models import District

        if not args.registry:
            return "--district 只能与 --registry 一起使用（评价该区企业库中的企业）"
        if not District.objects.filter(code=args.district).exists():
            return f"未配置的区：{args.district}（填区的代码）"
    extra: tuple[Any, ...] = ()
    if args.registry:
        from keqi.criteria.engine import engine_setup

        extra = engine_setup().extra  # HQ's composed programmes, e.g. tech_leader
    known = list(programme_table(extra))
    unknown = [p for p in args.programme or [] if p not in known]
    if unknown:
        return f"未知的项目：{'、'.join(unknown)}；可选：{'、'.join(known)}"
    if args.format == "xlsx" and not args.output:
        return "xlsx 格式须用 --output 指定输出文件（如 --output 评价结果.xlsx）"
    return ""


def _facts(args: argparse.Namespace) -> list[EnterpriseFacts] | None:
    """The workbook's facts; None (after printing every error) when unreadable."""
    from keqi.registry.workbook.facts import workbook_facts

    found = workbook_facts(Path(args.workbook))
    for warning in found.warnings:
        print(f"提示：{warning}")
    if found.errors:
        print(f"发现 {len(found.errors)} 处错误，未进行评价：")
        for error in found.errors:
            print(f"  {error}")
        return None
    return found.facts


def _emit(
    results: list[EnterpriseResult],
    as_of: dt.date,
    args: argparse.Namespace,
    params: ParamSet | None = None,
) -> int:
    """Write the report; every format carries the date, rules version and flags."""
    from keqi.rules import report_rows, report_to_json
    from keqi.rules.serialize import report_header

    header = report_header(results, as_of, params)
    if args.format == "xlsx":
        _write_xlsx(results, Path(args.output), header)
        print(f"已写出评价结果：{args.output}（{len(results)} 家企业）")
        return 0
    text = report_to_json(results, as_of, params) if args.format == "json" else ""
    if args.format == "table":
        text = _table(report_rows(results), header)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"已写出评价结果：{args.output}（{len(results)} 家企业）")
    else:
        print(text)
    return 0


ABOUT_SHEET = "评价说明"
TABLE_COLUMNS = ("统一社会信用代码", "企业名称", "项目名称", "结论", "得分", "差距")


def _table(rows: list[dict[str, str]], header: list[tuple[str, str]]) -> str:
    """Provenance lines, then a plain aligned table (CJK counts two columns)."""
    lines = [f"{k}：{v}" for k, v in header] + [f"共 {len(rows)} 条结论"]
    if not rows:
        return "\n".join(lines)
    body = [list(TABLE_COLUMNS)] + [[r[c] for c in TABLE_COLUMNS] for r in rows]
    widths = [
        max(_width(line[i]) for line in body) for i in range(len(TABLE_COLUMNS) - 1)
    ]
    for line in body:
        cells = [c + " " * (w - _width(c)) for c, w in zip(line, widths, strict=False)]
        lines.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _write_xlsx(
    results: list[EnterpriseResult], path: Path, header: list[tuple[str, str]]
) -> None:
    """A 评价说明 sheet (date, rules version, unconfirmed parameters), then one
    sheet per programme evaluated, one row per enterprise."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    from keqi.core.exports import sheet_row
    from keqi.rules import report_rows

    rows = report_rows(results)
    book = Workbook()
    book.remove(book.active)
    about = book.create_sheet(title=ABOUT_SHEET)
    about.append(["项目", "内容"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for key, value in header:
        about.append(sheet_row([key.strip(), value]))
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 100
    names = dict.fromkeys((r["项目"], r["项目名称"]) for r in rows)
    for key, name in names:
        sheet = book.create_sheet(title=(name or key)[:31])
        mine = [r for r in rows if r["项目"] == key]
        headers = list(mine[0])
        sheet.append(sheet_row(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in mine:
            sheet.append(sheet_row(row[h] for h in headers))
    if not names:
        book.create_sheet(title="评价结果").append(["没有可评价的企业或项目"])
    book.save(path)
