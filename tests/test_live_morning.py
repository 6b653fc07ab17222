"""The morning of a game day: no box scores yet, only the schedule and the lines.

The pipeline must build the slate's context and features from earlier games, predict every line, and
grade nothing yet — and its predictions must equal what the walk-forward backtest predicted for that
date, which is the end-to-end proof that the backtest used nothing a morning run could not know.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from conftest import EVERY_SYSTEM, make_settings
from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import run_pipeline
from nbaprops.predict.markets import market
from nbaprops.warehouse.db import Warehouse

DAY = date(2025, 11, 12)


def test_a_morning_run_predicts_the_slate_exactly_as_the_backtest_did(demo_copy: Settings, systems_home) -> None:
    demo_copy = demo_copy.model_copy(update=EVERY_SYSTEM)
    with Warehouse(demo_copy.warehouse_path) as wh:
        # It is the morning of DAY: nothing from DAY on has been played yet.
        wh.execute("DELETE FROM raw.player_game_logs WHERE game_date >= ?", [DAY])
        wh.execute("DELETE FROM raw.team_game_logs WHERE game_date >= ?", [DAY])
        history = RunHistory(demo_copy.run_history_path)
        run_pipeline(wh, demo_copy, history, date(2024, 10, 1), DAY, phases={"ingest", "analytics", "features"})
        report = run_pipeline(wh, demo_copy, history, DAY, DAY, phases={"predictions", "grading"})
        history.close()
        games = wh.df("SELECT * FROM analytics.games WHERE game_date = ?", [DAY])
        context = wh.df("SELECT * FROM analytics.player_game_context WHERE game_date = ?", [DAY])
        features = wh.df("SELECT * FROM features.player_game WHERE game_date = ?", [DAY])
        morning = wh.df("SELECT * FROM predictions.player_props WHERE game_date = ?", [DAY])
        morning_bets = wh.df("SELECT * FROM predictions.best_bets WHERE game_date = ? ORDER BY rank", [DAY])
        lines = wh.df(
            "SELECT market, count(*) AS n FROM features.player_game_market WHERE game_date = ? GROUP BY market", [DAY]
        )

    assert len(games) >= 10 and not games["is_final"].any()
    assert set(context["in_spine_because"]) == {"line", "roster"}
    assert len(context) > 200  # every rostered player, not only those with lines
    assert (features["last_game_date"] < pd.Timestamp(DAY)).all()
    # every system predicts every line of every market it can learn (threes: no 3PM history, skipped)
    predictable = {m for m in demo_copy.prediction_markets if market(m).predictable}
    expected = int(lines.loc[lines["market"].isin(predictable), "n"].sum()) * len(demo_copy.prediction_systems)
    assert set(morning["system_id"]) == set(demo_copy.prediction_systems)
    assert len(morning) == expected and (morning["market"] == "player_points").sum() > 400
    assert report.step("grading.player_props").category is Category.NO_DATA  # nothing final to grade

    with Warehouse(make_settings(systems_home).warehouse_path) as wh:
        backtest = wh.df("SELECT * FROM predictions.player_props WHERE game_date = ?", [DAY])
        backtest_bets = wh.df("SELECT * FROM predictions.best_bets WHERE game_date = ? ORDER BY rank", [DAY])
    keys = ["system_id", "market", "player_id", "game_id"]
    compared = morning.merge(backtest, on=keys, suffixes=("_morning", "_backtest"))
    assert len(compared) == len(morning)
    for column in ("line", "predicted", "p_over", "edge", "recommendation", "model_id", "q50"):
        assert (compared[f"{column}_morning"] == compared[f"{column}_backtest"]).all(), column
    columns = ["rank", "system_id", "market", "player_id", "recommendation", "expected_value"]
    pd.testing.assert_frame_equal(morning_bets[columns], backtest_bets[columns])
