"""The commands a user runs, on the real demo data: backtest --json, demo, the published JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEMO_DIR
from nbaprops.cli import app
from nbaprops.config import Settings
from nbaprops.warehouse.db import Warehouse

runner = CliRunner()
REQUIRED = {"graded", "model_mae", "market_mae", "picks", "hit_rate", "roi"}


@pytest.fixture
def backtest_result(demo_copy: Settings, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("NBAPROPS_HOME", str(demo_copy.home))
    result = runner.invoke(app, ["backtest", "--start", "2025-10-21", "--end", "2025-11-19", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_backtest_json_has_the_promised_keys_and_consistent_numbers(backtest_result: dict, demo_copy: Settings) -> None:
    r = backtest_result
    assert r.keys() >= REQUIRED
    assert r["graded"] > 2500 and r["picks"] > 100
    assert r["hit_rate"] == pytest.approx(r["wins"] / (r["wins"] + r["losses"]), abs=1e-4)
    assert 3.5 < r["market_mae"] < 6.5 and 3.5 < r["model_mae"] < 7.0
    # market MAE recomputed independently: the graded lines against the raw NBA.com box scores
    with Warehouse(demo_copy.warehouse_path) as wh:
        independent = wh.scalar(
            """
            SELECT avg(abs(g.line - b.pts)) FROM grading.player_props g
            JOIN raw.player_game_logs b ON b.player_id = g.player_id AND b.game_date = g.game_date
            WHERE g.game_date BETWEEN DATE '2025-10-21' AND DATE '2025-11-19'
                AND g.system_id = 'baseline' AND g.market = 'player_points'
            """
        )
        voids_played = wh.scalar(
            """
            SELECT count(*) FROM grading.player_props g
            JOIN raw.player_game_logs b ON b.player_id = g.player_id AND b.game_date = g.game_date
            WHERE g.outcome = 'void'
            """
        )
    assert r["market_mae"] == pytest.approx(independent, abs=1e-3)
    assert voids_played == 0  # a void is only ever a player with no box score


def test_results_files_are_written_per_date_and_agree_with_the_summary(backtest_result: dict, demo_copy) -> None:
    results = sorted((demo_copy.home / "publish" / "v1" / "results").glob("2025-1*.json"))
    assert len(results) == 30
    day = json.loads(results[0].read_text())
    assert day["date"] == "2025-10-21" and day["schema"] == "nbaprops.results.v1"
    first = day["predictions"][0]
    for key in ("player", "team", "opponent", "line", "bookmaker", "predicted", "p_over", "recommendation", "outcome"):
        assert key in first
    total_picks = sum(json.loads(p.read_text())["summary"]["baseline/player_points"]["picks"] for p in results)
    assert total_picks == backtest_result["picks"]
    assert Path(backtest_result["published"]).exists()


def test_demo_command_runs_on_a_fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBAPROPS_HOME", str(tmp_path / "fresh"))
    result = runner.invoke(app, ["demo", "--data", str(DEMO_DIR)])
    assert result.exit_code == 0, result.output
    for text in ("player-games graded", "model MAE", "market MAE", "hit rate", "ROI"):
        assert text in result.output


def test_bad_dates_are_refused_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NBAPROPS_HOME", str(tmp_path))
    result = runner.invoke(app, ["backtest", "--start", "2025-13-01", "--end", "2025-11-19"])
    assert result.exit_code == 2 and "is not a date" in result.output
    result = runner.invoke(app, ["run", "--start", "2025-11-19", "--end", "2025-11-01"])
    assert result.exit_code == 2 and "before" in result.output


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NBAPROPS_HOME", str(tmp_path))
    monkeypatch.setenv("NBAPROPS_ODDS_API_KEY", "sk-live-1234567890")
    monkeypatch.setenv("NBAPROPS_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XYZ")
    result = runner.invoke(app, ["settings"])
    assert result.exit_code == 0
    assert "sk-live-1234567890" not in result.output and "XYZ" not in result.output
    assert "odds_api_key = **********" in result.output
    assert "sk-live" not in repr(Settings())


def test_registry_markdown_lists_every_processor() -> None:
    from nbaprops.pipeline.registry import REGISTRY

    result = runner.invoke(app, ["registry", "--markdown"])
    assert result.exit_code == 0
    assert all(f"`{p.name}`" in result.output for p in REGISTRY)
