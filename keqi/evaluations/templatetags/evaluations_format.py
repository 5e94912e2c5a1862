"""Template filters for the stored-evaluation pages: codes shown in words (issue 16)."""

from __future__ import annotations

from django import template

from keqi.evaluations.models import EvaluationRun, RunTrigger
from keqi.rules.params import default_params
from keqi.rules.programmes import builtin_programmes

register = template.Library()


@register.filter
def rules_label(version: str) -> str:
    """The engine's version code as staff read it: keqi-rules/2 → 规则版本 2."""
    number = str(version).rpartition("/")[2] or str(version)
    return f"规则版本 {number}"


@register.filter
def trigger_label(run: EvaluationRun) -> str:
    """Who started the run, without the command line's spelling."""
    if run.trigger == RunTrigger.CLI:
        return "服务器命令行"
    return run.get_trigger_display()


@register.filter
def param_title(pid: str) -> str:
    """A parameter's title instead of its key (the key when it is unknown)."""
    params = default_params()
    return params.parameter(pid).title if pid in params else "已停用的参数"


@register.filter
def programme_names(keys: list[str]) -> str:
    """Programme keys as their names, joined for reading."""
    known = builtin_programmes()
    return "、".join(known[k].name if k in known else "组合项目" for k in keys)
