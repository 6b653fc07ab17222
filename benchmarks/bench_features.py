"""Feature store speed: the set-based SQL build against a player-by-player pandas build.

1. Imports ``../shared/data/history`` (four seasons, ~112k player-games) into a fresh warehouse.
2. Times the feature store build for all of it: the context (``analytics.team_game_context``,
   ``analytics.player_game_context``) and the features (``features.player_game``,
   ``features.player_game_market``), with the peak memory of the process.
3. Times the same rolling features two ways, best of three each: through the production feature SQL
   (its CTEs, selecting just those columns), and the way most public projects do it — for each
   player, sort his games and apply ``shift(1).rolling(n)`` — then checks both give the same numbers.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_features.py``; figures land in
``benchmarks/results/features.json`` and the README.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.logs import configure as configure_logging
from nbaprops.pipeline.registry import PLAYER_GAME_CONTEXT, PLAYER_GAME_FEATURES, PLAYER_GAME_MARKET, TEAM_GAME_CONTEXT
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse
from nbaprops.warehouse.span import data_span

REPO = Path(__file__).resolve().parents[1]
HISTORY = REPO.parent / "shared" / "data" / "history"
COMPARED = ("pts_l3", "pts_l5", "pts_l10", "pts_l20", "pts_std_l10", "reb_l10", "ast_l10", "pra_l10", "min_l5",
            "min_l10", "min_std_l10", "pts_season", "min_season")  # fmt: skip


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pandas_rolling_features(played: pd.DataFrame) -> pd.DataFrame:
    """The common approach: loop over players, sort, shift(1) so a game never sees itself, roll."""
    out = []
    for _, games in played.groupby("player_id", sort=False):
        games = games.sort_values("game_date")
        prior = games[["pts", "reb", "ast", "pra", "minutes"]].shift(1)
        f = pd.DataFrame({"player_id": games["player_id"], "game_id": games["game_id"]}, index=games.index)
        for n in (3, 5, 10, 20):
            f[f"pts_l{n}"] = prior["pts"].rolling(n, min_periods=1).mean()
        f["pts_std_l10"] = prior["pts"].rolling(10, min_periods=2).std()
        f["reb_l10"] = prior["reb"].rolling(10, min_periods=1).mean()
        f["ast_l10"] = prior["ast"].rolling(10, min_periods=1).mean()
        f["pra_l10"] = prior["pra"].rolling(10, min_periods=1).mean()
        f["min_l5"] = prior["minutes"].rolling(5, min_periods=1).mean()
        f["min_l10"] = prior["minutes"].rolling(10, min_periods=1).mean()
        f["min_std_l10"] = prior["minutes"].rolling(10, min_periods=2).std()
        for stat, column in (("pts", "pts"), ("min", "minutes")):
            season = games.groupby("season")[column]
            f[f"{stat}_season"] = season.transform(lambda s: s.shift(1).expanding().mean())
        out.append(f)
    return pd.concat(out)


def main() -> int:
    configure_logging(verbose=False)
    if not HISTORY.exists():
        print(f"needs {HISTORY}")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        with Warehouse(settings.warehouse_path) as wh:
            history = RunHistory(settings.run_history_path)
            import_history(wh, settings, history, [HISTORY])
            history.close()
            first, last = data_span(wh)  # type: ignore[misc]
            rss_before = peak_rss_mb()
            timings = {}
            began = time.perf_counter()
            for transform in (TEAM_GAME_CONTEXT, PLAYER_GAME_CONTEXT, PLAYER_GAME_FEATURES, PLAYER_GAME_MARKET):
                t0 = time.perf_counter()
                rows = transform.run(wh, first, last)
                timings[transform.table] = (round(time.perf_counter() - t0, 3), rows)
            sql_seconds = time.perf_counter() - began
            rss_after = peak_rss_mb()
            # The same rolling features alone, through the production SQL: the feature transform's own
            # CTEs up to `raw_features`, selecting only the compared columns (DuckDB prunes the rest).
            production = PLAYER_GAME_FEATURES.sql()
            same_features = (
                production[: production.index("-- generated from")]
                + f"SELECT player_id, game_id, {', '.join(COMPARED)}, prior_games, games_played_season"
                " FROM raw_features"
            )
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                wh.execute(
                    f"CREATE OR REPLACE TEMP TABLE same_features AS {same_features}", {"start": first, "end": last}
                )
                best = min(best, time.perf_counter() - t0)
            same_sql_seconds = best
            sql = wh.df(
                "SELECT * FROM same_features f WHERE EXISTS (SELECT 1 FROM analytics.player_game_summary s"
                " WHERE s.player_id = f.player_id AND s.game_id = f.game_id AND s.status = 'played')"
            )
            played = wh.df(
                "SELECT player_id, game_id, game_date, season, pts, reb, ast, pts + reb + ast AS pra, minutes"
                " FROM analytics.player_game_summary WHERE status = 'played'"
            )
        pandas_seconds = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            reference = pandas_rolling_features(played)
            pandas_seconds = min(pandas_seconds, time.perf_counter() - began)

    merged = sql.merge(reference, on=["player_id", "game_id"], suffixes=("_sql", "_pandas"))
    no_history = merged["prior_games"] == 0
    no_season = merged["games_played_season"] == 0
    worst = {}
    for column in COMPARED:
        a, b = merged[f"{column}_sql"], merged[f"{column}_pandas"]
        # Where pandas has nothing, the SQL store holds the documented default instead.
        comparable = b.notna() & ~no_history & ~(no_season & column.endswith("_season"))
        worst[column] = float(np.nanmax(np.abs(a[comparable] - b[comparable])))
    identical = max(worst.values()) < 1e-9
    rows = len(sql)
    report = {
        "player_games": rows,
        "feature_store_seconds": round(sql_seconds, 2),
        "per_table": timings,
        "peak_rss_mb_before_build": round(rss_before),
        "peak_rss_mb_after_build": round(rss_after),
        "same_rolling_features_sql_seconds": round(same_sql_seconds, 3),
        "same_rolling_features_pandas_player_by_player_seconds": round(pandas_seconds, 2),
        "speed_ratio": round(pandas_seconds / same_sql_seconds, 1),
        "compared_rows": len(merged),
        "max_abs_difference": worst,
        "identical": identical,
    }
    for table, (seconds, n) in timings.items():
        print(f"{table:<40} {seconds:>7.2f} s  {n:>9,} rows")
    print(f"{'feature store, all four seasons (SQL)':<40} {sql_seconds:>7.2f} s")
    print(f"{'the 13 rolling features, SQL (best of 3)':<40} {same_sql_seconds:>7.2f} s")
    print(f"{'the 13 rolling features, pandas per player':<40} {pandas_seconds:>7.2f} s")
    ratio = pandas_seconds / same_sql_seconds
    print(f"speed ratio {ratio:.1f}x; identical numbers on {len(merged):,} rows: {identical}")
    print(f"peak RSS {rss_after:.0f} MB (before the build {rss_before:.0f} MB)")
    out = REPO / "benchmarks" / "results" / "features.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
