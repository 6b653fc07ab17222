"""``v1/tonight/{date}.json``: the slate of a game date, as a bettor reads it before tip-off.

For every game of the date: the players with a line in a configured market, each with his injury
status (the official report, only if published before tip-off), his recent form (the feature store's
point-in-time averages and his last five games), every book's line and the consensus; then every
configured system's prediction for him (flat, one row per system, market and player) and the picks —
the actionable predictions. Written for each date of the window that has games, whether or not they
were played yet (a past date's file is its slate as it was predicted).

When the date is unhealthy the slate stays but nothing is a pick: ``picks`` is empty, every prediction
is a PASS with the reason, ``stale_or_incomplete`` is true and ``health.problems`` says why.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from nbaprops.config import Settings
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.breakdowns import PLAYER_TIER_SQL
from nbaprops.publish.files import dated_path, envelope, publish_json
from nbaprops.publish.health import window_health, withhold
from nbaprops.publish.records import group_records
from nbaprops.warehouse.db import Warehouse

LAST_GAMES = 5

_GAMES = """
SELECT game_date, game_id, start_utc, season_type, home, away, is_final, home_pts, away_pts
FROM analytics.games WHERE game_date BETWEEN $start AND $end
ORDER BY game_date, start_utc NULLS LAST, game_id
"""

# Who is on the slate: a line in a configured market, or a prediction.
_SLATE = f"""
WITH slate AS (
    SELECT DISTINCT player_id, game_id, game_date FROM analytics.book_lines
    WHERE game_date BETWEEN $start AND $end AND list_contains($markets, market)
    UNION
    SELECT DISTINCT player_id, game_id, game_date FROM predictions.player_props
    WHERE game_date BETWEEN $start AND $end
)
SELECT
    s.game_date, s.game_id, s.player_id, coalesce(pl.full_name, CAST(s.player_id AS VARCHAR)) AS player,
    coalesce(f.team, c.team) AS team, coalesce(f.opponent, c.opponent) AS opponent,
    coalesce(c.is_home, f.is_home = 1) AS is_home, {PLAYER_TIER_SQL} AS player_tier,
    c.injury_status, c.injury_reason, c.teammates_out,
    f.games_played_season, f.last_game_date, f.days_rest, f.min_l5, f.min_l10, f.min_season,
    f.pts_l5, f.pts_l10, f.pts_season, f.reb_l10, f.ast_l10, f.pra_l10, f.quality_tier
FROM slate AS s
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN features.player_game AS f USING (player_id, game_id)
LEFT JOIN analytics.player_game_context AS c USING (player_id, game_id)
ORDER BY s.game_date, s.game_id, team, player
"""

_LAST_GAMES = f"""
WITH slate AS (
    SELECT DISTINCT player_id, game_id, game_date FROM analytics.book_lines
    WHERE game_date BETWEEN $start AND $end AND list_contains($markets, market)
    UNION
    SELECT DISTINCT player_id, game_id, game_date FROM predictions.player_props
    WHERE game_date BETWEEN $start AND $end
),
earlier AS (
    SELECT
        s.player_id, s.game_id AS slate_game_id, g.game_date, g.opponent, g.is_home, g.status, g.minutes,
        g.pts, g.reb, g.ast, g.fg3m,
        row_number() OVER (PARTITION BY s.player_id, s.game_id ORDER BY g.game_date DESC) AS n
    FROM slate AS s
    JOIN analytics.player_game_summary AS g ON g.player_id = s.player_id AND g.game_date < s.game_date
)
SELECT * FROM earlier WHERE n <= {LAST_GAMES} ORDER BY player_id, slate_game_id, game_date DESC
"""

_BOOK_LINES = """
SELECT player_id, game_id, market, bookmaker, line, over_odds, under_odds, opening_line, snapshot_utc
FROM analytics.book_lines
WHERE game_date BETWEEN $start AND $end AND list_contains($markets, market)
ORDER BY player_id, game_id, market, bookmaker
"""

_CONSENSUS = """
SELECT player_id, game_id, market, line, bookmaker, over_odds, under_odds, median_line, min_line, max_line,
       n_books, opening_line
FROM analytics.consensus_lines
WHERE game_date BETWEEN $start AND $end AND list_contains($markets, market)
"""

_PREDICTIONS = """
SELECT
    p.game_date, p.system_id, p.market, p.player_id, coalesce(pl.full_name, CAST(p.player_id AS VARCHAR)) AS player,
    p.game_id, f.team, f.opponent, p.line, p.bookmaker, p.over_odds, p.under_odds, p.predicted, p.p_over,
    p.p_under, greatest(p.p_over, p.p_under) AS p_side, p.edge, p.expected_value, p.recommendation, p.actionable,
    p.pass_reason, p.quality_tier, p.model_id
FROM predictions.player_props AS p
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN features.player_game AS f USING (player_id, game_id)
WHERE p.game_date BETWEEN $start AND $end
ORDER BY p.game_date, p.system_id, p.market, p.actionable DESC, abs(p.edge) DESC, p.player_id
"""

PREDICTION_COLUMNS = (
    "system_id", "market", "player_id", "player", "game_id", "team", "opponent", "line", "bookmaker", "over_odds",
    "under_odds", "predicted", "p_over", "p_under", "edge", "expected_value", "recommendation", "actionable",
    "pass_reason", "quality_tier", "model_id",
)  # fmt: skip
PICK_COLUMNS = (
    "system_id", "market", "player_id", "player", "game_id", "team", "opponent", "recommendation", "line",
    "bookmaker", "odds", "p_side", "edge", "expected_value",
)  # fmt: skip
GAME_COLUMNS = ("game_id", "start_utc", "season_type", "home", "away", "is_final", "home_pts", "away_pts")
FORM_COLUMNS = (
    "games_played_season", "last_game_date", "days_rest", "min_l5", "min_l10", "min_season", "pts_l5", "pts_l10",
    "pts_season", "reb_l10", "ast_l10", "pra_l10", "quality_tier",
)  # fmt: skip
LAST_GAME_COLUMNS = ("game_date", "opponent", "is_home", "status", "minutes", "pts", "reb", "ast", "fg3m")
BOOK_COLUMNS = ("bookmaker", "line", "over_odds", "under_odds", "opening_line", "snapshot_utc")
CONSENSUS_COLUMNS = (
    "line", "bookmaker", "over_odds", "under_odds", "median_line", "min_line", "max_line", "n_books", "opening_line"
)  # fmt: skip


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Write one tonight file per date in [start, end] with games; return the paths written."""
    assert settings.publish_dir is not None
    params: dict[str, Any] = {"start": start, "end": end, "markets": list(settings.prediction_markets)}
    dates_only = {"start": start, "end": end}
    games = wh.df(_GAMES, dates_only)
    if games.empty:
        return []
    slate = wh.df(_SLATE, params)
    last_games = group_records(wh.df(_LAST_GAMES, params), ["player_id", "slate_game_id"], LAST_GAME_COLUMNS)
    books = group_records(wh.df(_BOOK_LINES, params), ["player_id", "game_id", "market"], BOOK_COLUMNS)
    consensus = group_records(wh.df(_CONSENSUS, params), ["player_id", "game_id", "market"], CONSENSUS_COLUMNS)
    predictions = wh.df(_PREDICTIONS, dates_only)
    days = sorted({pd.Timestamp(d).date() for d in games["game_date"]})
    health = window_health(wh, history, settings, {*days, *(pd.Timestamp(d).date() for d in predictions["game_date"])})
    unhealthy = predictions["game_date"].map(lambda d: health[pd.Timestamp(d).date()]["status"] != "ok")
    predictions = withhold(predictions, unhealthy)
    picks = predictions.loc[predictions["actionable"].astype(bool)].assign(
        odds=lambda f: f["over_odds"].where(f["recommendation"] == "OVER", f["under_odds"])
    )
    # Everything converted once and grouped by date (ISO strings), not sliced per date.
    by_day = {
        "games": group_records(games, "game_date", GAME_COLUMNS),
        "slate": group_records(slate, "game_date"),
        "predictions": group_records(predictions, "game_date", PREDICTION_COLUMNS),
        "picks": group_records(picks, "game_date", PICK_COLUMNS),
    }
    lines = {"books": books, "consensus": consensus, "last_games": last_games}
    written = []
    for day in days:
        mine = {name: rows.get(day.isoformat(), []) for name, rows in by_day.items()}
        payload = _day_payload(day, health[day], settings, mine, lines)
        written.append(publish_json(dated_path(settings.publish_dir, "tonight", day), payload))
    return written


def _day_payload(
    day: date,
    health: dict[str, Any],
    settings: Settings,
    rows: dict[str, list[dict[str, Any]]],
    lines: dict[str, dict[Any, list[dict[str, Any]]]],
) -> dict[str, Any]:
    unhealthy = health["status"] != "ok"
    per_game = Counter(row["game_id"] for row in rows["slate"])
    predicted_systems = {row["system_id"] for row in rows["predictions"]}
    return {
        **envelope("tonight", day, health),
        "stale_or_incomplete": unhealthy,
        "reason": "; ".join(health["problems"]) if unhealthy else None,
        "systems": list(settings.prediction_systems),
        "markets": list(settings.prediction_markets),
        "systems_without_predictions": [s for s in settings.prediction_systems if s not in predicted_systems],
        "games": [{**game, "players": per_game[game["game_id"]]} for game in rows["games"]],
        "players": [_player(row, settings, lines) for row in rows["slate"]],
        "predictions": rows["predictions"],
        "picks": [] if unhealthy else rows["picks"],
    }


def _player(
    row: dict[str, Any], settings: Settings, lines: dict[str, dict[Any, list[dict[str, Any]]]]
) -> dict[str, Any]:
    key = (row["player_id"], row["game_id"])
    markets = {}
    for market in settings.prediction_markets:
        books = lines["books"].get((*key, market), [])
        consensus = lines["consensus"].get((*key, market), [])
        if books or consensus:
            markets[market] = {"consensus": consensus[0] if consensus else None, "books": books}
    return {
        "player_id": row["player_id"],
        "player": row["player"],
        "game_id": row["game_id"],
        "team": row["team"],
        "opponent": row["opponent"],
        "is_home": row["is_home"],
        "player_tier": row["player_tier"],
        "injury": {
            "status": row["injury_status"],
            "reason": row["injury_reason"],
            "teammates_out": row["teammates_out"],
        },
        "recent_form": {
            **{column: row[column] for column in FORM_COLUMNS},
            "last_games": lines["last_games"].get(key, []),
        },
        "lines": markets,
    }
