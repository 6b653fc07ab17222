"""The daily best bets: one system's actionable picks, best expected value first, under caps.

Caps keep a day's list from being one bet repeated: at most one pick per player (his points and his
points+rebounds+assists move together), ``best_bets_per_game`` per game and ``best_bets_per_team``
per team (one team's bad night should not sink the day), ``best_bets_per_day`` in all. The system and
the caps are settings.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from nbaprops.config import Settings
from nbaprops.warehouse.db import Warehouse, utcnow

_CANDIDATES = """
SELECT p.game_date, p.system_id, p.market, p.player_id, p.game_id, f.team, f.opponent, p.recommendation,
       p.line, CASE WHEN p.recommendation = 'OVER' THEN p.over_odds ELSE p.under_odds END AS odds,
       greatest(p.p_over, p.p_under) AS p_side, p.edge, p.expected_value, p.model_id
FROM predictions.player_props AS p
LEFT JOIN features.player_game AS f USING (player_id, game_id)
WHERE p.system_id = $system AND p.actionable AND p.game_date BETWEEN $start AND $end
ORDER BY p.game_date, p.expected_value DESC, p.player_id, p.market
"""


def select_best_bets(candidates: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Apply the caps to one date's candidates, already ordered best first."""
    chosen, players = [], set()
    per_game: dict[str, int] = {}
    per_team: dict[str, int] = {}
    for row in candidates.itertuples(index=False):
        if len(chosen) >= settings.best_bets_per_day:
            break
        team = str(row.team)
        if (
            row.player_id in players
            or per_game.get(row.game_id, 0) >= settings.best_bets_per_game
            or per_team.get(team, 0) >= settings.best_bets_per_team
        ):
            continue
        chosen.append(row)
        players.add(row.player_id)
        per_game[row.game_id] = per_game.get(row.game_id, 0) + 1
        per_team[team] = per_team.get(team, 0) + 1
    out = pd.DataFrame(chosen, columns=candidates.columns)
    out.insert(1, "rank", range(1, len(out) + 1))
    return out


def build_best_bets(wh: Warehouse, settings: Settings, start: date, end: date) -> int:
    """Replace the best bets of [start, end] (idempotent); return how many were chosen."""
    candidates = wh.df(_CANDIDATES, {"system": settings.best_bets_system, "start": start, "end": end})
    days = [select_best_bets(group, settings) for _, group in candidates.groupby("game_date", sort=True)]
    chosen = pd.concat(days, ignore_index=True) if days else pd.DataFrame()
    with wh.transaction():
        wh.execute("DELETE FROM predictions.best_bets WHERE game_date BETWEEN ? AND ?", [start, end])
        if len(chosen):
            chosen["created_utc"] = utcnow()
            wh.con.register("_best_bets", chosen)
            wh.execute("INSERT INTO predictions.best_bets BY NAME SELECT * FROM _best_bets")
            wh.con.unregister("_best_bets")
    return len(chosen)
