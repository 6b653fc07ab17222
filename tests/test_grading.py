"""Grading semantics: correct / incorrect / push / void, errors, and profit at the real odds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from nbaprops.grading.summary import summarize
from nbaprops.pipeline.registry import GRADING
from nbaprops.warehouse.db import Warehouse, utcnow

DAY = date(2025, 11, 5)


def add_game(wh: Warehouse, game_id: str, final: bool = True) -> None:
    wh.execute(
        "INSERT INTO analytics.games (game_id, game_date, season, season_type, home, away, home_pts, away_pts,"
        " is_final) VALUES (?, ?, 2025, 'Regular Season', 'BOS', 'NYK', 110, 100, ?)",
        [game_id, DAY, final],
    )


def add_box(wh: Warehouse, player_id: int, game_id: str, pts: int | None, status: str = "played") -> None:
    reason = None if status == "played" else "DNP - Coach's Decision"
    wh.execute(
        "INSERT INTO analytics.player_game_summary (player_id, game_id, game_date, season, team, opponent,"
        " is_home, player_name, status, status_reason, minutes, pts, reb, ast, source, sources_available,"
        " completeness) VALUES (?, ?, ?, 2025, 'BOS', 'NYK', TRUE, 'x', ?, ?, 30, ?, 5, 5, 't', 't', 1.0)",
        [player_id, game_id, DAY, status, reason, pts],
    )


def add_prediction(
    wh: Warehouse, player_id: int, game_id: str, line: float, predicted: float, rec: str, over=-110.0, under=-110.0
) -> None:
    wh.execute(
        "INSERT INTO predictions.player_props (system_id, market, player_id, game_id, game_date, line, bookmaker,"
        " over_odds, under_odds, predicted, sigma, p_over, p_under, edge, recommendation, actionable, model_version,"
        " created_utc) VALUES ('s', 'player_points', ?, ?, ?, ?, 'b', ?, ?, ?, 5, 0.6, 0.4, ?, ?, ?, 'v', ?)",
        [player_id, game_id, DAY, line, over, under, predicted, predicted - line, rec, rec != "PASS", utcnow()],
    )


def graded(wh: Warehouse) -> pd.DataFrame:
    GRADING.run(wh, DAY, DAY, graded_utc=utcnow())
    return wh.df("SELECT * FROM grading.player_props ORDER BY player_id").set_index("player_id")


def test_outcomes_and_profit(wh: Warehouse) -> None:
    add_game(wh, "G1")
    add_box(wh, 1, "G1", 25)  # over 20.5 at +150 wins 1.5
    add_prediction(wh, 1, "G1", 20.5, 24.0, "OVER", over=150)
    add_box(wh, 2, "G1", 25)  # under 20.5 loses 1
    add_prediction(wh, 2, "G1", 20.5, 18.0, "UNDER")
    add_box(wh, 3, "G1", 20)  # whole line hit exactly: push, stake back
    add_prediction(wh, 3, "G1", 20.0, 23.0, "OVER")
    add_prediction(wh, 4, "G1", 15.5, 17.0, "OVER")  # no box score row: did not play -> void
    add_box(wh, 5, "G1", 10)  # a PASS is graded for accuracy but stakes nothing
    add_prediction(wh, 5, "G1", 12.5, 12.0, "PASS")
    add_box(wh, 6, "G1", 30)  # under at -120 that loses
    add_prediction(wh, 6, "G1", 22.5, 19.0, "UNDER", under=-120)
    add_box(wh, 8, "G1", None, status="did_not_play")  # a DNP row from the game book: void with its reason
    add_prediction(wh, 8, "G1", 9.5, 8.0, "UNDER")
    g = graded(wh)
    assert g.loc[1, "outcome"] == "correct" and g.loc[1, "profit"] == pytest.approx(1.5)
    assert g.loc[2, "outcome"] == "incorrect" and g.loc[2, "profit"] == pytest.approx(-1.0)
    assert g.loc[3, "outcome"] == "push" and g.loc[3, "profit"] == pytest.approx(0.0)
    assert g.loc[4, "outcome"] == "void" and pd.isna(g.loc[4, "profit"]) and pd.isna(g.loc[4, "actual"])
    assert "did not play" in g.loc[4, "void_reason"]
    assert g.loc[5, "outcome"] == "correct" and pd.isna(g.loc[5, "profit"])
    assert g.loc[6, "profit"] == pytest.approx(-1.0)
    assert g.loc[8, "outcome"] == "void" and g.loc[8, "void_reason"] == "did not play: DNP - Coach's Decision"
    assert g.loc[1, "abs_error"] == pytest.approx(1.0) and g.loc[1, "signed_error"] == pytest.approx(-1.0)
    assert g.loc[1, "market_abs_error"] == pytest.approx(4.5)


def test_games_without_box_scores_are_not_graded_yet(wh: Warehouse) -> None:
    add_game(wh, "G2", final=False)
    add_prediction(wh, 7, "G2", 20.5, 22.0, "OVER")
    assert graded(wh).empty


def test_regrading_is_idempotent(wh: Warehouse) -> None:
    add_game(wh, "G1")
    add_box(wh, 1, "G1", 25)
    add_prediction(wh, 1, "G1", 20.5, 24.0, "OVER")
    first = graded(wh).drop(columns=["graded_utc"])
    second = graded(wh).drop(columns=["graded_utc"])
    pd.testing.assert_frame_equal(first, second)
    assert wh.count("grading.player_props") == 1


def test_summary_counts_pushes_as_staked_and_voids_as_refunded() -> None:
    frame = pd.DataFrame(
        {
            "outcome": ["correct", "incorrect", "push", "void", "correct"],
            "actionable": [True, True, True, True, False],
            "profit": [0.9091, -1.0, 0.0, None, None],
            "abs_error": [1.0, 3.0, 0.0, None, 2.0],
            "market_abs_error": [2.0, 2.0, 1.0, None, 4.0],
        }
    )
    s = summarize(frame)
    assert s["graded"] == 4 and s["voids"] == 1 and s["picks"] == 3
    assert (s["wins"], s["losses"], s["pushes"]) == (1, 1, 1)
    assert s["hit_rate"] == pytest.approx(0.5)
    assert s["roi"] == pytest.approx((0.9091 - 1.0) / 3, abs=1e-4)
    assert s["model_mae"] == pytest.approx(1.5) and s["market_mae"] == pytest.approx(2.25)
