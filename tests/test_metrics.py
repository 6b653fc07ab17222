"""``/metrics`` after a real run: the exposition text, parsed, says what the run history, the raw
store and the published files say — read without ever opening the DuckDB warehouse."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from conftest import SAMPLES_DIR, make_settings
from nbaprops.config import Settings
from nbaprops.ops.metrics import render_metrics
from nbaprops.pipeline.run_history import RunHistory, steps
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.sources.scrape import scrape
from nbaprops.warehouse.db import Warehouse

pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
LAST_DAY = date(2025, 11, 19)


@pytest.fixture(scope="module")
def observed(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, object]]:
    """A copy of the built demo home after a scrape whose odds host fails, and a grading run."""
    from test_scrape import BP_DAY, BP_EVENTS, BP_PATH, ODDS_PATH, Server, answer, live_client

    home = tmp_path_factory.mktemp("metrics") / "home"
    shutil.copytree(built_home, home)
    settings = make_settings(home)
    facts: dict[str, object] = {}
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        # The odds host answers 502 five times (its breaker opens: the next request is not sent);
        # BettingPros answers with its recorded events.
        server = Server({ODDS_PATH: answer(b"<html>502 Bad Gateway</html>", 502, "text/html"),
                         BP_PATH: answer(BP_EVENTS)})  # fmt: skip
        with live_client(server) as http:
            wanted = ["odds_api.events_historical", "odds_api.game_lines_historical", "bettingpros.events"]
            scrape(wh, settings, history, BP_DAY, fetcher=http, sources=wanted)
        run_pipeline(wh, settings, history, LAST_DAY, LAST_DAY, phases={"grading", "publish"},
                     options=RunOptions(isolation="inline"))  # fmt: skip
        performance = Path(str(settings.publish_dir)) / "v1" / "systems" / "performance.json"
        if not performance.exists():  # the publish phase does not write it (yet): its own module does
            from nbaprops.publish import systems

            systems.publish(wh, settings, history, LAST_DAY, LAST_DAY)
        facts["hit_rate_7d"] = wh.scalar(
            "SELECT hit_rate FROM grading.daily_performance WHERE system_id = 'baseline'"
            " AND market = 'player_points' AND window_days = 7 ORDER BY game_date DESC LIMIT 1"
        )
        history.close()
    return settings, facts


def samples(settings: Settings) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Every sample of the exposition, by sample name and sorted labels."""
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(render_metrics(settings).decode()):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(found: dict[str, dict[tuple[tuple[str, str], ...], float]], name: str, **labels: str) -> float:
    return found[name][tuple(sorted(labels.items()))]


def test_runs_and_steps_match_the_run_history(observed: tuple[Settings, dict[str, object]]) -> None:
    settings, _ = observed
    found = samples(settings)
    history = RunHistory(settings.run_history_url)
    runs = history.recent_runs(limit=1000)
    expected = Counter((r["command"], r["status"], r["category"]) for r in runs)
    exposed = {
        (dict(k)["command"], dict(k)["status"], dict(k)["category"]): v for k, v in found["nbaprops_runs_total"].items()
    }
    assert exposed == expected
    assert {c for c, _, category in expected if category == "error"} == {"scrape"}  # the odds host failed
    with history.engine.connect() as con:
        attempts = con.execute(sa.select(sa.func.count()).where(steps.c.category.is_not(None))).scalar_one()
        grading = con.execute(
            sa.select(sa.func.count(), sa.func.sum(steps.c.duration_s), sa.func.sum(steps.c.rows_written)).where(
                steps.c.step == "grading.player_props", steps.c.skipped.is_(False)
            )
        ).one()
        baseline_rows = con.execute(
            sa.select(sa.func.sum(steps.c.rows_written)).where(
                steps.c.step == "predictions.baseline", steps.c.category == "success"
            )
        ).scalar_one()
    history.close()
    assert sum(found["nbaprops_step_attempts_total"].values()) == attempts
    assert value(found, "nbaprops_step_duration_seconds_count", processor="grading.player_props") == grading[0] == 2
    assert value(found, "nbaprops_step_duration_seconds_sum", processor="grading.player_props") == pytest.approx(
        grading[1]
    )
    assert value(found, "nbaprops_step_duration_seconds_bucket", processor="grading.player_props", le="+Inf") == 2
    assert value(found, "nbaprops_rows_written_total", processor="grading.player_props", phase="grading") == grading[2]
    assert value(found, "nbaprops_predictions_made_total", system="baseline") == baseline_rows > 0
    # Step labels stay few: a scrape request's parameters and an imported file's name are not labels.
    assert ("processor", "import:odds_props_snapshot") in {
        label for key in found["nbaprops_step_attempts_total"] for label in key
    }
    failed = found["nbaprops_metrics_collect_failed"]
    assert len(failed) == 6 and set(failed.values()) == {0}, failed


def test_http_statuses_per_source_and_breaker_states(observed: tuple[Settings, dict[str, object]]) -> None:
    settings, _ = observed
    found = samples(settings)
    assert value(found, "nbaprops_http_responses_total", source="odds_api", status="502") == 1
    assert value(found, "nbaprops_http_responses_total", source="bettingpros", status="200") == 1
    assert value(found, "nbaprops_scrape_requests_total", source="odds_api", category="error") == 2
    assert value(found, "nbaprops_scrape_requests_total", source="bettingpros", category="success") >= 1
    breakers = {dict(k)["host"]: v for k, v in found["nbaprops_http_breaker_open"].items()}
    assert breakers["api.the-odds-api.com"] == 1  # five 502s opened it; the next request found it open
    assert [v for host, v in breakers.items() if host != "api.the-odds-api.com"] == [0]
    processors = found["nbaprops_processor_breaker_open"]
    assert len(processors) > 20 and set(processors.values()) == {0}


def test_hit_rate_and_graded_predictions_come_from_the_published_files(
    observed: tuple[Settings, dict[str, object]],
) -> None:
    settings, facts = observed
    found = samples(settings)
    performance = json.loads((Path(str(settings.publish_dir)) / "v1" / "systems" / "performance.json").read_text())
    baseline = next(s for s in performance["systems"] if (s["system_id"], s["market"]) == ("baseline", "player_points"))
    labels = {"system": "baseline", "market": "player_points"}
    assert value(found, "nbaprops_hit_rate", window="7d", **labels) == pytest.approx(facts["hit_rate_7d"], abs=1e-3)
    assert value(found, "nbaprops_hit_rate", window="all", **labels) == pytest.approx(baseline["overall"]["hit_rate"])
    assert value(found, "nbaprops_predictions_graded", window="all", **labels) == baseline["overall"]["graded"] > 3000
    status = Path(str(settings.publish_dir)) / "v1" / "status.json"
    if status.exists():  # written by the publish phase when it has the status step
        level = json.loads(status.read_text())["overall"]
        assert value(found, "nbaprops_published_status") == {"healthy": 0, "degraded": 1, "broken": 2}[level]


def test_metrics_of_an_empty_home_are_empty_not_an_error(settings: Settings) -> None:
    found = samples(settings)
    assert "nbaprops_runs_total" not in found
    assert set(found["nbaprops_metrics_collect_failed"].values()) == {0}


def test_every_metric_is_documented(observed: tuple[Settings, dict[str, object]]) -> None:
    settings, _ = observed
    documented = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    names = {f.name for f in text_string_to_metric_families(render_metrics(settings).decode())}
    assert len(names) >= 20
    missing = [n for n in names if f"`{n}`" not in documented and f"`{n}_total`" not in documented]
    assert not missing, f"add to docs/operations.md: {missing}"
