"""The feature store: contract, defaults and quality, and the analytics it is built from."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from conftest import make_settings
from nbaprops.features.contract import FEATURES, KEY_FEATURES, ROW_KEYS
from nbaprops.reference.teams import all_teams
from nbaprops.warehouse.db import Warehouse

QUALITY_COLUMNS = {"defaulted_count", "defaulted_features", "quality_score", "quality_tier"}


@pytest.fixture(scope="module")
def wh(built_home):
    with Warehouse(make_settings(built_home).warehouse_path) as warehouse:
        yield warehouse


def test_the_table_holds_exactly_the_documented_features(wh: Warehouse) -> None:
    columns = set(wh.table_columns("features.player_game"))
    documented = set(ROW_KEYS) | {f.name for f in FEATURES} | QUALITY_COLUMNS
    assert columns == documented
    assert len(FEATURES) >= 30
    assert all(f.definition and f.source and f.default and f.default_note for f in FEATURES)
    groups = {f.group for f in FEATURES}
    assert {"form", "volatility", "trend", "minutes & role", "rest & schedule", "venue", "opponent & pace",
            "history vs opponent"} <= groups  # fmt: skip


def test_no_feature_is_ever_null_and_every_default_is_counted(wh: Warehouse) -> None:
    nulls = " + ".join(f"count(*) FILTER (WHERE {f.name} IS NULL)" for f in FEATURES)
    assert wh.scalar(f"SELECT {nulls} FROM features.player_game") == 0
    listed = wh.scalar(
        "SELECT count(*) FROM features.player_game WHERE defaulted_count <> "
        "coalesce(length(defaulted_features) - length(replace(defaulted_features, ',', '')) + 1, 0)"
    )
    assert listed == 0


def test_quality_tiers_follow_history_and_key_features(wh: Warehouse) -> None:
    rows = wh.df("SELECT prior_games, quality_tier, quality_score, defaulted_features FROM features.player_game")
    debut = rows.loc[rows["prior_games"] == 0]
    assert len(debut) > 0 and (debut["quality_tier"] == "low").all()
    assert debut["defaulted_features"].str.contains("pts_l10").all()
    veteran = rows.loc[rows["prior_games"] >= 10]
    assert (veteran["quality_tier"] == "high").mean() > 0.95
    assert rows.loc[rows["quality_tier"] == "high", "quality_score"].min() > debut["quality_score"].max()
    assert set(KEY_FEATURES) == {"pts_l10", "min_l10", "days_rest", "opp_pts_allowed_l10"}


def test_team_summaries_have_pace_and_ratings_or_say_why_not(wh: Warehouse) -> None:
    stats = wh.df(
        "SELECT season, avg(pace) AS pace, avg(off_rating) AS ortg, count(possessions) AS with_poss, count(*) AS n,"
        " count(*) FILTER (WHERE possessions IS NULL AND missing_fields IS NULL) AS silent"
        " FROM analytics.team_game_summary GROUP BY season ORDER BY season"
    ).set_index("season")
    assert 95 < stats.loc[2024, "pace"] < 105 and 105 < stats.loc[2024, "ortg"] < 120
    assert stats.loc[2024, "with_poss"] >= 2460  # the regular season has full box counts
    assert stats.loc[2025, "with_poss"] == 0  # the 2025-26 export has no FGA/FTA...
    assert (stats["silent"] == 0).all()  # ...and every NULL says why


def test_player_summaries_record_source_and_missing_fields(wh: Warehouse) -> None:
    rows = wh.df("SELECT * FROM analytics.player_game_summary USING SAMPLE 2000 ROWS")
    assert (rows["source"] == "nbacom_history").all()
    assert rows["sources_available"].str.contains("nbacom_history").all()
    assert rows["fga"].isna().all() and rows["missing_fields"].str.contains("fga").all()
    assert rows["completeness"].between(0.3, 1.0).all()
    assert (rows["status"] == "played").all()


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_rest_and_travel_agree_with_an_independent_computation(wh: Warehouse) -> None:
    games = wh.df("SELECT game_id, game_date, home, away FROM analytics.games WHERE game_date <= DATE '2025-11-19'")
    sides = pd.concat(
        [games.assign(team=games["home"], arena=games["home"]), games.assign(team=games["away"], arena=games["home"])]
    ).sort_values(["team", "game_date"])
    sides["previous_date"] = sides.groupby("team")["game_date"].shift(1)
    sides["previous_arena"] = sides.groupby("team")["arena"].shift(1)
    context = wh.df("SELECT * FROM analytics.team_game_context WHERE game_date BETWEEN '2025-10-21' AND '2025-11-19'")
    merged = context.merge(sides, on=["game_id", "team"], suffixes=("", "_independent"))
    assert len(merged) == len(context) > 400
    known = merged["previous_date"].notna()
    rest = (merged.loc[known, "game_date"] - merged.loc[known, "previous_date"]).dt.days
    assert (rest.to_numpy() == merged.loc[known, "days_rest"].to_numpy()).all()
    where = {t.tricode: (t.latitude, t.longitude) for t in all_teams()}
    pairs = merged.loc[known, ["previous_arena", "arena"]].itertuples(index=False)
    expected = [_haversine_km(where[p], where[a]) for p, a in pairs]
    assert np.allclose(merged.loc[known, "travel_km"], expected, atol=0.01)
    # Boston to Los Angeles is about 4,170 km and three time zones west.
    assert 4100 < _haversine_km(where["BOS"], where["LAL"]) < 4250
    la_after_boston = merged.loc[(merged["previous_arena"] == "BOS") & (merged["arena"] == "LAL")]
    assert (la_after_boston["tz_shift_hours"] == -3).all()


def test_line_movement_from_an_earlier_snapshot(demo_copy) -> None:
    from nbaprops.pipeline.run_history import RunHistory
    from nbaprops.pipeline.runner import run_pipeline

    day = date(2025, 11, 5)
    with Warehouse(demo_copy.warehouse_path) as wh:
        # An earlier quote of the same day's lines, one point lower: the opening line.
        wh.execute(
            "INSERT INTO raw.prop_lines BY NAME SELECT * REPLACE (snapshot_utc - INTERVAL 5 HOUR AS snapshot_utc,"
            " line - 1 AS line) FROM raw.prop_lines WHERE game_date = ?",
            [day],
        )
        history = RunHistory(demo_copy.run_history_path)
        run_pipeline(wh, demo_copy, history, date(2024, 10, 1), day, phases={"ingest", "analytics", "features"})
        history.close()
        market = wh.df("SELECT * FROM features.player_game_market WHERE game_date = ?", [day])
    assert len(market) > 100
    assert (market["opening_line"].notna()).all()
    assert np.allclose(market["line_movement"], 1.0)
    assert market["market_p_over"].between(0.05, 0.95).all()
    assert (market["n_books"] >= 1).all() and (market["line_disagreement"] >= 0).all()
