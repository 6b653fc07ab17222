"""Point-in-time guarantees: nothing on or before a game's date may depend on what happened on it.

These tests change real outcomes and real lines and check that no feature or prediction for games on
or before the changed date moves, while later ones do (so the tests can fail).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from nbaprops.config import Settings
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.predict.backtest import run_backtest
from nbaprops.warehouse.db import Warehouse

START, END = date(2025, 11, 1), date(2025, 11, 12)
CHANGED = date(2025, 11, 6)


def backtest(wh: Warehouse, settings: Settings) -> None:
    history = RunHistory(settings.run_history_path)
    result = run_backtest(wh, settings, history, START, END)
    history.close()
    assert result["category"] == "success"


def features(wh: Warehouse) -> pd.DataFrame:
    return wh.df("SELECT * FROM features.player_game ORDER BY player_id, game_id")


def predictions(wh: Warehouse) -> pd.DataFrame:
    frame = wh.df("SELECT * FROM predictions.player_props ORDER BY system_id, market, player_id, game_id")
    return frame.drop(columns=["created_utc"])


def on_or_before(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    return frame.loc[frame["game_date"] <= pd.Timestamp(day)].reset_index(drop=True)


def after(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    return frame.loc[frame["game_date"] > pd.Timestamp(day)].reset_index(drop=True)


def test_changing_box_scores_on_a_date_moves_nothing_on_or_before_it(demo_copy: Settings) -> None:
    with Warehouse(demo_copy.warehouse_path) as wh:
        backtest(wh, demo_copy)
        feats_before, preds_before = features(wh), predictions(wh)
        # Every box score from CHANGED onwards: 15 more points for every player, and for the teams.
        wh.execute("UPDATE raw.player_game_logs SET pts = pts + 15 WHERE game_date >= ?", [CHANGED])
        wh.execute("UPDATE raw.team_game_logs SET pts = pts + 150 WHERE game_date >= ?", [CHANGED])
        backtest(wh, demo_copy)
        feats_after, preds_after = features(wh), predictions(wh)

    pd.testing.assert_frame_equal(on_or_before(feats_before, CHANGED), on_or_before(feats_after, CHANGED))
    pd.testing.assert_frame_equal(on_or_before(preds_before, CHANGED), on_or_before(preds_after, CHANGED))
    # ...and the change is visible afterwards, so this test would notice a leak.
    moved = after(feats_after, CHANGED)["pts_l5"].fillna(-1) != after(feats_before, CHANGED)["pts_l5"].fillna(-1)
    assert moved.mean() > 0.5
    assert not after(preds_before, CHANGED)["predicted"].equals(after(preds_after, CHANGED)["predicted"])


def test_a_line_quoted_after_tip_off_is_never_used(demo_copy: Settings) -> None:
    with Warehouse(demo_copy.warehouse_path) as wh:
        backtest(wh, demo_copy)
        before = wh.df("SELECT * FROM analytics.consensus_lines ORDER BY player_id, game_id, market")
        preds_before = predictions(wh)
        # Re-quote every line of the window one minute after tip-off, 20 points higher (a closing-line leak).
        wh.execute(
            """
            INSERT INTO raw.prop_lines BY NAME
            SELECT * REPLACE (commence_utc + INTERVAL 1 MINUTE AS snapshot_utc, line + 20 AS line)
            FROM raw.prop_lines WHERE game_date BETWEEN ? AND ?
            """,
            [START, END],
        )
        backtest(wh, demo_copy)
        after_ = wh.df("SELECT * FROM analytics.consensus_lines ORDER BY player_id, game_id, market")
        preds_after = predictions(wh)
    pd.testing.assert_frame_equal(before, after_)
    pd.testing.assert_frame_equal(preds_before, preds_after)


def test_every_feature_row_uses_only_earlier_games(demo_home) -> None:
    """A direct audit: the last game a feature row saw is strictly before the game it describes."""
    from conftest import make_settings

    settings = make_settings(demo_home)
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        from nbaprops.pipeline.runner import run_pipeline

        run_pipeline(wh, settings, history, date(2024, 10, 1), END, phases={"analytics", "features"})
        history.close()
        bad = wh.scalar("SELECT count(*) FROM features.player_game WHERE last_game_date >= game_date")
        rows = wh.count("features.player_game")
        # prior_games equals the number of earlier games actually in the warehouse
        mismatched = wh.scalar(
            """
            SELECT count(*) FROM features.player_game f
            WHERE f.prior_games <> (SELECT count(*) FROM analytics.player_game_summary s
                                    WHERE s.player_id = f.player_id AND s.game_date < f.game_date
                                    AND s.status = 'played')
            """
        )
    assert rows > 30_000
    assert bad == 0
    assert mismatched == 0
    assert (END - timedelta(days=1)) > date(2024, 10, 1)
