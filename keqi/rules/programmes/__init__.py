"""Programme modules, one per programme, and the registry of built-in ones."""

from __future__ import annotations

from keqi.rules.model import Programme


def builtin_programmes() -> dict[str, Programme]:
    """Every programme encoded in code, by key (composed ones come as data)."""
    from keqi.rules.programmes import (
        high_tech,
        innovative_sme,
        tech_sme,
        tj_chuying,
        zjtx_sme,
    )

    found = [
        tech_sme.PROGRAMME,
        high_tech.PROGRAMME,
        tj_chuying.PROGRAMME,
        innovative_sme.PROGRAMME,
        zjtx_sme.PROGRAMME,
    ]
    return {p.key: p for p in found}
