"""Pipeline status per date and phase, from the run history (what the dashboard's grid shows).

A cell is the worst outcome among the latest attempt of every step of that phase whose window
covers the date: a step re-run successfully after a failure turns its cell green again, just as
``nbaprops gaps`` reasons. Steps without a date window (one per imported file) belong to no date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.processor import PHASES
from nbaprops.pipeline.run_history import RunHistory, worst

# A run over a longer window is a rebuild of all history, not a run "of" those dates: its dates
# would push the recent ones off the grid.
MAX_RUN_WINDOW_DAYS = 62
RUNS_SCANNED = 500


@dataclass
class Cell:
    """One date × phase: the worst latest outcome, and each step's latest outcome for the tooltip."""

    category: str | None = None
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusGrid:
    phases: tuple[str, ...]
    rows: list[tuple[date, dict[str, Cell]]]  # newest date first

    def as_json(self) -> dict[str, Any]:
        return {
            "phases": list(self.phases),
            "dates": [
                {
                    "date": day.isoformat(),
                    "phases": {
                        phase: {"category": cell.category, "steps": cell.steps} for phase, cell in cells.items()
                    },
                }
                for day, cells in self.rows
            ],
        }


class RunsReader:
    """The run history, opened only once it exists: a read-only server must not create the database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._history: RunHistory | None = None

    @property
    def history(self) -> RunHistory | None:
        if self._history is None and self._exists():
            self._history = RunHistory(self.url)
        return self._history

    def _exists(self) -> bool:
        prefix = "sqlite:///"
        if not self.url.startswith(prefix) or self.url == "sqlite:///:memory:":
            return True  # a server database (Postgres): it exists, or connecting says why not
        return Path(self.url[len(prefix) :]).exists()

    def close(self) -> None:
        if self._history is not None:
            self._history.close()


def status_grid(history: RunHistory | None, published_dates: Iterable[date], end: date | None, days: int) -> StatusGrid:
    """The last `days` dates (up to `end`) that were published or run, each with a cell per phase."""
    if history is None:
        return StatusGrid(PHASES, [])
    candidates = set(published_dates)
    for run in history.recent_runs(RUNS_SCANNED):
        if run["date_start"] and run["date_end"]:
            first, last = date.fromisoformat(run["date_start"]), date.fromisoformat(run["date_end"])
            if (last - first).days < MAX_RUN_WINDOW_DAYS:
                candidates.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    if end is not None:
        candidates = {d for d in candidates if d <= end}
    chosen = sorted(candidates, reverse=True)[:days]
    if not chosen:
        return StatusGrid(PHASES, [])
    wanted = set(chosen)
    latest: dict[tuple[date, str], dict[str, Any]] = {}  # (date, step) -> its latest attempt
    for outcome in history.step_outcomes(since=min(chosen)):  # oldest first: later attempts overwrite
        if outcome["date_start"] is None or outcome["date_end"] is None:
            continue
        day = max(outcome["date_start"], min(chosen))
        while day <= min(outcome["date_end"], max(chosen)):
            if day in wanted:
                latest[(day, outcome["step"])] = outcome
            day += timedelta(days=1)
    cells: dict[date, dict[str, Cell]] = {day: {phase: Cell() for phase in PHASES} for day in chosen}
    for (day, step), outcome in latest.items():
        cell = cells[day].setdefault(outcome["phase"], Cell())
        cell.steps[step] = {
            "category": outcome["category"],
            "run_id": outcome["run_id"],
            "message": outcome["message"],
            "skipped": bool(outcome["skipped"]),
        }
    for by_phase in cells.values():
        for cell in by_phase.values():
            if cell.steps:
                cell.category = worst(Category(s["category"]) for s in cell.steps.values()).value
    extra = sorted({p for by_phase in cells.values() for p in by_phase} - set(PHASES))
    return StatusGrid((*PHASES, *extra), [(day, cells[day]) for day in chosen])
