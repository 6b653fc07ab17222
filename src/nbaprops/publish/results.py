"""``v1/results/{date}.json``: every graded prediction of a date, the day's summary and its breakdowns.

Per system and market (key ``"{system}/{market}"``): the summary ``grading.summary.summarize`` makes
(the backtest's numbers: graded, voids, MAE against the line's, picks, wins, losses, pushes, hit rate,
ROI at the real odds, Brier — computed for all groups at once by ``publish/summaries.py``), and the
same summary by confidence and player tier (``publish/breakdowns.py``). Then every graded prediction
with its outcome.

When the date is unhealthy (a critical step failed, or a critical output is missing), the grades may
be partial or computed from incomplete box scores: the file says so and lists nothing —
``predictions``, ``summary`` and ``breakdowns`` empty, ``stale_or_incomplete`` true.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from nbaprops.config import Settings
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.breakdowns import PLAYER_TIER_SQL, breakdowns
from nbaprops.publish.files import dated_path, envelope, publish_json
from nbaprops.publish.health import window_health
from nbaprops.publish.records import records
from nbaprops.publish.summaries import summarize_by
from nbaprops.warehouse.db import Warehouse

_QUERY = f"""
SELECT
    g.system_id, g.market, g.game_date, g.game_id, g.player_id,
    coalesce(pl.full_name, CAST(g.player_id AS VARCHAR)) AS player, f.team, f.opponent, f.is_home = 1 AS is_home,
    f.quality_tier, {PLAYER_TIER_SQL} AS player_tier,
    g.line, p.bookmaker, p.over_odds, p.under_odds,
    g.predicted, p.p_over, p.p_under, greatest(p.p_over, p.p_under) AS p_side, p.edge, p.expected_value,
    g.recommendation, g.actionable, p.pass_reason,
    g.actual, g.outcome, g.void_reason, g.abs_error, g.market_abs_error, g.within_3, g.within_5,
    g.brier, g.market_brier, g.profit
FROM grading.player_props AS g
JOIN predictions.player_props AS p USING (system_id, market, player_id, game_id)
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN features.player_game AS f USING (player_id, game_id)
WHERE g.game_date BETWEEN $start AND $end
ORDER BY g.game_date, g.system_id, g.market, g.actionable DESC, abs(p.edge) DESC, g.player_id
"""

PREDICTION_COLUMNS = (
    "system_id", "market", "game_id", "player_id", "player", "team", "opponent", "is_home", "quality_tier",
    "player_tier", "line", "bookmaker", "over_odds", "under_odds", "predicted", "p_over", "p_under", "p_side",
    "edge", "expected_value", "recommendation", "actionable", "pass_reason", "actual", "outcome", "void_reason",
    "abs_error", "market_abs_error", "profit",
)  # fmt: skip


def graded_rows(wh: Warehouse, start: date, end: date) -> pd.DataFrame:
    """Graded predictions of [start, end] with what the files show beside them (names, teams, tiers)."""
    return wh.df(_QUERY, {"start": start, "end": end})


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Write one results file per date in [start, end] that has graded predictions."""
    assert settings.publish_dir is not None
    rows = graded_rows(wh, start, end)
    if rows.empty:
        return []
    rows["game_date"] = rows["game_date"].dt.date
    keys = ["game_date", "system_id", "market"]
    summaries = summarize_by(rows, keys)
    by_bucket = breakdowns(rows, keys)
    by_day = dict(tuple(rows.groupby("game_date", sort=True)))
    health = window_health(wh, history, settings, by_day)
    written = []
    for day, day_rows in by_day.items():
        unhealthy = health[day]["status"] != "ok"
        groups = [] if unhealthy else sorted(k for k in summaries if k[0] == day)
        payload = {
            **envelope("results", day, health[day]),
            "stale_or_incomplete": unhealthy,
            "reason": "; ".join(health[day]["problems"]) if unhealthy else None,
            "summary": {f"{system}/{market}": summaries[(d, system, market)] for d, system, market in groups},
            "breakdowns": {f"{system}/{market}": by_bucket[(d, system, market)] for d, system, market in groups},
            "predictions": [] if unhealthy else records(day_rows, PREDICTION_COLUMNS),
        }
        written.append(publish_json(dated_path(settings.publish_dir, "results", day), payload))
    return written
