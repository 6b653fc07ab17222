"""Healing and backfills: re-run exactly what `find_gaps` says is missing, late or failed.

- ``heal`` re-runs, date by date, the processors with gaps and the derived tables downstream of them
  (analytics and features, so none is left computed from the incomplete data) — but never
  predictions, grades or published files that exist: those are the record of what was predicted
  and when, not views to recompute. It counts attempts per (date, processor): after
  ``heal_max_attempts`` a gap is ``gave_up`` and left for a person.
- ``backfill`` does the same over a range, in chunks of contiguous dates run set-based (a season in
  a few runs, not 250), checkpointing each chunk. It is quiet (no alerts), and resumable: killed at
  any point, the next call finds the gaps again — finished chunks have none — and re-runs only what
  is still missing; every write is an idempotent replace, so nothing is duplicated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from nbaprops.config import Settings
from nbaprops.pipeline.expectations import Gap, find_gaps
from nbaprops.pipeline.processor import Processor
from nbaprops.pipeline.registry import REGISTRY, downstream
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, RunReport, run_pipeline
from nbaprops.warehouse.db import Warehouse

RECORD_PHASES = frozenset({"predictions", "grading", "publish"})


def to_rerun(processors: tuple[Processor, ...], gap_steps: set[str]) -> set[str]:
    """The gap processors, and the derived (not record) processors downstream of them."""
    phase = {p.name: p.phase for p in processors}
    return {n for n in downstream(processors, gap_steps) if n in gap_steps or phase[n] not in RECORD_PHASES}


@dataclass
class HealReport:
    gaps: list[Gap]
    runs: list[RunReport] = field(default_factory=list)
    gave_up: list[Gap] = field(default_factory=list)


def heal(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    since: date | None = None,
    until: date | None = None,
    processors: tuple[Processor, ...] = REGISTRY,
    options: RunOptions | None = None,
    on_run: Callable[[date, RunReport], None] | None = None,
    now: datetime | None = None,
) -> HealReport:
    """Re-run the processors with late or failed gaps, one date at a time, with bounded attempts."""
    gaps = find_gaps(wh, settings, history, since=since, until=until, processors=processors, now=now)
    report = HealReport(gaps, gave_up=[g for g in gaps if g.status == "gave_up"])
    todo: dict[date, set[str]] = defaultdict(set)
    for gap in gaps:
        if gap.needs_work:
            todo[gap.day].add(gap.step)
    for day in sorted(todo):
        names = to_rerun(processors, todo[day])
        run = run_pipeline(
            wh, settings, history, day, day, command="heal", names=names, processors=processors, options=options
        )
        for name in todo[day]:
            history.record_heal(day, name, run.step(name).category)
        report.runs.append(run)
        if on_run is not None:
            on_run(day, run)
    return report


@dataclass
class BackfillReport:
    backfill_id: str
    chunks: list[tuple[date, date]]
    skipped: list[tuple[date, date]] = field(default_factory=list)
    runs: list[RunReport] = field(default_factory=list)


def chunk_days(days: list[date], max_days: int) -> list[tuple[date, date]]:
    """Contiguous runs of dates (gaps of at most 3 days bridged), each at most `max_days` long."""
    chunks: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if chunks and (day - chunks[-1][1]).days <= 3 and (day - chunks[-1][0]).days < max_days:
            chunks[-1] = (chunks[-1][0], day)
        else:
            chunks.append((day, day))
    return chunks


def backfill(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    start: date,
    end: date,
    processors: tuple[Processor, ...] = REGISTRY,
    max_chunk_days: int = 31,
    options: RunOptions | None = None,
    on_chunk: Callable[[int, int, tuple[date, date], RunReport | None], None] | None = None,
    now: datetime | None = None,
) -> BackfillReport:
    """Fill only what is missing or failed in [start, end]; resumable after any interruption."""
    backfill_id = f"{start.isoformat()}..{end.isoformat()}"
    found = find_gaps(wh, settings, history, since=start, until=end, processors=processors, now=now)
    gaps = [g for g in found if g.needs_work]
    by_day: dict[date, set[str]] = defaultdict(set)
    for gap in gaps:
        by_day[gap.day].add(gap.step)
    chunks = chunk_days(list(by_day), max_chunk_days)
    report = BackfillReport(backfill_id, chunks)
    done = history.done_chunks(backfill_id)
    for index, (first, last) in enumerate(chunks, 1):
        if first in done and not any(first <= d <= last for d in by_day):
            report.skipped.append((first, last))
            continue
        names = to_rerun(processors, set().union(*(by_day[d] for d in by_day if first <= d <= last)))
        run = run_pipeline(
            wh, settings, history, first, last, command="backfill", names=names, processors=processors,
            quiet=True, options=options,
        )  # fmt: skip
        history.checkpoint(backfill_id, first, last, "failed" if run.category.pages_a_human else "done", run.run_id)
        report.runs.append(run)
        if on_chunk is not None:
            on_chunk(index, len(chunks), (first, last), run)
    return report


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
