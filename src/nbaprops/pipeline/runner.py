"""The embedded runner: executes the registry for a date window, framework-free.

For each processor, in dependency order:

- **gating**: a critical step that did not succeed marks everything downstream of it
  ``dependency_missing`` without running it; a failed optional step blocks nothing;
- **breaker**: a processor whose last N runs all failed is skipped, with that reason, until its
  cool-down has passed; then one attempt goes through;
- **isolation and timeouts**: with ``step_isolation=process`` (the default for a warehouse file)
  each attempt runs in a child process that the runner kills at the step's time limit — a hung step
  really stops and is recorded as ``timeout``; while it runs the runner heartbeats it. Children come
  from a fork server (a clean process that preloads the code but never opens DuckDB or starts
  OpenMP threads), because forking this process itself can deadlock a child in DuckDB or LightGBM;
- **retries**: ``error`` and ``timeout`` are retried with exponential backoff and jitter, up to the
  processor's ``retries``; nothing else is (a validation failure will not fix itself);
- **gates**: the step's output is checked before anything downstream sees it (off / warn / block);
- **locks**: the run holds every date of its window, so two runs of one date cannot interleave.

Every attempt is recorded in the run history with its failure category, rows, duration and message.
A forked step opens the warehouse itself; the runner releases its own connection meanwhile (DuckDB
admits one writer process at a time).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta

import cloudpickle
import structlog

from nbaprops.config import Settings
from nbaprops.logs import configure as configure_logging
from nbaprops.logs import current_config as logging_config
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.processor import Processor, StepContext
from nbaprops.pipeline.registry import REGISTRY, execution_order, select, upstream
from nbaprops.pipeline.run_history import RunHistory, utcnow, worst
from nbaprops.warehouse.db import Warehouse

log = structlog.get_logger("nbaprops.runner")
TRANSIENT = frozenset({Category.ERROR, Category.TIMEOUT})
HEARTBEAT_S = 10.0
MAX_BACKOFF_S = 600.0


@dataclass
class StepOutcome:
    name: str
    phase: str
    critical: bool
    category: Category
    rows_written: int
    duration_s: float
    message: str
    attempts: int = 1
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    run_id: str
    start: date
    end: date
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def category(self) -> Category:
        return worst(s.category for s in self.steps if s.critical)

    def step(self, name: str) -> StepOutcome:
        return next(s for s in self.steps if s.name == name)


Progress = Callable[[StepOutcome], None]


@dataclass
class RunOptions:
    """How to run: isolation, waits and sleeping are injectable so tests need not wait for real."""

    isolation: str | None = None  # "process" / "inline"; None: settings.step_isolation
    lock_wait_s: float | None = None  # None: settings.lock_wait_s
    heartbeat_s: float = HEARTBEAT_S
    sleep: Callable[[float], None] = time.sleep


def run_pipeline(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    start: date,
    end: date,
    *,
    command: str = "run",
    phases: set[str] | None = None,
    names: set[str] | None = None,
    processors: tuple[Processor, ...] = REGISTRY,
    on_step: Progress | None = None,
    run_id: str | None = None,
    phase_windows: dict[str, tuple[date, date]] | None = None,
    quiet: bool = False,
    options: RunOptions | None = None,
) -> RunReport:
    """Run the selected processors for [start, end] in dependency order; record every attempt.

    `phase_windows` gives some phases a different window: a backtest rebuilds analytics and
    features over all history (the training data) but predicts and grades only [start, end].
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    options = options or RunOptions()
    chosen = select(processors, phases, names)
    # The whole registry's order, filtered: a subset still runs in the order the full pipeline would.
    ordered = [p for p in execution_order(processors) if p in chosen]
    deps = upstream(chosen)
    windows = phase_windows or {}
    history.recover_stale(settings.stale_after_s)
    own_run = run_id is None
    run_id = run_id or history.start_run(
        command, start, end, quiet=quiet, phases=sorted(phases or []), names=sorted(names or [])
    )
    report = RunReport(run_id, start, end)
    first = min([start, *(w[0] for w in windows.values())])
    days = [
        first + timedelta(days=i) for i in range((max(end, *(w[1] for w in windows.values()), end) - first).days + 1)
    ]
    wait_s = settings.lock_wait_s if options.lock_wait_s is None else options.lock_wait_s
    isolated = (options.isolation or settings.step_isolation) == "process" and wh.shareable
    try:
        # Release the warehouse before waiting for the dates: a run that waits must not hold DuckDB's
        # write lock against the run it is waiting for.
        with wh.released() if isolated else nullcontext(), history.lock_dates(days, run_id, wait_s=wait_s):
            blocked: set[str] = set()
            for proc in ordered:
                window = windows.get(proc.phase, (start, end))
                outcome = _run_processor(
                    proc, deps[proc.name] & blocked, wh, settings, history, run_id, window, options
                )
                report.steps.append(outcome)
                if not outcome.category.satisfied and (
                    proc.critical or outcome.category is Category.DEPENDENCY_MISSING
                ):
                    blocked.add(proc.name)
                log.info("step", run_id=run_id, step=proc.name, category=outcome.category.value,
                         rows=outcome.rows_written, seconds=round(outcome.duration_s, 3))  # fmt: skip
                if on_step is not None:
                    on_step(outcome)
    finally:
        if own_run:
            history.finish_run(run_id, report.category)
    return report


def _run_processor(
    proc: Processor,
    failed_upstream: set[str],
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    run_id: str,
    window: tuple[date, date],
    options: RunOptions,
) -> StepOutcome:
    start, end = window
    if not proc.is_enabled(settings):
        return _skip(proc, history, run_id, window, Category.NO_DATA, "not run: switched off in settings")
    if failed_upstream:
        return _skip(proc, history, run_id, window, Category.DEPENDENCY_MISSING,
                     f"not run: upstream {', '.join(sorted(failed_upstream))} did not succeed")  # fmt: skip
    open_until = _breaker_open_until(proc, history)
    if open_until is not None:
        return _skip(proc, history, run_id, window, Category.ERROR,
                     f"skipped: circuit open after {proc.breaker_threshold} consecutive failures; "
                     f"next attempt after {open_until:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    attempt = 0
    while True:
        attempt += 1
        history.start_step(run_id, proc.name, proc.phase, proc.critical, start, end, attempt=attempt)
        outcome = _attempt(proc, wh, settings, history, run_id, attempt, window, options)
        outcome.attempts = attempt
        history.finish_step(
            run_id, proc.name, outcome.category, outcome.rows_written, outcome.duration_s, outcome.message,
            attempt=attempt, warnings="\n".join(outcome.warnings) or None,
        )  # fmt: skip
        if outcome.category not in TRANSIENT or attempt > proc.retries:
            return outcome
        backoff = min(proc.retry_backoff_s * 2 ** (attempt - 1), MAX_BACKOFF_S) * random.uniform(0.5, 1.5)
        log.warning("retry", step=proc.name, attempt=attempt, category=outcome.category.value, wait_s=round(backoff, 1))
        options.sleep(backoff)


def _skip(
    proc: Processor, history: RunHistory, run_id: str, window: tuple[date, date], category: Category, message: str
) -> StepOutcome:
    history.start_step(run_id, proc.name, proc.phase, proc.critical, window[0], window[1])
    history.finish_step(run_id, proc.name, category, 0, 0.0, message, skipped=True)
    return StepOutcome(proc.name, proc.phase, proc.critical, category, 0, 0.0, message)


def _breaker_open_until(proc: Processor, history: RunHistory):  # type: ignore[no-untyped-def]
    """When the last `breaker_threshold` real attempts all failed, the time the breaker closes again."""
    recent = history.recent_attempts(proc.name, proc.breaker_threshold)
    if len(recent) < proc.breaker_threshold or not all(a.category.pages_a_human for a in recent):
        return None
    reopen = recent[0].started_utc + timedelta(seconds=proc.breaker_cooldown_s)
    return reopen if utcnow() < reopen else None


# ---------------------------------------------------------------------------- one attempt
def _attempt(
    proc: Processor,
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    run_id: str,
    attempt: int,
    window: tuple[date, date],
    options: RunOptions,
) -> StepOutcome:
    isolation = options.isolation or settings.step_isolation
    if isolation == "inline" or not wh.shareable:
        return execute(proc, StepContext(wh, settings, window[0], window[1], run_id), settings)
    return _in_child(proc, settings, history, run_id, attempt, window, options)  # run_pipeline released wh


def execute(proc: Processor, ctx: StepContext, settings: Settings) -> StepOutcome:
    """Run a step here and now: its work, then its gates; never raises."""
    began = time.perf_counter()
    warnings: list[str] = []
    try:
        result = proc.run(ctx)
        warnings = list(result.warnings)
        category, rows, message = Category.SUCCESS, result.rows_written, result.message
        for gate in proc.gates:
            mode = gate.mode or settings.gate_mode
            if mode == "off":
                continue
            problems = gate.check(ctx.wh, ctx.start, ctx.end)
            if problems and mode == "block":
                more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
                raise StepFailure(Category.VALIDATION_FAILED, f"gate {gate.name}: " + "; ".join(problems[:3]) + more)
            warnings += [f"gate {gate.name}: {p}" for p in problems]
    except StepFailure as failure:
        category, rows, message = failure.category, 0, failure.message
    except Exception as exc:  # any other failure is an error of this step, never of the whole run
        category, rows, message = Category.ERROR, 0, f"{type(exc).__name__}: {exc}"
        log.error("step_error", step=proc.name, exc_info=True)
    duration = time.perf_counter() - began
    if warnings:
        message = f"{message} [{len(warnings)} warning(s): {warnings[0]}]"
    if category is Category.SUCCESS and duration > proc.timeout_s:
        category, message = Category.TIMEOUT, f"took {duration:.1f}s, over its {proc.timeout_s:.0f}s limit; {message}"
    return StepOutcome(proc.name, proc.phase, proc.critical, category, rows, duration, message, warnings=warnings)


_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    """The fork server, started once per process with the pipeline code preloaded."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["nbaprops.pipeline.runner"])
        _CONTEXT = ctx
    return _CONTEXT


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a child without re-running the caller's main script in it.

    A fork-server child re-imports the parent's main module when it knows its file (the CLI,
    pytest: ~0.3 s each, and it would run an unguarded script again). The child needs nothing from
    it — the step travels by cloudpickle — so the file is hidden while the child starts.
    """
    main = sys.modules.get("__main__")
    saved = main.__dict__.pop("__file__", None) if main is not None else None
    try:
        yield
    finally:
        if main is not None and saved is not None:
            main.__file__ = saved


def _in_child(
    proc: Processor,
    settings: Settings,
    history: RunHistory,
    run_id: str,
    attempt: int,
    window: tuple[date, date],
    options: RunOptions,
) -> StepOutcome:
    """Run the attempt in a child process; kill it at the time limit; heartbeat while it lives."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    task = cloudpickle.dumps((proc, settings, run_id, window, logging_config(), os.getpid()))
    child = ctx.Process(target=_child_main, args=(task, send), daemon=True)
    began = time.perf_counter()
    with _main_module_hidden():
        child.start()
    send.close()
    deadline = began + proc.timeout_s
    outcome: StepOutcome | None = None
    while outcome is None:
        remaining = deadline - time.perf_counter()
        if receive.poll(max(0.0, min(options.heartbeat_s, remaining))):
            try:
                outcome = receive.recv()
            except EOFError:  # the child died before it could answer
                break
        elif not child.is_alive():
            break
        elif time.perf_counter() >= deadline:
            child.kill()
            child.join()
            return StepOutcome(
                proc.name, proc.phase, proc.critical, Category.TIMEOUT, 0, time.perf_counter() - began,
                f"killed at its {proc.timeout_s:g}s time limit",
            )  # fmt: skip
        else:
            history.heartbeat(run_id, proc.name, attempt)
    child.join(timeout=30)
    receive.close()
    if outcome is None:
        return StepOutcome(
            proc.name, proc.phase, proc.critical, Category.ERROR, 0, time.perf_counter() - began,
            f"the step's process died without an answer (exit code {child.exitcode})",
        )  # fmt: skip
    return outcome


def _exit_with_runner(runner_pid: int, every_s: float = 2.0) -> None:
    """End the step when its runner is gone (killed, crashed): an orphan would write unrecorded rows.

    The child's parent is the forkserver, which outlives the runner, so the runner's pid is watched.
    Exiting mid-transaction is safe: DuckDB rolls back what was not committed.
    """
    while True:
        time.sleep(every_s)
        try:
            os.kill(runner_pid, 0)
        except ProcessLookupError:
            os._exit(3)
        except PermissionError:  # alive, another user's process: not possible here, but not dead
            pass


def _child_main(task: bytes, send) -> None:  # type: ignore[no-untyped-def]
    """In the child: open the warehouse, run the step, send back what happened."""
    proc, settings, run_id, window, log_config, runner_pid = cloudpickle.loads(task)
    configure_logging(**log_config)
    threading.Thread(target=_exit_with_runner, args=(runner_pid,), daemon=True).start()
    try:
        with Warehouse(settings.warehouse_path, wait_s=proc.timeout_s) as wh:
            outcome = execute(proc, StepContext(wh, settings, window[0], window[1], run_id), settings)
    except BaseException as exc:  # even a failure to open the warehouse must reach the parent
        outcome = StepOutcome(
            proc.name, proc.phase, proc.critical, Category.ERROR, 0, 0.0, f"{type(exc).__name__}: {exc}"
        )
    try:
        send.send(outcome)
    finally:
        send.close()
        os._exit(0)  # the answer is sent: skip interpreter teardown
