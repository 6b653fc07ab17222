"""Daily performance per system and market: the rolling 7/14/30-day table and its step."""

from __future__ import annotations

from nbaprops.pipeline.categories import NoDataAvailable
from nbaprops.pipeline.processor import StepContext, StepResult
from nbaprops.warehouse.transforms import Transform

DAILY_PERFORMANCE = Transform(
    "nbaprops.grading",
    "daily_performance.sql",
    "grading.daily_performance",
    ("system_id", "market", "game_date", "window_days"),
)


def daily_performance(ctx: StepContext) -> StepResult:
    """Rebuild the rolling performance as of every graded date in the window (idempotent)."""
    n = DAILY_PERFORMANCE.run(ctx.wh, ctx.start, ctx.end)
    if n == 0:
        raise NoDataAvailable(f"no graded predictions between {ctx.start} and {ctx.end}")
    return StepResult(n, f"{n} rows in grading.daily_performance")
