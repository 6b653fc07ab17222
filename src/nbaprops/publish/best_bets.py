"""``v1/best-bets/{date}.json``: the day's best bets (``predictions.best_bets``), with their results.

The bets are chosen in the predictions phase (``predict/best_bets.py``: one system's actionable picks,
best expected value first, capped per day, game, team and player); this file shows them in rank
order with the caps that shaped them, and — once the games are graded — each bet's outcome and the
day's record (``grading.summary.summarize`` over the graded bets).

Written for every date of the window with predictions, also when no bet qualified (``bets`` empty,
``note`` says why), so "no best bets today" is never confused with "not published". An unhealthy date
lists no bets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from nbaprops.config import Settings
from nbaprops.grading.summary import summarize
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.files import dated_path, envelope, publish_json
from nbaprops.publish.health import window_health
from nbaprops.publish.records import records
from nbaprops.warehouse.db import Warehouse

_DATES = """
SELECT DISTINCT game_date FROM predictions.player_props WHERE game_date BETWEEN $start AND $end ORDER BY 1
"""

_BETS = """
SELECT
    b.game_date, b.rank, b.system_id, b.market, b.player_id,
    coalesce(pl.full_name, CAST(b.player_id AS VARCHAR)) AS player, b.game_id, b.team, b.opponent,
    b.recommendation, b.line, b.odds, b.p_side, b.edge, b.expected_value, b.model_id,
    g.actual, g.outcome, g.profit, g.actionable, g.abs_error, g.market_abs_error
FROM predictions.best_bets AS b
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN grading.player_props AS g USING (system_id, market, player_id, game_id)
WHERE b.game_date BETWEEN $start AND $end
ORDER BY b.game_date, b.rank
"""

BET_COLUMNS = (
    "rank", "system_id", "market", "player_id", "player", "game_id", "team", "opponent", "recommendation", "line",
    "odds", "p_side", "edge", "expected_value", "model_id", "actual", "outcome", "profit",
)  # fmt: skip


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Write one best-bets file per date in [start, end] with predictions; return the paths written."""
    assert settings.publish_dir is not None
    window = {"start": start, "end": end}
    days = [pd.Timestamp(d).date() for d in wh.df(_DATES, window)["game_date"]]
    if not days:
        return []
    bets = wh.df(_BETS, window)
    health = window_health(wh, history, settings, days)
    written = []
    for day in days:
        payload = best_bets_payload(day, bets.loc[bets["game_date"] == pd.Timestamp(day)], health[day], settings)
        written.append(publish_json(dated_path(settings.publish_dir, "best_bets", day), payload))
    return written


def best_bets_payload(day: date, bets: pd.DataFrame, health: dict[str, Any], settings: Settings) -> dict[str, Any]:
    unhealthy = health["status"] != "ok"
    graded = bets.loc[bets["outcome"].notna()]
    return {
        **envelope("best_bets", day, health),
        "stale_or_incomplete": unhealthy,
        "reason": "; ".join(health["problems"]) if unhealthy else None,
        "system_id": settings.best_bets_system,
        "caps": {
            "per_day": settings.best_bets_per_day,
            "per_game": settings.best_bets_per_game,
            "per_team": settings.best_bets_per_team,
            "per_player": 1,
        },
        "note": _note(bets, settings, unhealthy),
        "bets": [] if unhealthy else records(bets, BET_COLUMNS),
        "record": None if unhealthy or graded.empty else summarize(graded),
    }


def _note(bets: pd.DataFrame, settings: Settings, unhealthy: bool) -> str | None:
    if unhealthy:
        return "no bets: the pipeline is unhealthy for this date (see health.problems)"
    if not bets.empty:
        return None
    if settings.best_bets_system not in settings.prediction_systems:
        return f"no bets: the best-bets system {settings.best_bets_system!r} is not among the systems run"
    return f"no bets: no actionable pick of {settings.best_bets_system!r} on this date"
