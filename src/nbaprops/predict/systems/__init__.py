"""The prediction systems, side by side: baseline, similarity, LightGBM and their ensemble.

Each is a :class:`~nbaprops.predict.systems.base.System`; ``get_system`` finds one by its id. The
imports are lazy so that a system module may import the shared base without an import cycle.
"""

from __future__ import annotations

from nbaprops.predict.systems.base import System

SYSTEM_IDS = ("baseline", "similarity", "lightgbm", "ensemble")


def get_system(system_id: str) -> System:
    """The system with this id (one instance per process; systems hold no state)."""
    if system_id not in _INSTANCES:
        _INSTANCES[system_id] = _build(system_id)
    return _INSTANCES[system_id]


def _build(system_id: str) -> System:
    if system_id == "baseline":
        from nbaprops.predict.baseline import BaselineSystem

        return BaselineSystem()
    if system_id == "similarity":
        from nbaprops.predict.systems.similarity import SimilaritySystem

        return SimilaritySystem()
    if system_id == "lightgbm":
        from nbaprops.predict.systems.gbm import LightGBMSystem

        return LightGBMSystem()
    if system_id == "ensemble":
        from nbaprops.predict.systems.ensemble import EnsembleSystem

        return EnsembleSystem()
    raise ValueError(f"unknown system {system_id!r}; systems are {', '.join(SYSTEM_IDS)}")


_INSTANCES: dict[str, System] = {}
