"""Time the orchestration: runner overhead per step, one full day, and a full season.

Run with ``.venv/bin/python benchmarks/bench_runner.py [--history DIR] [--season-start D --season-end D]``.

1. **Overhead per step**: a chain of steps that do nothing, run inline (in the runner's process) and
   isolated (each step in a child process that can be killed at its timeout, the default). The
   difference is the price of a timeout that really stops a hung step.
2. **A full day**: history already imported, every phase but sources (offline) for one game date with
   lines, default settings (every system, every market), then the same day again (idempotent re-run:
   models are loaded, not retrained).
3. **A full season**: every phase but sources over a whole regular season in one run (each processor
   runs once, set-based, over the season's window).

Prints a table and writes ``benchmarks/results/runner.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.logs import configure as configure_logging
from nbaprops.pipeline.processor import PHASES, Processor, StepContext, StepResult
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "history"
DEMO = REPO / "data" / "demo"
NOOP_STEPS = 40


def noop(ctx: StepContext) -> StepResult:
    return StepResult(0, "nothing")


def chain(n: int) -> tuple[Processor, ...]:
    return tuple(
        Processor(f"noop.{i}", "analytics", noop, inputs=(f"t.{i - 1}",) if i else (), outputs=(f"t.{i}",))
        for i in range(n)
    )


def overhead(home: Path, isolation: str) -> float:
    """Seconds per do-nothing step (best of 3)."""
    settings = Settings(home=home, offline=True, _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    best = float("inf")
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        for _ in range(3):
            began = time.perf_counter()
            report = run_pipeline(wh, settings, history, date(2025, 11, 12), date(2025, 11, 12),
                                  processors=chain(NOOP_STEPS), options=RunOptions(isolation=isolation))  # fmt: skip
            best = min(best, (time.perf_counter() - began) / NOOP_STEPS)
            assert report.category.value == "success", report.category
        history.close()
    return best


def run_days(settings: Settings, start: date, end: date) -> tuple[float, dict[str, int], int]:
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        began = time.perf_counter()
        report = run_pipeline(wh, settings, history, start, end, phases=set(PHASES) - {"sources"})
        seconds = time.perf_counter() - began
        history.close()
    categories: dict[str, int] = {}
    for step in report.steps:
        categories[step.category.value] = categories.get(step.category.value, 0) + 1
    return seconds, categories, sum(s.rows_written for s in report.steps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, default=SHARED if SHARED.exists() else DEMO)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2025, 11, 12))
    parser.add_argument("--season-start", type=date.fromisoformat, default=date(2024, 10, 22))
    parser.add_argument("--season-end", type=date.fromisoformat, default=date(2025, 4, 13))
    args = parser.parse_args()
    configure_logging(verbose=False)
    results: dict[str, object] = {"data": str(args.history), "noop_steps": NOOP_STEPS}
    scratch = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    try:
        for isolation in ("inline", "process"):
            per_step = overhead(scratch / f"noop-{isolation}", isolation)
            results[f"overhead_per_step_{isolation}_ms"] = round(per_step * 1000, 2)
            print(f"runner overhead per step, {isolation:<8} {per_step * 1000:>8.1f} ms", flush=True)

        settings = Settings(home=scratch / "home", offline=True, _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        with Warehouse(settings.warehouse_path) as wh:
            history = RunHistory(settings.run_history_url)
            began = time.perf_counter()
            import_history(wh, settings, history, [args.history])
            history.close()
        results["import_s"] = round(time.perf_counter() - began, 1)
        print(f"{'import history (not part of the runs)':<34} {results['import_s']:>8.1f} s", flush=True)

        for label, start, end in (
            ("day", args.day, args.day),
            ("day_rerun", args.day, args.day),
            ("season", args.season_start, args.season_end),
        ):
            seconds, categories, rows = run_days(settings, start, end)
            results[label] = {"start": str(start), "end": str(end), "seconds": round(seconds, 1),
                              "steps": categories, "rows_written": rows}  # fmt: skip
            print(f"{label + f' {start}..{end}':<34} {seconds:>8.1f} s  {categories}  rows {rows:,}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["peak_rss_mb_runner"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["peak_rss_mb_steps"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    out = REPO / "benchmarks" / "results" / "runner.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
