"""`nbaprops health`: the verdict (0 healthy, 1 degraded, 2 broken) follows the documented rules, from
real runs recorded by the runner, real gaps in the demo warehouse and a warehouse really held by
another process."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from nbaprops.cli import app
from nbaprops.config import Settings
from nbaprops.ops.health import date_health, health_report
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.processor import Processor, StepContext, StepResult
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

NOW = datetime(2025, 11, 20, 15, 0)  # 10 am Eastern, the day after the demo's last date
DAY, NEXT = date(2025, 11, 5), date(2025, 11, 6)


def fine(ctx: StepContext) -> StepResult:
    return StepResult(1)


def broken(ctx: StepContext) -> StepResult:
    raise KeyError("game_id")


def invalid(ctx: StepContext) -> StepResult:
    raise StepFailure(Category.VALIDATION_FAILED, f"gate rows: {ctx.start} has 0 rows")


def run(settings: Settings, day: date, *processors: Processor) -> None:
    """A real run through the runner, recorded in the run history, on the settings' warehouse."""
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        run_pipeline(wh, settings, history, day, day, processors=processors, options=RunOptions(isolation="inline"))
        history.close()


def steps(work: object = fine, optional: object = fine) -> tuple[Processor, ...]:
    """A critical processor and an optional one, named as in the registry (so health knows which is which)."""
    return (
        Processor("analytics.games", "analytics", work, inputs=(), outputs=("analytics.games",)),  # type: ignore[arg-type]
        Processor("predictions.similarity", "predictions", optional, inputs=(), outputs=("p",), critical=False),  # type: ignore[arg-type]
    )


@pytest.fixture
def empty(settings: Settings) -> Settings:
    """A migrated, empty warehouse: no games, so nothing is expected."""
    Warehouse(settings.warehouse_path).close()
    return settings


def test_nothing_expected_and_nothing_failed_is_healthy(empty: Settings) -> None:
    report = health_report(empty, now=NOW)
    assert (report.status, report.exit_code, report.findings) == ("healthy", 0, [])
    run(empty, DAY, *steps())
    report = health_report(empty, now=NOW)
    assert report.status == "healthy" and report.latest_date["day"] == DAY
    analytics = next(p for p in report.phases if p["phase"] == "analytics")
    assert analytics["category"] == "success" and analytics["command"] == "run"
    json.dumps(report.to_dict())  # JSON-ready as is


def test_a_critical_failure_on_the_latest_date_is_broken_until_a_rerun_succeeds(empty: Settings) -> None:
    run(empty, DAY, *steps())
    run(empty, NEXT, *steps(work=broken))
    report = health_report(empty, now=NOW)
    assert (report.status, report.exit_code) == ("broken", 2)
    assert [f.check for f in report.findings] == ["latest date"]
    assert "2025-11-06 analytics.games: error — KeyError: 'game_id'" in report.findings[0].message
    # The same rule, date by date, for the published files.
    with Warehouse(empty.warehouse_path) as wh:
        history = RunHistory(empty.run_history_url)
        assert date_health(wh, history, empty, DAY) == {"status": "ok", "problems": [], "warnings": []}
        unhealthy = date_health(wh, history, empty, NEXT)
        history.close()
    assert unhealthy["status"] == "unhealthy" and unhealthy["problems"][0].startswith("analytics.games: error")
    # The dependent step was skipped (dependency_missing): a consequence, not a second problem.
    assert len(unhealthy["problems"]) == 1 and unhealthy["warnings"] == []

    run(empty, NEXT, *steps())  # healed: the latest attempt is what counts
    assert health_report(empty, now=NOW).status == "healthy"


def test_an_optional_failure_is_degraded(empty: Settings) -> None:
    run(empty, DAY, *steps(optional=invalid))
    report = health_report(empty, now=NOW)
    assert (report.status, report.exit_code) == ("degraded", 1)
    assert "predictions.similarity: validation_failed — gate rows: 2025-11-05 has 0 rows" in report.findings[0].message


def test_unresolved_players_and_a_stale_model_are_degraded(empty: Settings) -> None:
    with Warehouse(empty.warehouse_path) as wh:
        wh.execute(
            "INSERT INTO raw.prop_lines (snapshot_utc, event_id, player_name, market, bookmaker, line, home, away,"
            " game_date, source_file, content_hash, imported_utc) SELECT TIMESTAMP '2025-11-05 17:00', 'e1',"
            " 'Nobody ' || i, 'player_points', 'draftkings', 10.5, 'BOS', 'NYK', DATE '2025-11-05', 'f', 'h',"
            " TIMESTAMP '2025-11-05 17:00' FROM range(3) t(i)"
        )
        wh.execute(
            "INSERT INTO predictions.models (model_id, system_id, system_version, market, train_end, train_rows,"
            " data_hash, features, config, metrics, code_version, path, status, created_utc) VALUES ('m1',"
            " 'lightgbm', '1', 'player_points', DATE '2025-10-01', 100, 'd', '[]', '{}', '{}', 'c', 'p',"
            " 'candidate', TIMESTAMP '2025-10-01 00:00')"
        )
        wh.execute(
            "INSERT INTO predictions.player_props (system_id, market, player_id, game_id, game_date, line, predicted,"
            " sigma, p_over, p_under, edge, recommendation, actionable, model_version, created_utc) VALUES"
            " ('lightgbm', 'player_points', 1, 'g1', DATE '2025-11-19', 10.5, 12, 5, 0.6, 0.4, 1.5, 'OVER', true,"
            " 'm1', TIMESTAMP '2025-11-19 12:00')"
        )
    report = health_report(empty, now=NOW)
    assert report.status == "degraded"
    by_check = {f.check: f.message for f in report.findings}
    assert by_check["players"].startswith("100.0% of prop lines (3) are not resolved")
    assert by_check["models"].startswith("lightgbm: newest model trained on games before 2025-10-01")
    assert report.unresolved["names"] == 0 and report.models[0]["stale"] is True


def test_critical_outputs_past_their_sla_are_broken(demo_copy: Settings) -> None:
    """The imported demo history has box scores and analytics, but no features or predictions yet."""
    report = health_report(demo_copy, now=NOW)
    assert report.exit_code == 2
    sla = next(f for f in report.findings if f.check == "SLA" and f.level == "broken")
    assert "features.player_game" in sla.message and "(2025-10-21..2025-11-19)" in sla.message
    assert report.gaps["counts"]["late"] >= 30 and report.data["latest_box_score_date"] >= date(2025, 11, 19)
    assert all(g["status"] != "ok" for g in report.gaps["open"])


def test_a_warehouse_held_by_another_process_is_reported_not_a_crash(empty: Settings) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(120)", empty.warehouse_path],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        history = RunHistory(empty.run_history_url)
        run_id = history.start_run("run", DAY, DAY)  # the run that holds it, as far as the history knows
        report = health_report(empty, now=NOW, history=history)
        history.close()
    finally:
        holder.kill()
        holder.wait()
    assert (report.status, report.exit_code) == ("degraded", 1)
    message = report.findings[0].message
    assert "held by another process" in message and f"PID {holder.pid}" in message and run_id in message
    assert report.warehouse["readable"] is False and report.latest_date == {}


def test_no_warehouse_at_all_is_broken(settings: Settings) -> None:
    report = health_report(settings, now=NOW)
    assert report.exit_code == 2 and "no warehouse at" in report.findings[0].message


def test_the_command_prints_the_report_and_exits_with_its_code(
    empty: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(empty, NEXT, *steps(work=broken))
    monkeypatch.setenv("NBAPROPS_HOME", str(empty.home))
    result = CliRunner().invoke(app, ["health", "--json"])
    assert result.exit_code == 2, result.output
    printed = json.loads(result.stdout)
    assert printed["status"] == "broken" and printed["exit_code"] == 2
    result = CliRunner().invoke(app, ["health"])
    assert result.exit_code == 2 and "Last run per phase" in result.stdout and "health: broken" in result.stdout
