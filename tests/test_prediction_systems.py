"""The prediction systems on the real demo window: what they write, which model wrote it, and the rules.

Everything here reads ``systems_home`` (the whole pipeline run walk-forward over 2025-11-10..19 with
every system and market); no figure is asserted, only properties that a wrong implementation breaks.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import EVERY_SYSTEM, SYSTEMS_END, SYSTEMS_START, make_settings
from nbaprops.config import Settings
from nbaprops.grading.summary import summarize
from nbaprops.predict.markets import MARKETS
from nbaprops.predict.report import write_report
from nbaprops.warehouse.db import Warehouse

SYSTEMS = {"baseline", "similarity", "lightgbm", "ensemble"}


@pytest.fixture(scope="module")
def built(systems_home: Path) -> dict[str, pd.DataFrame]:
    settings = make_settings(systems_home)
    with Warehouse(settings.warehouse_path) as wh:
        return {
            "predictions": wh.df("SELECT * FROM predictions.player_props"),
            "graded": wh.df("SELECT * FROM grading.player_props"),
            "models": wh.df("SELECT * FROM predictions.models"),
            "performance": wh.df("SELECT * FROM grading.daily_performance"),
            "best_bets": wh.df("SELECT * FROM predictions.best_bets"),
            "features": wh.df(
                "SELECT player_id, game_id, team FROM features.player_game WHERE game_date >= '2025-11-10'"
            ),
            "lines": wh.df(
                "SELECT market, count(*) AS n FROM features.player_game_market"
                " WHERE game_date BETWEEN ? AND ? GROUP BY market",
                [SYSTEMS_START, SYSTEMS_END],
            ),
        }


def test_every_system_predicts_every_line_of_every_learnable_market(built) -> None:
    preds = built["predictions"]
    counts = preds.groupby(["system_id", "market"]).size()
    learnable = [m for m in MARKETS.values() if m.predictable]
    lines = built["lines"].set_index("market")["n"]
    for system in SYSTEMS:
        for m in learnable:
            assert counts[(system, m.id)] == lines[m.id], (system, m.id)
    # threes have lines but no 3-pointers-made history: skipped, never guessed
    assert lines["player_threes"] > 100
    assert not (preds["market"] == "player_threes").any()


def test_every_prediction_names_a_stored_model_trained_before_its_date(built, systems_home: Path) -> None:
    preds, models = built["predictions"], built["models"].set_index("model_id")
    assert preds["model_id"].notna().all()
    joined = preds.merge(
        models[["system_id", "market", "train_end", "path"]],
        left_on="model_id",
        right_index=True,
        how="left",
        suffixes=("", "_model"),
    )
    assert joined["train_end"].notna().all(), "a prediction names a model the registry does not know"
    assert (joined["system_id"] == joined["system_id_model"]).all() and (
        joined["market"] == joined["market_model"]
    ).all()
    assert (pd.to_datetime(joined["train_end"]) <= pd.to_datetime(joined["game_date"])).all()
    # each learned model's training and holdout games are strictly before its cutoff
    for row in models.loc[models["system_id"].isin(["lightgbm", "similarity", "ensemble"])].itertuples():
        model = pickle.loads((systems_home / row.path).read_bytes())
        assert pd.Timestamp(model.cutoff) == pd.Timestamp(row.train_end)
        assert (model.holdout["game_date"] < pd.Timestamp(model.cutoff)).all()
        assert str(model.train_start) <= str(model.holdout["game_date"].min().date())
    assert set(models["code_version"].str.split("+").str[0]) == {"0.1.0"}
    assert all(json.loads(f) for f in models["features"])


def test_probabilities_quantiles_and_the_pick_rules_hold(built) -> None:
    p = built["predictions"]
    settings = Settings(_env_file=None)  # the defaults the pipeline ran with
    assert ((p["p_over"] >= 0) & (p["p_under"] >= 0) & (p["p_over"] + p["p_under"] <= 1 + 1e-6)).all()
    quantiles = p[["q10", "q25", "q50", "q75", "q90"]].to_numpy()
    assert (np.diff(quantiles, axis=1) >= 0).all()
    picks = p.loc[p["actionable"]]
    assert len(picks) > 100 and set(picks["recommendation"]) == {"OVER", "UNDER"}
    side = np.where(picks["recommendation"] == "OVER", picks["p_over"], picks["p_under"])
    assert (side >= settings.min_probability - 1e-4).all()
    min_edge = picks["market"].map(settings.min_edge_for)
    assert (picks["edge"].abs() >= min_edge - 1e-3).all()
    assert (picks["quality_tier"] != "low").all() and (picks["expected_value"] >= -1e-4).all()
    # the lean follows the calibrated probability, and a pass always says why
    assert ((picks["recommendation"] == "OVER") == (picks["p_over"] >= picks["p_under"])).all()
    assert (
        p.loc[~p["actionable"], "pass_reason"].notna().all()
        and (p.loc[~p["actionable"], "recommendation"] == "PASS").all()
    )


def test_grading_columns_are_consistent(built) -> None:
    g = built["graded"]
    played = g.loc[~g["outcome"].isin(["void", "ungraded"])]
    assert (played["within_5"] | ~played["within_3"]).all()  # within 3 implies within 5
    assert ((played["abs_error"] <= 3) == played["within_3"]).all()
    decided = played.loc[played["line_result"] != "push"]
    over = (decided["line_result"] == "over").astype(float)
    assert np.allclose(decided["brier"], (decided["p_over"] - over) ** 2)
    assert np.allclose(decided["market_brier"].dropna(), ((decided["market_p_over"] - over) ** 2).dropna())
    assert g.loc[played.index.difference(decided.index), "brier"].isna().all()  # pushes carry no Brier
    assert (g.loc[g["outcome"] == "void", "void_reason"].str.startswith("did not play")).all()


def test_daily_performance_matches_the_graded_rows(built) -> None:
    perf, g = built["performance"], built["graded"]
    assert set(perf["window_days"]) == {7, 14, 30}
    last = perf["game_date"].max()
    row = perf.loc[(perf["system_id"] == "ensemble") & (perf["market"] == "player_rebounds")
                   & (perf["game_date"] == last) & (perf["window_days"] == 7)].iloc[0]  # fmt: skip
    window = g.loc[(g["system_id"] == "ensemble") & (g["market"] == "player_rebounds")
                   & (g["game_date"] > last - pd.Timedelta(days=7)) & (g["game_date"] <= last)]  # fmt: skip
    expected = summarize(window)
    assert row["picks"] == expected["picks"] and row["wins"] == expected["wins"]
    assert row["mae"] == pytest.approx(expected["model_mae"], abs=1e-4)
    assert row["market_brier"] == pytest.approx(expected["market_brier"], abs=1e-4)
    # the 30-day window as of the last date holds at least what the 7-day one does
    wide = perf.loc[(perf["game_date"] == last) & (perf["window_days"] == 30)].set_index(["system_id", "market"])
    narrow = perf.loc[(perf["game_date"] == last) & (perf["window_days"] == 7)].set_index(["system_id", "market"])
    assert (wide["graded"] >= narrow["graded"].reindex(wide.index)).all()


def test_best_bets_respect_the_caps(built) -> None:
    bets, preds = built["best_bets"], built["predictions"]
    settings = make_settings(Path("unused"), **EVERY_SYSTEM)
    assert len(bets) > 0 and set(bets["system_id"]) == {settings.best_bets_system}
    assert (bets.groupby("game_date").size() <= settings.best_bets_per_day).all()
    assert (bets.groupby(["game_date", "game_id"]).size() <= settings.best_bets_per_game).all()
    assert (bets.groupby(["game_date", "team"]).size() <= settings.best_bets_per_team).all()
    assert not bets.duplicated(["game_date", "player_id"]).any()
    # only actionable picks, best expected value first
    chosen = bets.merge(preds, on=["system_id", "market", "player_id", "game_id"], suffixes=("", "_p"))
    assert chosen["actionable"].all() and len(chosen) == len(bets)
    for _, day in bets.groupby("game_date"):
        assert (np.diff(day.sort_values("rank")["expected_value"].to_numpy()) <= 1e-9).all()


def test_the_report_is_written_with_its_plots(systems_home: Path, tmp_path: Path) -> None:

    with Warehouse(make_settings(systems_home).warehouse_path) as wh:
        path = write_report(wh, tmp_path, SYSTEMS_START, SYSTEMS_END)
    text = path.read_text()
    for system in SYSTEMS:
        assert f"| {system} | points |" in text
    assert "market Brier" in text and "## Threes" in text and "## Best bets" in text
    pngs = sorted(p.name for p in path.parent.glob("*.png"))
    assert "points_calibration.png" in pngs and "points_hit_rate_by_edge.png" in pngs
    assert "points_mae_over_time.png" in pngs and len(pngs) == 12
    assert all(f"]({name})" in text for name in pngs)
