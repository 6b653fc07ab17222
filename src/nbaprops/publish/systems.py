"""``v1/systems/performance.json``: how each prediction system does, per market.

For every system and market with graded predictions: ``overall`` — ``grading.summary.summarize`` over
all of them (the backtest's numbers) —, ``rolling`` — the 7, 14 and 30-day windows of
``grading.daily_performance`` as of its latest graded date — and ``series``, those windows as of each
of the last ``SERIES_DATES`` graded dates, for charts. Not dated: one file, rewritten whenever the
publish phase runs after grading.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from nbaprops.config import Settings
from nbaprops.grading.summary import summarize
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.files import envelope, publish_json, version_dir
from nbaprops.publish.records import group_records
from nbaprops.warehouse.db import Warehouse

SERIES_DATES = 60
WINDOWS = (7, 14, 30)

_GRADED = """
SELECT system_id, market, game_date, outcome, actionable, profit, abs_error, market_abs_error, brier, market_brier,
       within_3, within_5
FROM grading.player_props
"""

_ROLLING = """
WITH dated AS (
    SELECT *, dense_rank() OVER (PARTITION BY system_id, market ORDER BY game_date DESC) AS age
    FROM grading.daily_performance
)
SELECT system_id, market, game_date AS date, window_days, graded, picks, wins, losses, pushes, hit_rate, mae,
       market_mae, brier, market_brier, profit, roi, age
FROM dated WHERE age <= $dates
ORDER BY system_id, market, game_date, window_days
"""

WINDOW_COLUMNS = (
    "date", "window_days", "graded", "picks", "wins", "losses", "pushes", "hit_rate", "mae", "market_mae", "brier",
    "market_brier", "profit", "roi",
)  # fmt: skip


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Write the performance file over all graded history (whatever the window); nothing when none is graded."""
    assert settings.publish_dir is not None
    graded = wh.df(_GRADED)
    if graded.empty:
        return []
    rolling = wh.df(_ROLLING, {"dates": SERIES_DATES})
    latest = group_records(rolling.loc[rolling["age"] == 1], ["system_id", "market"], WINDOW_COLUMNS)
    series = group_records(rolling, ["system_id", "market"], WINDOW_COLUMNS)
    systems = []
    for (system, market), rows in graded.groupby(["system_id", "market"], sort=True):
        systems.append(
            {
                "system_id": system,
                "market": market,
                "first_date": rows["game_date"].min().date().isoformat(),
                "last_date": rows["game_date"].max().date().isoformat(),
                "overall": summarize(rows),
                "rolling": _by_window(latest.get((system, market), [])),
                "series": series.get((system, market), []),
            }
        )
    payload = {
        **envelope("systems_performance"),
        "as_of": graded["game_date"].max().date().isoformat(),
        "windows": list(WINDOWS),
        "systems": systems,
    }
    return [publish_json(version_dir(settings.publish_dir) / "systems" / "performance.json", payload)]


def _by_window(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
    """The latest rolling rows keyed by window length ("7", "14", "30"); None for a window not computed."""
    found = {str(row["window_days"]): row for row in rows}
    return {str(days): found.get(str(days)) for days in WINDOWS}
