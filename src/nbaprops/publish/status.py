"""``v1/status.json``: is the pipeline healthy, date by date — what the dashboard and a person check first.

For each game date of the last ``STATUS_DAYS`` days (up to the later of the run's last date and the
latest predicted date): the date's health (``publish/health.py``, here counting the publish steps
too) and, per phase, the worst category among the latest attempts of its steps covering the date.
A date is ``broken`` when unhealthy, ``degraded`` when only optional steps or outputs are in trouble,
``healthy`` otherwise; ``overall`` is the worst of them. The last runs follow, newest first.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from nbaprops.config import Settings
from nbaprops.pipeline.expectations import GAMES_PER_DATE
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.files import envelope, publish_json, version_dir
from nbaprops.publish.health import phase_categories, window_health
from nbaprops.warehouse.db import Warehouse

STATUS_DAYS = 14
LAST_RUNS = 10
LEVELS = ("healthy", "degraded", "broken")
RUN_KEYS = (
    "run_id", "command", "date_start", "date_end", "started_utc", "finished_utc", "status", "category", "quiet",
    "steps", "problems",
)  # fmt: skip


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Write the status file: the game dates of the `STATUS_DAYS` days up to `end` (or the latest prediction)."""
    assert settings.publish_dir is not None
    latest = wh.scalar("SELECT max(game_date) FROM predictions.player_props")
    anchor = max(end, pd.Timestamp(latest).date()) if latest is not None else end
    first = anchor - timedelta(days=STATUS_DAYS - 1)
    games = wh.df(f"SELECT game_date FROM ({GAMES_PER_DATE}) WHERE game_date BETWEEN $first AND $anchor",
                  {"first": first, "anchor": anchor})  # fmt: skip
    days = sorted({pd.Timestamp(d).date() for d in games["game_date"]}, reverse=True)
    health = window_health(wh, history, settings, days, skip_phases=frozenset())
    dates = [
        {"date": day.isoformat(), "level": level_of(health[day]), "health": health[day],
         "phases": phase_categories(history, day)}
        for day in days
    ]  # fmt: skip
    payload = {
        **envelope("status"),
        "overall": max((d["level"] for d in dates), key=LEVELS.index, default="healthy"),
        "window": {"first": first.isoformat(), "last": anchor.isoformat()},
        "dates": dates,
        "last_runs": [_run(r) for r in history.recent_runs(LAST_RUNS)],
    }
    return [publish_json(version_dir(settings.publish_dir) / "status.json", payload)]


def level_of(health: dict[str, Any]) -> str:
    if health["problems"]:
        return "broken"
    return "degraded" if health["warnings"] else "healthy"


def _run(run: dict[str, Any]) -> dict[str, Any]:
    out = {key: run.get(key) for key in RUN_KEYS}
    out["quiet"] = bool(out["quiet"])
    out["problems"] = int(out["problems"] or 0)
    return out
