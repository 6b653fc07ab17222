"""The prediction phase's pipeline steps: one per system (every configured market), and best bets.

Thin, like every step: the work is in ``walkforward.py`` and ``best_bets.py``. A system switched off in
settings, or a market without the data to predict it, is reported (no_data_available / in the
message), never an error.
"""

from __future__ import annotations

from collections.abc import Callable

from nbaprops.pipeline.categories import NoDataAvailable
from nbaprops.pipeline.processor import StepContext, StepResult


def predict_step(system_id: str) -> Callable[[StepContext], StepResult]:
    """Walk-forward predictions of one system for every configured market over the window."""

    def run(ctx: StepContext) -> StepResult:
        from nbaprops.predict.markets import market
        from nbaprops.predict.walkforward import predict_system

        if system_id not in ctx.settings.prediction_systems:
            raise NoDataAvailable(f"{system_id} is not in prediction_systems")
        parts, skipped, total = [], [], 0
        for market_id in ctx.settings.prediction_markets:
            m = market(market_id)
            n = predict_system(ctx.wh, ctx.settings, system_id, m.id, ctx.start, ctx.end)
            total += n
            if not m.predictable:
                skipped.append(f"{m.label}: no history of the stat to learn from")
            else:
                parts.append(f"{m.label} {n}")
        message = f"{total} predictions ({', '.join(parts)})" + (f"; skipped {'; '.join(skipped)}" if skipped else "")
        if total == 0:
            raise NoDataAvailable(f"no player-games with a line between {ctx.start} and {ctx.end}; {message}")
        return StepResult(total, message)

    run.__doc__ = f"Walk-forward predictions of the {system_id} system."
    return run


def best_bets(ctx: StepContext) -> StepResult:
    from nbaprops.predict.best_bets import build_best_bets

    n = build_best_bets(ctx.wh, ctx.settings, ctx.start, ctx.end)
    if n == 0:
        raise NoDataAvailable(f"no actionable {ctx.settings.best_bets_system} picks between {ctx.start} and {ctx.end}")
    return StepResult(n, f"{n} best bets from {ctx.settings.best_bets_system}")
