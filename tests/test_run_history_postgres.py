"""Run history and locks on a real PostgreSQL server (the scale-out backend), same code as SQLite.

The test starts a throwaway server in a temporary folder (PostgreSQL's own initdb/pg_ctl, as the
`postgres` user when running as root) and stops it afterwards; without PostgreSQL binaries it skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.processor import Processor, StepContext, StepResult
from nbaprops.pipeline.run_history import LockHeld, RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

DAY = date(2025, 11, 5)
INITDB = shutil.which("initdb") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))), None)


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if INITDB is None:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    bin_dir = Path(INITDB).parent
    # Not under pytest's private temp folder: the server runs as `postgres` and must reach it.
    root = Path(tempfile.mkdtemp(prefix="nbaprops-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", 55432 + os.getpid() % 1000
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)  # fmt: skip
    options = f"-k {root} -p {port} -c listen_addresses=''"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                                 "-w", "start"]), check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def fine(ctx: StepContext) -> StepResult:
    return StepResult(2, "fine")


def broken(ctx: StepContext) -> StepResult:
    raise RuntimeError("boom")


def test_runs_steps_and_locks_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    from conftest import make_settings

    settings = make_settings(tmp_path, run_history_url=postgres_url)
    history = RunHistory(settings.run_history_url)
    assert history.engine.dialect.name == "postgresql"
    procs = (
        Processor("a", "analytics", fine, inputs=(), outputs=("t.a",)),
        Processor("b", "analytics", broken, inputs=("t.a",), outputs=("t.b",), retries=1, retry_backoff_s=0),
    )
    options = RunOptions(isolation="inline", sleep=lambda s: None)
    with Warehouse(settings.warehouse_path) as wh:
        report = run_pipeline(wh, settings, history, DAY, DAY, processors=procs, options=options)
    assert report.step("a").category is Category.SUCCESS
    assert report.step("b").category is Category.ERROR and report.step("b").attempts == 2
    latest = history.recent_runs(1)[0]
    assert latest["run_id"] == report.run_id and latest["category"] == "error" and latest["problems"] == 2
    # Locks are shared by every process using this database.
    other = RunHistory(postgres_url)
    holder = history.start_run("run", DAY, DAY)
    contender = other.start_run("run", DAY, DAY)
    with history.lock_dates([DAY], holder), pytest.raises(LockHeld), other.lock_dates([DAY], contender):
        pass
    other.close()
    history.close()
