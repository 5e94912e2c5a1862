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

from keqi.rules import ParamSet, default_params
from keqi.rules.evaluate import RULES_VERSION
from keqi.rules.model import Programme
from keqi.rules.programmes.composed import compose_programmes


@dataclass(frozen=True)
class EngineSetup:
    """Parameters and composed programmes to hand to ``keqi.rules.evaluate``.

    ``params`` go to ``params=``, ``extra`` to ``extra=``.  ``overrides`` and
    ``definitions`` are the stored HQ data they were built from (JSON-safe).
    """

    params: ParamSet
    extra: tuple[Programme, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    definitions: tuple[Mapping[str, Any], ...] = ()

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
    """The current setup (stored overrides and compositions are added by this app)."""
    return engine_setup_build({}, ())
