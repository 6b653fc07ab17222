"""Shared fixtures: real data only (the bundled demo set and ../shared/data), never the network."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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


def make_settings(home: Path) -> Settings:
    return Settings(home=home, _env_file=None)  # type: ignore[call-arg]


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


@pytest.fixture(scope="session")
def built_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home with the whole pipeline run walk-forward over the demo window.

    Read-only for the tests that use it.
    """
    from datetime import date

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
