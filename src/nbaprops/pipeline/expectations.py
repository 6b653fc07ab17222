"""Expected outputs and gaps: what must exist for each game date, by when, and what does not.

Derived from the registry (each processor's ``Expectation``) and the schedule (the games of each
date), over the whole history at once — one grouped query per expectation, not a day-by-day loop —
so 109 days of silently missing data cannot hide behind "the last week looks fine". A date without
games expects nothing. For each (date, processor) the status is:

- ``ok``: at least the expected rows are there;
- ``pending``: missing, but not due yet;
- ``late``: missing and past due;
- ``failed``: missing, and the last attempt covering that date failed (its message is kept);
- ``gave_up``: missing after ``heal_max_attempts`` heals — a person must look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from nbaprops.config import Settings
from nbaprops.pipeline.processor import Expectation, Processor
from nbaprops.pipeline.registry import REGISTRY
from nbaprops.pipeline.run_history import RunHistory, utcnow
from nbaprops.publish.files import published_health
from nbaprops.warehouse.db import Warehouse

# Every game of every date, from any schedule or box score: the yardstick of expectations. Only games
# that count — regular season, play-in, playoffs, the Cup final — not preseason or All-Star exhibitions.
GAMES_PER_DATE = """
    WITH known AS (
        SELECT game_id, game_date, start_utc, season_type FROM raw.nbac_schedule
        WHERE home IN (SELECT tricode FROM ref.teams) AND away IN (SELECT tricode FROM ref.teams)
            AND coalesce(postponed, '') = ''
        UNION ALL
        SELECT game_id, game_date, CAST(NULL AS TIMESTAMP), stage FROM raw.schedule
        UNION ALL
        SELECT game_id, game_date, start_utc, season_type FROM analytics.games
    )
    SELECT game_date, count(DISTINCT game_id) AS units, min(start_utc) AS first_tip_utc
    FROM known
    WHERE coalesce(season_type, '') NOT IN ('Preseason', 'Pre Season', 'All-Star', 'All Star')
    GROUP BY game_date
"""
GAMES_WITH_LINES_PER_DATE = """
    SELECT game_date, count(DISTINCT game_id) AS units, CAST(NULL AS TIMESTAMP) AS first_tip_utc
    FROM analytics.consensus_lines GROUP BY game_date
"""


def predictions_per_date(where: str) -> str:
    condition = f"AND {where}" if where else ""
    return f"""
        SELECT p.game_date, count(*) AS units, CAST(NULL AS TIMESTAMP) AS first_tip_utc
        FROM predictions.player_props AS p
        JOIN analytics.games AS g ON g.game_id = p.game_id AND g.is_final
        WHERE TRUE {condition}
        GROUP BY p.game_date
    """


@dataclass(frozen=True)
class Gap:
    day: date
    step: str
    status: str  # ok / pending / late / failed / gave_up
    expected: int
    actual: int
    due_utc: datetime
    reason: str

    @property
    def needs_work(self) -> bool:
        return self.status in {"late", "failed"}


def due_utc(exp: Expectation, day: date, first_tip_utc: datetime | None) -> datetime:
    """The deadline of an expectation for a date, in naive UTC."""
    if exp.due == "before_tip":
        tip = first_tip_utc or datetime.combine(day, datetime.min.time()) + timedelta(hours=23)  # 7 pm Eastern
        return tip + timedelta(hours=exp.sla_hours)
    midnight_eastern = datetime.combine(day + timedelta(days=1), datetime.min.time()) + timedelta(hours=5)
    return midnight_eastern + timedelta(hours=exp.sla_hours)


def _units(wh: Warehouse, exp: Expectation) -> pd.DataFrame:
    games = wh.df(GAMES_PER_DATE)
    if exp.per == "game":
        return games
    units = wh.df(GAMES_WITH_LINES_PER_DATE if exp.per == "game_with_lines" else predictions_per_date(exp.where))
    return units.drop(columns="first_tip_utc").merge(games[["game_date", "first_tip_utc"]], on="game_date", how="left")


def _actual(wh: Warehouse, exp: Expectation, settings: Settings, days: list[date]) -> dict[date, int]:
    if exp.table.startswith("file:"):
        assert settings.publish_dir is not None
        pattern = exp.table[len("file:") :]
        # A file that says its date is unhealthy (no picks, see publish/health.py) is not the expected
        # output yet: counting it as missing lets a heal rewrite it once the date is repaired.
        paths = {d: Path(settings.publish_dir) / pattern.format(date=d.isoformat()) for d in days}
        return {d: int(path.exists() and published_health(path) != "unhealthy") for d, path in paths.items()}
    condition = f"WHERE {exp.where}" if exp.where else ""
    rows = wh.execute(f"SELECT game_date, count(*) FROM {exp.table} {condition} GROUP BY game_date").fetchall()
    return {pd.Timestamp(d).date(): int(n) for d, n in rows}


def _last_failures(history: RunHistory, since: date | None) -> dict[tuple[str, date], tuple[str, str]]:
    """For each (step, date), the category and message of the latest attempt covering it, if it failed."""
    latest: dict[tuple[str, date], tuple[datetime, str, str]] = {}
    for row in history.step_outcomes(since):
        if row["date_start"] is None or row["date_end"] is None:
            continue
        start, end = row["date_start"], row["date_end"]
        if (end - start).days > 400:  # a whole-history rebuild says little about one date
            continue
        day = start
        while day <= end:
            key = (row["step"], day)
            if key not in latest or row["started_utc"] >= latest[key][0]:
                latest[key] = (row["started_utc"], row["category"], row["message"] or "")
            day += timedelta(days=1)
    return {k: (c, m) for k, (_, c, m) in latest.items() if c in {"error", "timeout", "validation_failed"}}


def find_gaps(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    since: date | None = None,
    until: date | None = None,
    processors: tuple[Processor, ...] = REGISTRY,
    now: datetime | None = None,
    include_ok: bool = False,
) -> list[Gap]:
    """Every (date, processor) with an expectation in [since, until], classified; sorted by date."""
    now = now or utcnow()
    failures = _last_failures(history, since)
    found: list[Gap] = []
    for proc in processors:
        exp = proc.expect
        if exp is None or not proc.is_enabled(settings):
            continue
        units = _units(wh, exp)
        units["game_date"] = pd.to_datetime(units["game_date"]).dt.date
        if since is not None:
            units = units.loc[units["game_date"] >= since]
        if until is not None:
            units = units.loc[units["game_date"] <= until]
        if exp.live_only:
            if settings.live_since is None:
                continue
            units = units.loc[units["game_date"] >= settings.live_since]
        days = list(units["game_date"])
        actual = _actual(wh, exp, settings, days)
        for day, n_units, first_tip in units[["game_date", "units", "first_tip_utc"]].itertuples(index=False):
            expected = max(1, round(n_units * exp.min_per)) if n_units else 0
            if expected == 0:
                continue
            got = actual.get(day, 0)
            due = due_utc(exp, day, None if pd.isna(first_tip) else pd.Timestamp(first_tip).to_pydatetime())
            found.append(_classify(proc, day, expected, got, due, now, failures, history, settings))
    found = [g for g in found if include_ok or g.status != "ok"]
    return sorted(found, key=lambda g: (g.day, g.step))


def _classify(
    proc: Processor,
    day: date,
    expected: int,
    got: int,
    due: datetime,
    now: datetime,
    failures: dict[tuple[str, date], tuple[str, str]],
    history: RunHistory,
    settings: Settings,
) -> Gap:
    if got >= expected:
        return Gap(day, proc.name, "ok", expected, got, due, "")
    shortfall = f"{got} of {expected} expected rows" if got else f"none of {expected} expected rows"
    if history.heal_count(day, proc.name) >= settings.heal_max_attempts:
        return Gap(day, proc.name, "gave_up", expected, got, due,
                   f"{shortfall}; {settings.heal_max_attempts} heals did not fix it")  # fmt: skip
    failure = failures.get((proc.name, day))
    if failure is not None:
        reason = f"{shortfall}; last attempt {failure[0]}: {failure[1]}"
        return Gap(day, proc.name, "failed", expected, got, due, reason)
    if now < due:
        return Gap(day, proc.name, "pending", expected, got, due, f"{shortfall}; due {due:%Y-%m-%d %H:%M} UTC")
    return Gap(day, proc.name, "late", expected, got, due, f"{shortfall}; was due {due:%Y-%m-%d %H:%M} UTC")
