"""The embedded runner: executes the registry for a date window in one process.

Framework-free on purpose (a plain in-process step costs about a millisecond; see DESIGN.md).
Every step is recorded in the run history with its failure category. A failed *critical* step
marks everything downstream of it ``dependency_missing`` without running it; a failed optional
step blocks nothing. Each step writes inside its own transactions, so a failure leaves the
warehouse as it was before that step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import structlog

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.registry import REGISTRY, Processor, StepContext, execution_order, select, upstream
from nbaprops.pipeline.run_history import RunHistory, worst
from nbaprops.warehouse.db import Warehouse

log = structlog.get_logger("nbaprops.runner")


@dataclass
class StepOutcome:
    name: str
    phase: str
    critical: bool
    category: Category
    rows_written: int
    duration_s: float
    message: str


@dataclass
class RunReport:
    run_id: str
    start: date
    end: date
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def category(self) -> Category:
        return worst([s.category for s in self.steps if s.critical])

    def step(self, name: str) -> StepOutcome:
        return next(s for s in self.steps if s.name == name)


Progress = Callable[[StepOutcome], None]


def run_pipeline(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    start: date,
    end: date,
    *,
    command: str = "run",
    phases: set[str] | None = None,
    processors: tuple[Processor, ...] = REGISTRY,
    on_step: Progress | None = None,
    run_id: str | None = None,
    phase_windows: dict[str, tuple[date, date]] | None = None,
) -> RunReport:
    """Run the selected processors for [start, end] in dependency order; record every step.

    `phase_windows` gives some phases a different window: a backtest rebuilds analytics and
    features over all history (the training data) but predicts and grades only [start, end].
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    chosen = select(processors, phases)
    # The whole registry's order, filtered: a subset still runs in the order the full pipeline would.
    ordered = [p for p in execution_order(processors) if p in chosen]
    own_run = run_id is None
    run_id = run_id or history.start_run(command, start, end, phases=sorted(phases or []))
    report = RunReport(run_id, start, end)
    deps = upstream(chosen)
    blocked_by: dict[str, str] = {}
    for proc in ordered:
        failed_critical = [d for d in deps[proc.name] if d in blocked_by]
        step_start, step_end = (phase_windows or {}).get(proc.phase, (start, end))
        history.start_step(run_id, proc.name, proc.phase, proc.critical, step_start, step_end)
        if failed_critical:
            outcome = StepOutcome(
                proc.name,
                proc.phase,
                proc.critical,
                Category.DEPENDENCY_MISSING,
                0,
                0.0,
                f"not run: upstream {', '.join(sorted(failed_critical))} did not succeed",
            )
        else:
            outcome = _execute(proc, StepContext(wh, settings, step_start, step_end))
        history.finish_step(
            run_id, proc.name, outcome.category, outcome.rows_written, outcome.duration_s, outcome.message
        )
        report.steps.append(outcome)
        if not outcome.category.satisfied and (proc.critical or outcome.category is Category.DEPENDENCY_MISSING):
            blocked_by[proc.name] = outcome.category.value
        log.info(
            "step",
            run_id=run_id,
            step=proc.name,
            category=outcome.category.value,
            rows=outcome.rows_written,
            seconds=round(outcome.duration_s, 3),
        )
        if on_step is not None:
            on_step(outcome)
    if own_run:
        history.finish_run(run_id, report.category)
    return report


def _execute(proc: Processor, ctx: StepContext) -> StepOutcome:
    began = time.perf_counter()
    try:
        result = proc.run(ctx)
        category, rows, message = Category.SUCCESS, result.rows_written, result.message
    except StepFailure as failure:
        category, rows, message = failure.category, 0, failure.message
    except Exception as exc:  # any other failure is an error of this step, never of the whole run
        category, rows, message = Category.ERROR, 0, f"{type(exc).__name__}: {exc}"
        log.error("step_error", step=proc.name, exc_info=True)
    duration = time.perf_counter() - began
    if category is Category.SUCCESS and duration > proc.timeout_s:
        category, message = Category.TIMEOUT, f"took {duration:.1f}s, over its {proc.timeout_s:.0f}s limit; {message}"
    return StepOutcome(proc.name, proc.phase, proc.critical, category, rows, duration, message)
