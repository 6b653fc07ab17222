"""The span of game dates the warehouse holds data for."""

from __future__ import annotations

from datetime import date

from nbaprops.warehouse.db import Warehouse

RAW_DATED_TABLES = ("raw.player_game_logs", "raw.team_game_logs", "raw.schedule", "raw.prop_lines")


def data_span(wh: Warehouse) -> tuple[date, date] | None:
    """(first, last) game date across the raw tables, or None when the warehouse is empty."""
    union = " UNION ALL ".join(f"SELECT min(game_date) AS lo, max(game_date) AS hi FROM {t}" for t in RAW_DATED_TABLES)
    lo, hi = wh.execute(f"SELECT min(lo), max(hi) FROM ({union})").fetchone()
    return None if lo is None else (lo, hi)
