"""``v1/players/{player_id}.json`` and ``v1/players/index.json``: one page per player, and how to find it.

A player's page holds his last ``RECENT_GAMES`` games (box score lines, or why he did not play), his
predictions of the last ``PREDICTION_DAYS`` days with their grades, and his record per system and
market over every graded prediction (``grading.summary.summarize``). Pages are rewritten for every
player with a prediction in the window; each page covers his whole history, so a page is complete
whichever window wrote it last. Predictions of a date that is unhealthy are shown as withheld PASSes,
as in that date's tonight file.

The index lists every player with a page: id, name, a URL slug (``lebron-james``; the id is appended
when two players share a name), the normalised name key the API matches searches against, his team
and last game — so the API can find a player by name without opening every page.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from nbaprops.config import Settings
from nbaprops.names import name_key, normalize
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.publish.files import envelope, publish_json, version_dir
from nbaprops.publish.health import window_health, withhold
from nbaprops.publish.records import group_records, records
from nbaprops.publish.summaries import summarize_by
from nbaprops.warehouse.db import Warehouse

RECENT_GAMES = 20
PREDICTION_DAYS = 90

_PLAYERS = """
SELECT p.player_id, coalesce(pl.full_name, CAST(p.player_id AS VARCHAR)) AS player
FROM (SELECT DISTINCT player_id FROM predictions.player_props WHERE game_date BETWEEN $start AND $end) AS p
LEFT JOIN ref.players AS pl USING (player_id)
ORDER BY p.player_id
"""

_GAMES = """
WITH ranked AS (
    SELECT
        player_id, game_date, game_id, team, opponent, is_home, status, status_reason, minutes, pts, reb, ast,
        fg3m, stl, blk, tov,
        row_number() OVER (PARTITION BY player_id ORDER BY game_date DESC) AS n
    FROM analytics.player_game_summary
    WHERE list_contains($players, player_id) AND game_date <= $end
)
SELECT * EXCLUDE (n) FROM ranked WHERE n <= $recent ORDER BY player_id, game_date DESC
"""

_PREDICTIONS = """
SELECT
    p.player_id, p.game_date, p.system_id, p.market, p.game_id, f.team, f.opponent, p.line, p.bookmaker,
    p.predicted, p.p_over, p.p_under, p.edge, p.expected_value, p.recommendation, p.actionable, p.pass_reason,
    g.actual, g.outcome, g.void_reason, g.abs_error, g.market_abs_error, g.profit, g.within_3, g.within_5,
    g.brier, g.market_brier
FROM predictions.player_props AS p
LEFT JOIN grading.player_props AS g USING (system_id, market, player_id, game_id)
LEFT JOIN features.player_game AS f USING (player_id, game_id)
WHERE list_contains($players, p.player_id) AND p.game_date <= $end
ORDER BY p.player_id, p.game_date DESC, p.system_id, p.market
"""

_INDEX = """
WITH latest AS (
    SELECT player_id, arg_max(team, game_date) AS team, max(game_date) AS last_game_date
    FROM analytics.player_game_summary WHERE list_contains($players, player_id) GROUP BY player_id
)
SELECT p.player_id, coalesce(pl.full_name, CAST(p.player_id AS VARCHAR)) AS name, l.team, l.last_game_date
FROM (SELECT unnest($players) AS player_id) AS p
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN latest AS l USING (player_id)
ORDER BY name, p.player_id
"""

GAME_COLUMNS = (
    "game_date", "game_id", "team", "opponent", "is_home", "status", "status_reason", "minutes", "pts", "reb",
    "ast", "fg3m", "stl", "blk", "tov",
)  # fmt: skip
PREDICTION_COLUMNS = (
    "game_date", "system_id", "market", "game_id", "team", "opponent", "line", "bookmaker", "predicted", "p_over",
    "p_under", "edge", "expected_value", "recommendation", "actionable", "pass_reason", "actual", "outcome",
    "void_reason", "abs_error", "market_abs_error", "profit",
)  # fmt: skip


def players_dir(publish_dir: Path) -> Path:
    return version_dir(publish_dir) / "players"


def publish(wh: Warehouse, settings: Settings, history: RunHistory, start: date, end: date) -> list[Path]:
    """Rewrite the page of every player with a prediction in [start, end], then the index."""
    assert settings.publish_dir is not None
    players = wh.df(_PLAYERS, {"start": start, "end": end})
    if players.empty:
        return []
    ids = [int(i) for i in players["player_id"]]
    params = {"players": ids, "end": end}
    games = group_records(wh.df(_GAMES, {**params, "recent": RECENT_GAMES}), "player_id", GAME_COLUMNS)
    predictions = wh.df(_PREDICTIONS, params)
    days = {pd.Timestamp(d).date() for d in predictions["game_date"]}
    health = window_health(wh, history, settings, days)
    unhealthy = predictions["game_date"].map(lambda d: health[pd.Timestamp(d).date()]["status"] != "ok")
    predictions = withhold(predictions, unhealthy)
    graded = predictions.loc[predictions["outcome"].notna()]
    record: dict[int, dict[str, Any]] = {}
    for (pid, system, market), summary in summarize_by(graded, ["player_id", "system_id", "market"]).items():
        record.setdefault(int(pid), {})[f"{system}/{market}"] = summary
    recent = predictions["game_date"] >= pd.Timestamp(end - timedelta(days=PREDICTION_DAYS))
    shown = group_records(predictions.loc[recent], "player_id", PREDICTION_COLUMNS)
    folder = players_dir(settings.publish_dir)
    index = index_rows(wh, sorted(set(ids) | published_ids(folder)))
    written = []
    for player_id, player in zip(ids, players["player"], strict=True):
        payload = {
            **envelope("player"),
            "player_id": player_id,
            "player": player,
            "slug": index[player_id]["slug"],
            "recent_games": games.get(player_id, []),
            "predictions": shown.get(player_id, []),
            "record": record.get(player_id, {}),
        }
        written.append(publish_json(folder / f"{player_id}.json", payload))
    entries = list(index.values())
    written.append(publish_json(folder / "index.json", {**envelope("players_index"), "count": len(entries),
                                                      "players": entries}))  # fmt: skip
    return written


def published_ids(folder: Path) -> set[int]:
    """The players with a page already (the folder is the truth: pages of earlier windows stay listed)."""
    return {int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()}


def index_rows(wh: Warehouse, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Index entries by player id, in name order, each with its unique slug and name key."""
    rows = wh.df(_INDEX, {"players": ids})
    slugs = unique_slugs(rows)
    return {
        row["player_id"]: {**row, "slug": slugs[row["player_id"]], "name_key": name_key(row["name"])}
        for row in records(rows, ["player_id", "name", "team", "last_game_date"])
    }


def slugify(name: str) -> str:
    """``"Nikola Jokić"`` -> ``"nikola-jokic"``: lower case ASCII words joined by hyphens."""
    return normalize(name).replace(" ", "-")


def unique_slugs(rows: pd.DataFrame) -> dict[int, str]:
    """A slug per player id; players who share a name get their id appended, so every slug is unique."""
    slugs = {int(pid): slugify(str(name)) for pid, name in zip(rows["player_id"], rows["name"], strict=True)}
    counts = pd.Series(list(slugs.values()), dtype=object).value_counts()
    return {pid: f"{slug}-{pid}" if counts.get(slug, 0) > 1 else slug for pid, slug in slugs.items()}
