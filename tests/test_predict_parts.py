"""The shared parts of the prediction phase, each on its own: distribution, calibration, decisions,
best-bet caps, the retraining cadence, the model registry and the ``models`` / ``backtest`` commands."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from conftest import EVERY_SYSTEM, make_settings
from nbaprops.cli import app
from nbaprops.predict.best_bets import select_best_bets
from nbaprops.predict.calibration import brier, fit_calibrator, pseudo_line_pairs
from nbaprops.predict.distribution import Predictive, over_under, quantiles
from nbaprops.predict.frame import MarketData
from nbaprops.predict.markets import MARKETS, market
from nbaprops.predict.models import ModelStore, cutoff_for, train_model
from nbaprops.predict.recommend import decide
from nbaprops.predict.systems import get_system
from nbaprops.warehouse.db import Warehouse

runner = CliRunner()


# ---------------------------------------------------------------------------- distribution
def test_over_under_and_push_add_up_and_quantiles_match_the_negative_binomial() -> None:
    dist = Predictive(np.array([4.0, 18.0, 27.5]), np.array([5.0, 40.0, 60.0]))
    p_over, p_under = over_under(dist, np.array([3.5, 18.5, 27.5]))
    assert np.allclose(p_over + p_under, 1.0)  # half lines cannot push
    p_over, p_under = over_under(dist, np.array([4.0, 18.0, 27.0]))
    n, p = dist._nbinom()
    assert np.allclose(1.0 - p_over - p_under, stats.nbinom.pmf([4, 18, 27], n, p))  # whole lines: P(push)
    q = quantiles(dist)
    assert np.allclose(q[:, 2], stats.nbinom.ppf(0.5, n, p))
    assert (np.diff(q, axis=1) >= 0).all()


def test_calibration_learned_on_earlier_games_repairs_an_overconfident_model(built_home: Path) -> None:
    """Real points: a model that claims a quarter of the true spread is overconfident; the calibrator fitted
    on earlier games must bring its Brier score on later games down (and never reorder probabilities)."""
    with Warehouse(make_settings(built_home).warehouse_path) as wh:
        rows = wh.df(
            "SELECT f.game_date, f.pts_l10 AS mean, f.pts_std_l10 AS sd, s.pts AS actual"
            " FROM features.player_game f JOIN analytics.player_game_summary s USING (player_id, game_id)"
            " WHERE s.status = 'played' AND f.prior_games >= 10 AND f.pts_l10 >= 4 ORDER BY f.game_date, f.player_id"
        )
    early, late = rows.iloc[: len(rows) // 2], rows.iloc[len(rows) // 2 :]

    def overconfident(frame: pd.DataFrame) -> Predictive:
        return Predictive(frame["mean"].to_numpy(), (frame["sd"].to_numpy() / 2.0) ** 2)

    calibrator = fit_calibrator(overconfident(early), early["actual"].to_numpy())
    raw, hit = pseudo_line_pairs(overconfident(late), late["actual"].to_numpy())
    assert brier(calibrator(raw), hit) < brier(raw, hit) - 0.005
    grid = np.linspace(0, 1, 101)
    assert (np.diff(calibrator(grid)) >= -1e-12).all() and calibrator(0.0) == 0.0 and calibrator(1.0) == 1.0


# ---------------------------------------------------------------------------- decisions and caps
def _slate(**columns: list) -> pd.DataFrame:
    base = {
        "line": [20.5] * 7, "predicted": [24.0] * 7, "sigma": [5.0] * 7, "p_over": [0.65] * 7, "p_under": [0.35] * 7,
        "over_odds": [-110.0] * 7, "under_odds": [-110.0] * 7, "prior_games": [30] * 7, "quality_tier": ["high"] * 7,
    }  # fmt: skip
    return pd.DataFrame(base | columns)


def test_each_gate_refuses_a_pick_and_says_why() -> None:
    settings = make_settings(Path("unused"))
    slate = _slate(
        predicted=[24.0, 24.0, 24.0, 24.0, 21.5, 24.0, 24.0],
        p_over=[0.65, 0.65, 0.65, 0.65, 0.65, 0.54, 0.58],
        p_under=[0.35, 0.35, 0.35, 0.35, 0.35, 0.46, 0.42],
        prior_games=[30, 2, 30, 30, 30, 30, 30],
        quality_tier=["high", "high", "low", "high", "high", "high", "high"],
        over_odds=[-110.0, -110.0, -110.0, None, -110.0, -110.0, -200.0],
    )
    out = decide(slate, settings, "player_points")
    assert out["actionable"].tolist() == [True, False, False, False, False, False, False]
    reasons = out["pass_reason"].tolist()
    assert "earlier games" in reasons[1] and "quality" in reasons[2] and "price" in reasons[3]
    assert "edge" in reasons[4] and "probability" in reasons[5] and "expected value" in reasons[6]
    assert out["recommendation"].tolist()[0] == "OVER" and set(out["recommendation"][1:]) == {"PASS"}
    assert out["expected_value"].iloc[0] == pytest.approx(0.65 * 100 / 110 - 0.35)
    # the minimum edge is in each market's own units
    assert decide(_slate(line=[5.5] * 7, predicted=[6.6] * 7), settings, "player_assists")["actionable"].all()


def test_best_bets_caps() -> None:
    settings = make_settings(Path("unused"), best_bets_per_day=4, best_bets_per_team=1, best_bets_per_game=2)
    candidates = pd.DataFrame(
        {
            "game_date": ["2025-11-01"] * 6,
            "player_id": [1, 1, 2, 3, 4, 5],
            "game_id": ["G1", "G1", "G1", "G1", "G2", "G3"],
            "team": ["BOS", "BOS", "BOS", "NYK", "LAL", "MIA"],
            "expected_value": [0.3, 0.29, 0.2, 0.15, 0.1, 0.05],
        }
    )
    chosen = select_best_bets(candidates, settings)
    # player 1 once, BOS once, G1 twice at most, four in all, best first
    assert chosen["player_id"].tolist() == [1, 3, 4, 5] and chosen["rank"].tolist() == [1, 2, 3, 4]


# ---------------------------------------------------------------------------- cadence and markets
def test_the_cadence_never_trains_on_the_date_it_predicts() -> None:
    settings = make_settings(Path("unused"))
    for day in pd.date_range("2025-10-20", "2025-11-30"):
        weekly = cutoff_for(get_system("lightgbm"), day, settings)
        assert weekly <= day and weekly.day_of_week == 0 and (day - weekly).days < 7
        assert cutoff_for(get_system("baseline"), day, settings) == day


def test_every_market_is_graded_by_its_own_stat() -> None:
    sql = (Path(__file__).resolve().parents[1] / "src/nbaprops/grading/player_props.sql").read_text()
    for m in MARKETS.values():
        assert f"WHEN '{m.id}' THEN {m.stat_sql}" in sql
    assert market("pra").id == "player_points_rebounds_assists" and market("points").id == "player_points"
    with pytest.raises(ValueError, match="unknown market"):
        market("blocks")


# ---------------------------------------------------------------------------- registry and commands
@pytest.fixture
def built_copy(systems_home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "built_copy"
    shutil.copytree(systems_home, home)
    return make_settings(home, **EVERY_SYSTEM)


def test_the_registry_reuses_identical_models_and_retrains_when_the_games_change(built_copy) -> None:
    cutoff = date(2025, 11, 10)
    with Warehouse(built_copy.warehouse_path) as wh:
        used = set(
            wh.df("SELECT DISTINCT model_id FROM predictions.player_props WHERE system_id = 'lightgbm'")["model_id"]
        )
        before = wh.count("predictions.models")
        model = train_model(wh, built_copy, "lightgbm", "points", cutoff)
        assert model.model_id in used and wh.count("predictions.models") == before  # the backtest's own model
        # a corrected box score before the cutoff is different training data: a new model
        wh.execute("UPDATE analytics.player_game_summary SET pts = pts + 1 WHERE game_date = DATE '2025-11-03'")
        changed = train_model(wh, built_copy, "lightgbm", "points", cutoff)
        assert changed.model_id != model.model_id and wh.count("predictions.models") == before + 1
        row = wh.df("SELECT * FROM predictions.models WHERE model_id = ?", [changed.model_id]).iloc[0]
        assert pd.Timestamp(row["train_end"]).date() == cutoff and (built_copy.home / row["path"]).exists()
        assert json.loads(row["metrics"])["holdout_rows"] > 0 and row["status"] == "candidate"

        store = ModelStore(wh, built_copy)
        store.promote(changed.model_id[:30])
        promoted = built_copy.model_copy(update={"model_selection": "promoted"})
        frame = MarketData.load(wh, MARKETS["player_points"], date(2025, 11, 19))
        live = ModelStore(wh, promoted)
        assert live.model_for(get_system("lightgbm"), frame, pd.Timestamp("2025-11-12")).model_id == changed.model_id
        # never a model trained after the date it predicts, promoted or not
        assert live.model_for(get_system("lightgbm"), frame, pd.Timestamp("2025-11-05")).model_id != changed.model_id
        store.promote(model.model_id)
        statuses = wh.df("SELECT model_id, status FROM predictions.models WHERE status <> 'candidate'")
    assert dict(zip(statuses["model_id"], statuses["status"], strict=True)) == {
        model.model_id: "production",
        changed.model_id: "retired",
    }


def test_models_commands_and_backtest_flags(built_copy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBAPROPS_HOME", str(built_copy.home))
    monkeypatch.setenv("NBAPROPS_OFFLINE", "1")
    for name, value in EVERY_SYSTEM.items():
        monkeypatch.setenv(f"NBAPROPS_{name.upper()}", json.dumps(value))
    listed = runner.invoke(app, ["models", "list", "--system", "ensemble"])
    assert listed.exit_code == 0 and "ensemble-" in listed.output and "lightgbm-" not in listed.output
    with Warehouse(built_copy.warehouse_path) as wh:
        model_id = wh.scalar("SELECT min(model_id) FROM predictions.models WHERE system_id = 'lightgbm'")
    shown = runner.invoke(app, ["models", "show", model_id])
    assert shown.exit_code == 0
    detail = json.loads(shown.output)
    assert detail["features"] and detail["metrics"]["holdout_mae"] > 0 and detail["code_version"]
    assert runner.invoke(app, ["models", "show", "no-such-model"]).exit_code == 2
    result = runner.invoke(
        app,
        ["backtest", "--start", "2025-11-17", "--end", "2025-11-19", "--system", "ensemble", "--market", "rebounds",
         "--json", "--no-report"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["system"] == "ensemble" and out["market"] == "player_rebounds" and out["graded"] > 100
    assert {"graded", "model_mae", "market_mae", "picks", "hit_rate", "roi", "brier", "market_brier"} <= out.keys()
    bad = runner.invoke(app, ["backtest", "--start", "2025-11-17", "--end", "2025-11-19", "--system", "oracle"])
    assert bad.exit_code == 2 and "not a system" in bad.output
