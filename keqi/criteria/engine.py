"""The engine as this installation runs it: shipped rules plus HQ's stored edits.

Every page, command and background job that evaluates enterprises takes its
parameters and composed programmes from :func:`engine_setup`, never from
``keqi.rules.default_params()`` directly, so that an HQ edit (recorded in the
audit trail) reaches every verdict the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from keqi.rules import ParamSet, default_params
from keqi.rules.model import Programme


@dataclass(frozen=True)
class EngineSetup:
    """Parameters and composed programmes to hand to ``keqi.rules.evaluate``.

    ``params`` go to ``params=``, ``extra`` to ``extra=``.
    """

    params: ParamSet
    extra: tuple[Programme, ...]


def engine_setup() -> EngineSetup:
    """The current setup (stored overrides and compositions are added by this app)."""
    return EngineSetup(default_params(), ())
