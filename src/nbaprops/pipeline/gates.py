"""Validation gates between phases: checks a step's output must pass before what depends on it runs.

A gate returns the problems it found (none = pass). Its mode decides what they do: ``off`` (not
evaluated), ``warn`` (recorded on the step, nothing blocked) or ``block`` (the step ends
``validation_failed`` and its dependants are not run). The mode comes from the gate, else from the
``NBAPROPS_GATE_MODE`` setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from nbaprops.warehouse.db import Warehouse

GateMode = Literal["off", "warn", "block"]
Check = Callable[[Warehouse, date, date], list[str]]

# Games between two NBA teams that a schedule (scraped or imported) says were played: the yardstick
# for "every game that happened has its box scores", whatever the box scores themselves say.
SCHEDULED_FINAL_GAMES = """
    SELECT game_id, game_date FROM raw.nbac_schedule
    WHERE status = 3 AND home IN (SELECT tricode FROM ref.teams) AND away IN (SELECT tricode FROM ref.teams)
    UNION
    SELECT game_id, game_date FROM raw.schedule WHERE status = 3
"""


@dataclass(frozen=True)
class Gate:
    name: str
    check: Check
    description: str
    mode: GateMode | None = None  # None: the NBAPROPS_GATE_MODE setting


def players_per_final_game(minimum: int) -> Check:
    """Every game the schedule says was played has at least `minimum` player rows."""

    def check(wh: Warehouse, start: date, end: date) -> list[str]:
        rows = wh.execute(
            f"""
            SELECT s.game_id, s.game_date, count(p.player_id) AS players
            FROM ({SCHEDULED_FINAL_GAMES}) AS s
            LEFT JOIN analytics.player_game_summary AS p ON p.game_id = s.game_id
            WHERE s.game_date BETWEEN ? AND ?
            GROUP BY s.game_id, s.game_date
            HAVING count(p.player_id) < ?
            ORDER BY s.game_date
            """,
            [start, end, minimum],
        ).fetchall()
        return [f"game {g} on {d}: {n} player rows (expected at least {minimum})" for g, d, n in rows]

    return check


def games_match_schedule() -> Check:
    """analytics.games holds every game the schedule says was played."""

    def check(wh: Warehouse, start: date, end: date) -> list[str]:
        rows = wh.execute(
            f"""
            SELECT s.game_id, s.game_date FROM ({SCHEDULED_FINAL_GAMES}) AS s
            WHERE s.game_date BETWEEN ? AND ?
                AND s.game_id NOT IN (SELECT game_id FROM analytics.games WHERE is_final)
            ORDER BY s.game_date
            """,
            [start, end],
        ).fetchall()
        return [f"game {g} on {d} is final in the schedule but has no box scores" for g, d in rows]

    return check


def low_quality_share(maximum: float) -> Check:
    """At most `maximum` of the feature rows may be of low quality (key features defaulted)."""

    def check(wh: Warehouse, start: date, end: date) -> list[str]:
        total, low = wh.execute(
            "SELECT count(*), count(*) FILTER (WHERE quality_tier = 'low') FROM features.player_game"
            " WHERE game_date BETWEEN ? AND ?",
            [start, end],
        ).fetchone()
        if total and low / total > maximum:
            return [f"{low} of {total} feature rows ({low / total:.1%}) are low quality (limit {maximum:.0%})"]
        return []

    return check


def lines_fresh_for_today(max_age_hours: float, today: Callable[[], date]) -> Check:
    """Tonight's lines were quoted in the last `max_age_hours` (a stale feed must not make picks)."""

    def check(wh: Warehouse, start: date, end: date) -> list[str]:
        day = today()
        if not start <= day <= end:
            return []  # history: freshness is about the live slate only
        newest = wh.scalar("SELECT max(snapshot_utc) FROM analytics.consensus_lines WHERE game_date = ?", [day])
        if newest is None:
            return []  # no lines at all is an expected-output gap, reported by `gaps`
        age = wh.scalar("SELECT date_diff('minute', ?::TIMESTAMP, now()::TIMESTAMP) / 60.0", [newest])
        if age is not None and age > max_age_hours:
            return [f"the newest line for {day} is {age:.1f} hours old (limit {max_age_hours:g})"]
        return []

    return check
