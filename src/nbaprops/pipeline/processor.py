"""What a processor is: a step of the pipeline, declared as data.

Everything the runner, the gap finder, the docs and the Dagster adapter need to know about a step
is here: what it reads and writes, whether its failure blocks what depends on it, how long it may
take, how often to retry, when to stop trying (its breaker), what it must leave behind for each game
date and by when (its expectation), and the gates its output must pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from nbaprops.config import Settings
from nbaprops.pipeline.gates import Gate
from nbaprops.warehouse.db import Warehouse

PHASES = ("sources", "ingest", "analytics", "features", "predictions", "grading", "publish")


@dataclass
class StepContext:
    """What a step gets: the warehouse, the settings and the date window it covers."""

    wh: Warehouse
    settings: Settings
    start: date
    end: date
    run_id: str | None = None


@dataclass
class StepResult:
    rows_written: int
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Expectation:
    """What a processor must leave in the warehouse for a game date, and by when.

    `per` is what the row count scales with: every game on the date (``game``; known from the
    schedules, so a day whose box scores never came still expects them), every game with a line
    (``game_with_lines``), or every prediction for a game with box scores (``prediction``). An off
    day or the off-season has no games, so it expects nothing. `due` anchors the deadline — the
    day's first tip-off (``before_tip``) or midnight US/Eastern after the games (``after_games``) —
    and `sla_hours` moves it (negative: that many hours before). Expectations with `live_only` apply from
    ``NBAPROPS_LIVE_SINCE`` on: before that date, history imports, not scrapes, are the source.
    """

    table: str  # a warehouse table, or "file:<path under publish_dir with {date}>"
    per: Literal["game", "game_with_lines", "prediction"]
    min_per: float
    due: Literal["before_tip", "after_games"]
    sla_hours: float
    where: str = ""  # extra SQL condition on the table (e.g. market = 'player_points')
    live_only: bool = False


@dataclass(frozen=True)
class Processor:
    name: str
    phase: str
    run: Callable[[StepContext], StepResult]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    critical: bool = True
    timeout_s: float = 600.0
    retries: int = 0  # extra attempts after a transient failure (error, timeout)
    retry_backoff_s: float = 30.0  # doubled at each attempt, with jitter
    breaker_threshold: int = 3  # consecutive failed runs that open its breaker
    breaker_cooldown_s: float = 3600.0  # how long an open breaker skips the step
    expect: Expectation | None = None
    gates: tuple[Gate, ...] = ()
    description: str = ""
    # Settings can switch a processor off (a prediction system not configured): it then neither
    # runs nor expects anything, so an unconfigured system is never a gap.
    enabled: Callable[[Settings], bool] | None = None

    def is_enabled(self, settings: Settings) -> bool:
        return self.enabled is None or self.enabled(settings)
