"""Shared fixtures: real data only (the bundled demo set and ../shared/data), never the network."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "data" / "demo"
SHARED_DATA = REPO.parent / "shared" / "data"
HISTORY_DIR = SHARED_DATA / "history"
SAMPLES_DIR = SHARED_DATA / "samples"

needs_shared = pytest.mark.skipif(not HISTORY_DIR.exists(), reason="../shared/data is not beside the checkout")

# Prediction systems in tests: small models (few boosting rounds, a smaller calibration holdout), and
# one model cache for the session, so a model trained for one test home (same games, same settings:
# same content-hashed id) is loaded, not retrained, by the next. Speed only: models are still trained.
os.environ.setdefault("NBAPROPS_GBM_ROUNDS", "40")
# Most tests exercise the pipeline, not the systems: they run the baseline on points only. The tests of
# the systems and markets (test_prediction_systems.py, test_live_morning.py) ask for all of them.
os.environ.setdefault("NBAPROPS_PREDICTION_SYSTEMS", '["baseline"]')
os.environ.setdefault("NBAPROPS_PREDICTION_MARKETS", '["player_points"]')
os.environ.setdefault("NBAPROPS_CALIBRATION_ROWS", "4000")
if "NBAPROPS_MODEL_CACHE_DIR" not in os.environ:
    os.environ["NBAPROPS_MODEL_CACHE_DIR"] = _MODEL_CACHE = tempfile.mkdtemp(prefix="nbaprops-models-")
    atexit.register(shutil.rmtree, _MODEL_CACHE, ignore_errors=True)


EVERY_SYSTEM: dict[str, object] = {
    "prediction_systems": ["baseline", "similarity", "lightgbm", "ensemble"],
    "prediction_markets": [
        "player_points", "player_rebounds", "player_assists", "player_threes", "player_points_rebounds_assists"
    ],
    # the ensemble leans on the market and picks rarely: the caps are tested on a system that picks often
    "best_bets_system": "lightgbm",
}  # fmt: skip


def make_settings(home: Path, **overrides: object) -> Settings:
    """Settings for a test home: never the network, never the developer's .env."""
    return Settings(home=home, offline=True, _env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = make_settings(tmp_path / "home")
    s.ensure_dirs()
    return s


@pytest.fixture
def wh(settings: Settings) -> Iterator[Warehouse]:
    warehouse = Warehouse(settings.warehouse_path)
    yield warehouse
    warehouse.close()


@pytest.fixture
def history(settings: Settings) -> Iterator[RunHistory]:
    runs = RunHistory(settings.run_history_path)
    yield runs
    runs.close()


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose warehouse holds the imported demo dataset (built once per test session)."""
    home = tmp_path_factory.mktemp("demo_home")
    s = make_settings(home)
    s.ensure_dirs()
    with Warehouse(s.warehouse_path) as warehouse:
        runs = RunHistory(s.run_history_path)
        import_history(warehouse, s, runs, [DEMO_DIR])
        runs.close()
    return home


@pytest.fixture
def demo_copy(demo_home: Path, tmp_path: Path) -> Settings:
    """A private copy of the demo home, for tests that change it."""
    home = tmp_path / "demo_copy"
    shutil.copytree(demo_home, home)
    return make_settings(home)


@pytest.fixture(autouse=True, scope="session")
def _quiet_logs() -> None:
    """Warnings and errors only, to stderr, as the CLI does by default."""
    from nbaprops.logs import configure

    configure(verbose=False)


SYSTEMS_START, SYSTEMS_END = date(2025, 11, 10), date(2025, 11, 19)


@pytest.fixture(scope="session")
def built_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home with the whole pipeline run walk-forward over the demo window.

    Read-only for the tests that use it.
    """
    from nbaprops.predict.backtest import run_backtest

    home = tmp_path_factory.mktemp("built") / "home"
    shutil.copytree(demo_home, home)
    s = make_settings(home)
    with Warehouse(s.warehouse_path) as warehouse:
        runs = RunHistory(s.run_history_path)
        result = run_backtest(warehouse, s, runs, date(2025, 10, 21), date(2025, 11, 19))
        runs.close()
    assert result["category"] == "success"
    return home


@pytest.fixture(scope="session")
def systems_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home with every system and market run walk-forward over 2025-11-10..19.

    Shorter than the demo window (two weekly retrainings instead of five) to keep the suite fast;
    read-only for the tests that use it.
    """
    from nbaprops.predict.backtest import run_backtest

    home = tmp_path_factory.mktemp("systems") / "home"
    shutil.copytree(demo_home, home)
    s = make_settings(home, **EVERY_SYSTEM)
    with Warehouse(s.warehouse_path) as warehouse:
        runs = RunHistory(s.run_history_path)
        result = run_backtest(warehouse, s, runs, SYSTEMS_START, SYSTEMS_END)
        runs.close()
    assert result["category"] == "success"
    return home


@pytest.fixture(scope="session")
def published_home(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of `built_home` after the publish phase: every publisher in the registry wrote its files.

    What `nbaprops serve` reads (tests/test_web_api.py, tests/test_dashboard_browser.py); read-only.
    """
    from nbaprops.pipeline.runner import RunOptions, run_pipeline
    from nbaprops.publish.unresolved import write_unresolved

    home = tmp_path_factory.mktemp("published") / "home"
    shutil.copytree(built_home, home)
    s = make_settings(home)
    assert s.publish_dir is not None
    with Warehouse(s.warehouse_path) as warehouse:
        runs = RunHistory(s.run_history_path)
        report = run_pipeline(
            warehouse, s, runs, date(2025, 10, 21), date(2025, 11, 19), command="publish", phases={"publish"},
            options=RunOptions(isolation="inline"),
        )  # fmt: skip
        runs.close()
        if not (s.publish_dir / "v1" / "unresolved.json").exists():  # until the registry runs this exporter
            write_unresolved(warehouse, s.publish_dir)
    assert not report.category.pages_a_human, [(step.name, step.category, step.message) for step in report.steps]
    return home
