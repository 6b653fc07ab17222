"""The runner's guarantees, on real processes: hung steps are killed, crashes are contained, long
steps heartbeat, transient failures are retried with backoff, failing processors are skipped by
their breaker, gates block or warn, and runs left by dead processes are recovered."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.gates import Gate
from nbaprops.pipeline.processor import Processor, StepContext, StepResult
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

DAY = date(2025, 11, 5)
PROCESS = RunOptions(isolation="process", heartbeat_s=0.3)


def sleeps_forever(ctx: StepContext) -> StepResult:
    while True:
        time.sleep(3600)


def dies(ctx: StepContext) -> StepResult:
    os._exit(7)


def works_slowly(ctx: StepContext) -> StepResult:
    time.sleep(1.5)
    ctx.wh.execute("CREATE TABLE IF NOT EXISTS raw.slow (day DATE)")
    ctx.wh.execute("INSERT INTO raw.slow VALUES (?)", [ctx.start])
    return StepResult(1, "slept and wrote")


def flaky_then_fine(ctx: StepContext) -> StepResult:
    """Fails twice, then works: the attempt count lives in the warehouse, shared by the children."""
    ctx.wh.execute("CREATE TABLE IF NOT EXISTS raw.attempts (n INTEGER)")
    ctx.wh.execute("INSERT INTO raw.attempts VALUES (1)")
    if ctx.wh.count("raw.attempts") < 3:
        raise ConnectionError("source reset the connection")
    return StepResult(5, "third time lucky")


def always_invalid(ctx: StepContext) -> StepResult:
    raise StepFailure(Category.VALIDATION_FAILED, "the answer lacks the field 'rowSet'")


def always_fails(ctx: StepContext) -> StepResult:
    raise RuntimeError("host unreachable")


def fine(ctx: StepContext) -> StepResult:
    return StepResult(3, "fine")


def p(name: str, run, inputs=(), outputs=None, **kw) -> Processor:  # type: ignore[no-untyped-def]
    return Processor(name, "analytics", run, inputs=tuple(inputs), outputs=outputs or (f"t.{name}",), **kw)


def go(settings: Settings, history: RunHistory, procs, options=PROCESS, **kw):  # type: ignore[no-untyped-def]
    with Warehouse(settings.warehouse_path) as wh:
        return run_pipeline(wh, settings, history, DAY, DAY, processors=tuple(procs), options=options, **kw)


def test_a_hung_step_is_killed_at_its_limit_and_the_run_goes_on(settings, history) -> None:
    began = time.perf_counter()
    report = go(settings, history, [p("hangs", sleeps_forever, timeout_s=1.5), p("other", fine)])
    elapsed = time.perf_counter() - began
    hung = report.step("hangs")
    assert hung.category is Category.TIMEOUT and "killed at its 1.5s time limit" in hung.message
    assert 1.5 <= hung.duration_s < 5 and elapsed < 20
    assert report.step("other").category is Category.SUCCESS


def test_a_step_whose_process_dies_is_an_error_not_a_crash(settings, history) -> None:
    report = go(settings, history, [p("dies", dies), p("after", fine, inputs=["t.dies"])])
    assert report.step("dies").category is Category.ERROR
    assert "exit code 7" in report.step("dies").message
    assert report.step("after").category is Category.DEPENDENCY_MISSING


def test_long_steps_heartbeat_and_their_writes_land(settings, history) -> None:
    report = go(settings, history, [p("slow", works_slowly)])
    assert report.step("slow").category is Category.SUCCESS
    import sqlalchemy as sa

    from nbaprops.pipeline.run_history import steps

    with history.engine.connect() as con:
        started, beat = con.execute(sa.select(steps.c.started_utc, steps.c.heartbeat_utc)).one()
    assert (beat - started).total_seconds() >= 1.0  # the runner heartbeated while the child worked
    with Warehouse(settings.warehouse_path) as wh:
        assert wh.count("raw.slow") == 1


def test_transient_failures_are_retried_with_backoff_others_are_not(settings, history) -> None:
    waits: list[float] = []
    options = RunOptions(isolation="process", heartbeat_s=0.3, sleep=waits.append)
    report = go(settings, history, [
        p("flaky", flaky_then_fine, retries=3, retry_backoff_s=10),
        p("invalid", always_invalid, retries=3),
    ], options=options)  # fmt: skip
    assert report.step("flaky").category is Category.SUCCESS and report.step("flaky").attempts == 3
    assert len(waits) == 2 and 5 <= waits[0] <= 15 and 10 <= waits[1] <= 30  # doubling, with jitter
    assert report.step("invalid").attempts == 1  # a validation failure will not fix itself
    attempts = [s for s in history.steps(report.run_id) if s["step"] == "flaky"]
    assert [a["category"] for a in attempts] == ["error", "error", "success"]


def test_the_breaker_skips_a_failing_processor_until_its_cool_down(settings, history) -> None:
    breaking = p("breaking", always_fails, breaker_threshold=3, breaker_cooldown_s=3600)
    inline = RunOptions(isolation="inline")
    for _ in range(3):
        assert go(settings, history, [breaking], options=inline).step("breaking").category is Category.ERROR
    skipped = go(settings, history, [breaking, p("needs_it", fine, inputs=["t.breaking"])], options=inline)
    assert "circuit open after 3 consecutive failures" in skipped.step("breaking").message
    assert skipped.step("needs_it").category is Category.DEPENDENCY_MISSING
    # After the cool-down one attempt goes through; a success closes the breaker again.
    cooled = Processor("breaking", "analytics", fine, inputs=(), outputs=("t.breaking",), breaker_cooldown_s=0)
    assert go(settings, history, [cooled], options=inline).step("breaking").category is Category.SUCCESS
    assert go(settings, history, [breaking.__class__(**{**breaking.__dict__, "run": fine})],
              options=inline).step("breaking").category is Category.SUCCESS  # fmt: skip


def test_gates_block_or_warn(settings, history) -> None:
    failing = Gate("too_few_rows", lambda wh, start, end: ["2 rows, expected at least 100"], "row count")
    blocked = go(settings, history, [p("a", fine, gates=(failing,)), p("b", fine, inputs=["t.a"])],
                 options=RunOptions(isolation="inline"))  # fmt: skip
    assert blocked.step("a").category is Category.SUCCESS  # default mode: warn
    assert "2 rows, expected at least 100" in blocked.step("a").warnings[0]
    strict = Gate("too_few_rows", failing.check, "row count", mode="block")
    report = go(settings, history, [p("a", fine, gates=(strict,)), p("b", fine, inputs=["t.a"])],
                options=RunOptions(isolation="inline"))  # fmt: skip
    assert report.step("a").category is Category.VALIDATION_FAILED
    assert report.step("b").category is Category.DEPENDENCY_MISSING
    warned = next(s for s in history.steps(blocked.run_id) if s["step"] == "a")
    assert "too_few_rows" in warned["warnings"]


def test_runs_left_by_a_dead_process_are_recovered(settings, history) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    run_id = history.start_run("run", DAY, DAY)
    history.start_step(run_id, "stuck", "analytics", True, DAY, DAY)
    with history.engine.begin() as con:
        con.exec_driver_sql(f"UPDATE runs SET pid = {dead_pid} WHERE run_id = '{run_id}'")
        con.exec_driver_sql(
            "INSERT INTO date_locks VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)", (DAY, run_id, dead_pid, history.host)
        )
    assert history.recover_stale() == [run_id]
    runs = {r["run_id"]: r for r in history.recent_runs()}
    assert runs[run_id]["status"] == "abandoned" and runs[run_id]["category"] == "error"
    assert "abandoned" in history.steps(run_id)[0]["message"]
    # Its date is free again: a new run of that date goes through at once.
    assert go(settings, history, [p("x", fine)], options=RunOptions(isolation="inline", lock_wait_s=0)).run_id


def records_pid_and_hangs(ctx: StepContext) -> StepResult:
    (ctx.settings.home / "step.pid").write_text(str(os.getpid()))
    while True:
        time.sleep(3600)


RUNNER_SCRIPT = """
import sys
from datetime import date
sys.path[:0] = [{tests!r}]
from conftest import make_settings
from test_orchestration import records_pid_and_hangs
from nbaprops.pipeline.processor import Processor
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse
settings = make_settings({home!r})
with Warehouse(settings.warehouse_path) as wh:
    run_pipeline(wh, settings, RunHistory(settings.run_history_url), date(2025, 11, 5), date(2025, 11, 5),
                 processors=(Processor("hangs", "analytics", records_pid_and_hangs, (), ("t.h",)),),
                 options=RunOptions(isolation="process"))
"""


def test_a_killed_runner_takes_its_step_with_it(settings) -> None:
    """kill -9 of `nbaprops run` must not leave its step writing to the warehouse unrecorded."""
    script = RUNNER_SCRIPT.format(tests=str(Path(__file__).parent), home=str(settings.home))
    runner = subprocess.Popen([sys.executable, "-c", script])
    marker = settings.home / "step.pid"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    step_pid = int(marker.read_text())
    runner.kill()
    runner.wait()
    deadline = time.monotonic() + 15
    while _alive(step_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(step_pid), "the step outlived its runner"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_a_live_holder_makes_a_second_run_of_the_date_wait_or_refuse(settings, history) -> None:
    from nbaprops.pipeline.run_history import LockHeld

    holder = history.start_run("run", DAY, DAY)
    with history.lock_dates([DAY], holder), pytest.raises(LockHeld, match="is being run by run"):
        go(settings, history, [p("x", fine)], options=RunOptions(isolation="inline", lock_wait_s=0))
    history.finish_run(holder, Category.SUCCESS)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from conftest import make_settings

    s = make_settings(tmp_path / "home")
    s.ensure_dirs()
    return s


@pytest.fixture
def history(settings: Settings):
    runs = RunHistory(settings.run_history_url)
    yield runs
    runs.close()
