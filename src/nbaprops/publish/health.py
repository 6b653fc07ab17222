"""The health of the dates a published file covers: ``ok``, or ``unhealthy`` with the reasons.

The rule is the one ``nbaprops health`` applies to a date (``ops/health.py: date_health``): a date
is unhealthy when a critical processor's latest attempt covering it failed with a paging category
(error, timeout, validation_failed — a step skipped as dependency_missing always sits below one of
those), or when a critical expected output is past its SLA (gap ``late``, ``failed`` or
``gave_up``); optional processors only add warnings. Here it is applied to a window of dates with one
gap search instead of one per date (a backtest publishes a month of files at once; the gap search
reads whole tables, so per date it would cost a month of searches).

The publish phase's own steps and files are left out of a file's health: the file being written is
their output, and reporting its own absence inside it would be noise.

A file whose date is unhealthy still says what is known (the slate, the lines) but lists no picks:
``"picks": []``, ``"stale_or_incomplete": true`` and the reasons in ``health.problems``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from nbaprops.config import Settings
from nbaprops.ops import health as ops_health
from nbaprops.ops.health import latest_attempts
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.processor import PHASES
from nbaprops.pipeline.run_history import RunHistory, worst
from nbaprops.warehouse.db import Warehouse

WITHHELD = "withheld: the pipeline is unhealthy for this date (see health.problems)"


def window_health(
    wh: Warehouse,
    history: RunHistory,
    settings: Settings,
    days: Iterable[date],
    skip_phases: frozenset[str] = frozenset({"publish"}),
) -> dict[date, dict[str, Any]]:
    """``{day: {"status": "ok"|"unhealthy", "problems": [...], "warnings": [...]}}`` for every day.

    ``nbaprops health``'s rule, without the publish phase's own steps by default.
    """
    return ops_health.window_health(wh, history, settings, days, skip_phases)


def phase_categories(history: RunHistory, day: date) -> dict[str, str | None]:
    """Per phase, the worst category among the latest attempts of its steps covering `day` (None: none ran)."""
    by_phase: dict[str, list[Category]] = defaultdict(list)
    for step in latest_attempts(history, day):
        by_phase[step["phase"]].append(Category(step["category"]))
    return {phase: worst(by_phase[phase]).value if by_phase[phase] else None for phase in PHASES}


def withhold(predictions: pd.DataFrame, unhealthy: pd.Series) -> pd.DataFrame:
    """Predictions of unhealthy dates as PASS, not actionable, with the reason: never a silent stale pick.

    The predicted value, probabilities and edge stay (they are what the model said); only the call
    to bet is taken back.
    """
    # No predictions at all (a season without lines): an empty map keeps the date dtype, so cast.
    unhealthy = unhealthy.astype(bool)
    if not unhealthy.any():
        return predictions
    out = predictions.copy()
    out.loc[unhealthy, "recommendation"] = "PASS"
    out.loc[unhealthy, "actionable"] = False
    out["pass_reason"] = out["pass_reason"].astype(object)
    out.loc[unhealthy, "pass_reason"] = WITHHELD
    return out
