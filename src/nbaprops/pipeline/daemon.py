"""The daemon: the day's windows on a schedule, in US/Eastern time.

- **lines**, several times before the games: the lines and the schedule, then everything a
  prediction needs, for today's slate;
- **results**, after midnight: yesterday's box scores, game books and the other sources, and the
  analytics built on them;
- **grading**, in the morning: yesterday's grading and results files, then a heal of the last 30
  days' gaps (bounded attempts).

Windows are declared as data; the loop only decides which is due next, sleeps until then and runs
it through the same runner as ``nbaprops run``. The clock and the sleep are injectable.
"""

from __future__ import annotations

import signal
import time as time_module
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import structlog

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.registry import REGISTRY, downstream
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse

if TYPE_CHECKING:
    from nbaprops.pipeline.runner import RunOptions, RunReport

EASTERN = ZoneInfo("America/New_York")
log = structlog.get_logger("nbaprops.daemon")


@dataclass(frozen=True)
class Window:
    name: str
    at: tuple[time, ...]  # US/Eastern times of day it fires
    day_offset: int  # 0: today's games, -1: yesterday's
    roots: frozenset[str]  # the processors it starts from; everything downstream runs too...
    skip_phases: frozenset[str] = frozenset()  # ...except these phases
    heal_days: int = 0  # then heal the gaps of this many past days
    description: str = ""

    def names(self) -> set[str]:
        by_name = {p.name: p for p in REGISTRY}
        return {n for n in downstream(REGISTRY, set(self.roots)) if by_name[n].phase not in self.skip_phases}


WINDOWS: tuple[Window, ...] = (
    Window(
        "lines",
        (time(10, 0), time(13, 0), time(16, 0), time(18, 30)),
        0,
        frozenset({"sources.odds_api", "sources.bettingpros", "sources.nbacom"}),
        skip_phases=frozenset({"grading"}),
        description="lines, schedule and injury report, then context, features and predictions for today",
    ),
    Window(
        "results",
        (time(1, 30),),
        -1,
        frozenset({"sources.nbacom", "sources.espn", "sources.balldontlie"}),
        skip_phases=frozenset({"predictions", "grading", "publish"}),
        description="yesterday's box scores and game books, and the analytics built on them",
    ),
    Window(
        "grading",
        (time(8, 0),),
        -1,
        frozenset({"grading.player_props"}),
        heal_days=30,
        description="grade yesterday, publish its results, heal the last 30 days",
    ),
)


@dataclass(frozen=True)
class Firing:
    window: Window
    at_utc: datetime  # naive UTC
    game_day: date


def next_firing(now_utc: datetime, windows: tuple[Window, ...] = WINDOWS) -> Firing:
    """The first window time after `now_utc` (naive UTC)."""
    now_local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(EASTERN)
    best: Firing | None = None
    for offset in (0, 1):
        day = now_local.date() + timedelta(days=offset)
        for window in windows:
            for at in window.at:
                local = datetime.combine(day, at, tzinfo=EASTERN)
                utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
                if utc > now_utc and (best is None or utc < best.at_utc):
                    best = Firing(window, utc, day + timedelta(days=window.day_offset))
    assert best is not None
    return best


def fire(firing: Firing, settings: Settings, history: RunHistory) -> None:
    """Run one window through the runner (and its heal), opening the warehouse only for it."""
    from nbaprops.ops.alerts import alert_runs
    from nbaprops.pipeline.healing import heal
    from nbaprops.pipeline.runner import run_pipeline

    day = firing.game_day
    with Warehouse(settings.warehouse_path, wait_s=settings.lock_wait_s) as wh:
        report = run_pipeline(wh, settings, history, day, day, command=f"daemon:{firing.window.name}",
                              names=firing.window.names())  # fmt: skip
        log.info("window", window=firing.window.name, day=str(day), category=report.category.value)
        republish(wh, settings, history, report)
        reports = [report]
        if firing.window.heal_days:
            healed = heal(wh, settings, history, since=day - timedelta(days=firing.window.heal_days))
            log.info("heal", runs=len(healed.runs), gave_up=len(healed.gave_up))
            reports += healed.runs
        alert_runs(settings, history, reports)  # grouped and rate-limited: one message per incident


def republish(
    wh: Warehouse, settings: Settings, history: RunHistory, report: RunReport, options: RunOptions | None = None
) -> RunReport | None:
    """Run on their own the publish steps that a failed upstream step kept from running.

    A critical failure upstream marks the publish steps ``dependency_missing``, which would leave the
    files of the last good run in place: yesterday's picks presented as tonight's. Run alone, they
    rewrite the files with the date's health — unhealthy, no picks, and why (``publish/health.py``).
    """
    from nbaprops.pipeline.runner import run_pipeline

    blocked = {s.name for s in report.steps if s.phase == "publish" and s.category is Category.DEPENDENCY_MISSING}
    if not blocked:
        return None
    log.warning("republish", steps=sorted(blocked), start=str(report.start), end=str(report.end))
    return run_pipeline(wh, settings, history, report.start, report.end, command="republish", names=blocked,
                        options=options)  # fmt: skip


def run_forever(
    settings: Settings,
    history: RunHistory,
    now: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] = time_module.sleep,
    max_firings: int | None = None,
    on_fire: Callable[[Firing], None] | None = None,
) -> int:
    """Sleep until each window, run it, repeat; stop cleanly on SIGTERM/SIGINT (or after `max_firings`)."""
    clock = now or (lambda: datetime.now(ZoneInfo("UTC")).replace(tzinfo=None))
    stopping = {"now": False}

    def stop(*_: object) -> None:
        stopping["now"] = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    fired = 0
    try:
        while not stopping["now"] and (max_firings is None or fired < max_firings):
            firing = next_firing(clock())
            log.info("sleeping", until=f"{firing.at_utc:%Y-%m-%d %H:%M} UTC", window=firing.window.name)
            while not stopping["now"]:
                wait = (firing.at_utc - clock()).total_seconds()
                if wait <= 0:
                    break
                sleep(min(wait, 60.0))
            if stopping["now"]:
                break
            (on_fire or (lambda f: fire(f, settings, history)))(firing)
            fired += 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return fired
