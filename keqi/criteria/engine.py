"""The engine as this installation runs it: shipped rules plus HQ's stored edits.

Every page, command and background job that evaluates enterprises takes its
parameters and composed programmes from :func:`engine_setup`, never from
``keqi.rules.default_params()`` directly, so that an HQ edit (recorded in the
audit trail) reaches every verdict the same way.  A setup can be written down
(:meth:`EngineSetup.snapshot`, plain JSON) and rebuilt exactly later
(:func:`engine_setup_from_snapshot`), which is how a stored verdict is reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keqi.rules import ComposeError, ParamError, ParamSet, default_params
from keqi.rules.evaluate import RULES_VERSION
from keqi.rules.model import Programme
from keqi.rules.programmes.composed import compose_programmes


@dataclass(frozen=True)
class EngineSetup:
    """Parameters and composed programmes to hand to ``keqi.rules.evaluate``.

    ``params`` go to ``params=``, ``extra`` to ``extra=``.  ``overrides`` and
    ``definitions`` are the stored HQ data they were built from (JSON-safe).
    ``problems`` names stored edits that could not be used (they are left out,
    and the rules page shows why); it is not part of the snapshot.
    """

    params: ParamSet
    extra: tuple[Programme, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    definitions: tuple[Mapping[str, Any], ...] = ()
    problems: tuple[str, ...] = ()

    def snapshot(self) -> dict[str, Any]:
        """What is needed to rebuild this setup exactly (JSON-safe)."""
        return {
            "rules_version": RULES_VERSION,
            "overrides": dict(self.overrides),
            "definitions": [dict(d) for d in self.definitions],
        }


def engine_setup_build(
    overrides: Mapping[str, Any], definitions: tuple[Mapping[str, Any], ...]
) -> EngineSetup:
    """A setup from HQ's overrides and programme definitions (checked on build)."""
    params = default_params().with_overrides(overrides)
    extra = tuple(compose_programmes(definitions))
    return EngineSetup(params, extra, dict(overrides), tuple(definitions))


def engine_setup_from_snapshot(snapshot: Mapping[str, Any]) -> EngineSetup:
    """Rebuild the setup a :meth:`EngineSetup.snapshot` recorded."""
    return engine_setup_build(
        snapshot.get("overrides", {}), tuple(snapshot.get("definitions", ()))
    )


def engine_setup() -> EngineSetup:
    """The current setup: shipped rules plus HQ's stored edits and compositions.

    Two queries.  Stored data that no longer builds (say, an edit of a parameter
    a new release removed) is left out and named in ``problems`` rather than
    stopping every page.
    """
    from keqi.criteria.stored import definitions_current, overrides_read

    overrides, unread = overrides_read()
    definitions = definitions_current()
    if not unread:
        try:
            return engine_setup_build(overrides, definitions)
        except (ParamError, ComposeError):
            pass
    return engine_setup_tolerant(overrides, definitions, unread)


def engine_setup_tolerant(
    overrides: Mapping[str, Any],
    definitions: tuple[Mapping[str, Any], ...],
    problems: list[str],
) -> EngineSetup:
    """Build what builds; name each parameter or programme left out."""
    problems = list(problems)
    kept: dict[str, Any] = {}
    for pid, edit in overrides.items():
        try:
            default_params().with_overrides({pid: edit})
            kept[pid] = edit
        except ParamError as exc:
            problems.append(f"参数 {pid} 的总部修改未能使用：{exc}")
    good: list[Mapping[str, Any]] = []
    for key in dict.fromkeys(str(d.get("key")) for d in definitions):
        group = [d for d in definitions if str(d.get("key")) == key]
        try:
            compose_programmes(group)
            good.extend(group)
        except ComposeError as exc:
            problems.append(f"评价项目 {key} 的定义未能使用：{exc}")
    setup = engine_setup_build(kept, tuple(good))
    return EngineSetup(
        setup.params, setup.extra, kept, tuple(good), problems=tuple(problems)
    )
