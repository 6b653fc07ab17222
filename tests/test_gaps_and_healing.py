"""Expected outputs, gaps, healing and backfills on the real demo warehouse — and two real
`nbaprops` processes running the same date at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.expectations import find_gaps
from nbaprops.pipeline.healing import chunk_days, heal
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions
from nbaprops.warehouse.db import Warehouse

AFTER_THE_SEASON_STARTED = datetime(2025, 11, 25, 12, 0)
DERIVED_KEYS = {
    "analytics.player_game_summary": "player_id, game_id",
    "analytics.team_game_summary": "game_id, team",
    "analytics.games": "game_id",
    "analytics.player_game_context": "player_id, game_id",
    "features.player_game": "player_id, game_id",
    "predictions.player_props": "system_id, market, player_id, game_id",
}


@pytest.fixture
def home(built_home: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(built_home, copy)
    return copy


def duplicates(wh: Warehouse) -> dict[str, int]:
    return {t: wh.scalar(f"SELECT count(*) - count(DISTINCT ({k})) FROM {t}") for t, k in DERIVED_KEYS.items()}


def nbaprops(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NBAPROPS_HOME": str(home), "NBAPROPS_OFFLINE": "1"}
    exe = Path(sys.executable).parent / "nbaprops"
    return subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_complete_demo_window_has_no_late_gaps_and_off_days_expect_nothing(home: Path) -> None:
    settings = make_settings(home)
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        gaps = find_gaps(wh, settings, history, since=date(2025, 10, 21), until=date(2025, 11, 19),
                         now=AFTER_THE_SEASON_STARTED, include_ok=True)  # fmt: skip
        history.close()
    late = [g for g in gaps if g.status != "ok"]
    assert gaps and not late, late[:3]
    game_days = {g.day for g in gaps}
    assert date(2025, 11, 5) in game_days
    # There were no NBA games on 2025-10-20 (the day before the season opened): nothing expected.
    assert date(2025, 10, 20) not in game_days


def test_missing_days_anywhere_in_history_are_found_and_healed(home: Path) -> None:
    settings = make_settings(home)
    lost = [date(2025, 1, 8), date(2025, 1, 9), date(2025, 11, 4)]  # last season and this one
    with Warehouse(settings.warehouse_path) as wh:
        wh.execute("DELETE FROM analytics.player_game_summary WHERE game_date IN (?, ?, ?)", lost)
        history = RunHistory(settings.run_history_url)
        gaps = find_gaps(wh, settings, history, now=AFTER_THE_SEASON_STARTED)
        found = {(g.day, g.step) for g in gaps}
        assert {(d, "analytics.player_game_summary") for d in lost} <= found
        assert all(g.status == "late" for g in gaps if g.day in lost)
        report = heal(wh, settings, history, since=date(2024, 10, 1), until=date(2025, 11, 19),
                      options=RunOptions(isolation="inline"), now=AFTER_THE_SEASON_STARTED)  # fmt: skip
        after = find_gaps(wh, settings, history, now=AFTER_THE_SEASON_STARTED)
        counts = duplicates(wh)
        history.close()
    assert {r.start for r in report.runs} >= set(lost)
    assert not [g for g in after if g.day in lost]
    assert all(n == 0 for n in counts.values()), counts


def test_failures_are_reported_with_their_message_and_heals_are_bounded(home: Path) -> None:
    settings = make_settings(home, heal_max_attempts=2)
    day = date(2025, 11, 6)
    with Warehouse(settings.warehouse_path) as wh:
        wh.execute("DELETE FROM analytics.team_game_summary WHERE game_date = ?", [day])
        history = RunHistory(settings.run_history_url)
        run = history.start_run("run", day, day)
        history.start_step(run, "analytics.team_game_summary", "analytics", True, day, day)
        history.finish_step(run, "analytics.team_game_summary", Category.ERROR, 0, 0.1, "IOException: disk full")
        history.finish_run(run, Category.ERROR)
        gap = next(g for g in find_gaps(wh, settings, history, now=AFTER_THE_SEASON_STARTED) if g.day == day)
        assert gap.status == "failed" and "disk full" in gap.reason
        for _ in range(2):
            history.record_heal(day, "analytics.team_game_summary", Category.ERROR)
        gap = next(g for g in find_gaps(wh, settings, history, now=AFTER_THE_SEASON_STARTED) if g.day == day)
        history.close()
    assert gap.status == "gave_up"


def test_chunks_bridge_short_breaks_and_stay_bounded() -> None:
    days = [date(2025, 1, d) for d in (1, 2, 3, 6, 20, 21)] + [date(2025, 2, 1)]
    assert chunk_days(days, 31) == [(date(2025, 1, 1), date(2025, 1, 6)), (date(2025, 1, 20), date(2025, 1, 21)),
                                    (date(2025, 2, 1), date(2025, 2, 1))]  # fmt: skip
    assert len(chunk_days([date(2025, 1, 1) + pd.Timedelta(days=i) for i in range(70)], 31)) == 3


def test_backfill_resumes_after_kill_9_with_nothing_lost_or_duplicated(home: Path) -> None:
    settings = make_settings(home)
    first, last = date(2025, 10, 22), date(2025, 11, 18)
    with Warehouse(settings.warehouse_path) as wh:
        reference = wh.df("SELECT * FROM features.player_game WHERE game_date BETWEEN ? AND ?", [first, last])
        for table in ("analytics.player_game_summary", "analytics.player_game_context", "features.player_game"):
            wh.execute(f"DELETE FROM {table} WHERE game_date BETWEEN ? AND ?", [first, last])
    proc = nbaprops(home, "backfill", "--start", str(first), "--end", str(last), "--chunk-days", "7")
    history = RunHistory(settings.run_history_url)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        with history.engine.connect() as con:
            done = con.exec_driver_sql("SELECT count(*) FROM backfill_chunks WHERE status = 'done'").scalar()
        if done >= 1:
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()[0]  # still working when killed
    proc.send_signal(signal.SIGKILL)  # kill -9: no cleanup, no finally blocks
    proc.wait()
    resumed = nbaprops(home, "backfill", "--start", str(first), "--end", str(last), "--chunk-days", "7")
    output = resumed.communicate(timeout=600)[0]
    assert resumed.returncode == 0, output
    with Warehouse(settings.warehouse_path) as wh:
        restored = wh.df("SELECT * FROM features.player_game WHERE game_date BETWEEN ? AND ?", [first, last])
        counts = duplicates(wh)
        gaps = [g for g in find_gaps(wh, settings, history, since=first, until=last, now=AFTER_THE_SEASON_STARTED)]
    history.close()
    assert all(n == 0 for n in counts.values()), counts
    assert not gaps, gaps[:3]
    keys = ["player_id", "game_id"]
    pd.testing.assert_frame_equal(
        reference.sort_values(keys).reset_index(drop=True), restored.sort_values(keys).reset_index(drop=True)
    )


def test_two_processes_running_the_same_date_do_not_interleave(home: Path) -> None:
    args = ("run", "--date", "2025-11-05", "--phase", "analytics", "--phase", "features", "--wait-lock", "300")
    first, second = nbaprops(home, *args), nbaprops(home, *args)
    outputs = [first.communicate(timeout=600)[0], second.communicate(timeout=600)[0]]
    assert first.returncode == 0 and second.returncode == 0, outputs
    settings = make_settings(home)
    history = RunHistory(settings.run_history_url)
    runs = [r for r in history.recent_runs(5) if r["command"] == "run"][:2]
    spans = []
    for run in runs:
        steps = history.steps(run["run_id"])
        spans.append((min(s["started_utc"] for s in steps), max(s["finished_utc"] for s in steps)))
    history.close()
    spans.sort()
    assert spans[0][1] <= spans[1][0], f"the runs interleaved: {spans}"
    with Warehouse(settings.warehouse_path) as wh:
        counts = duplicates(wh)
    assert all(n == 0 for n in counts.values()), counts
