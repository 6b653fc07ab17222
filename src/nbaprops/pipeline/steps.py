"""What each processor does: the step functions and the SQL transforms the registry points to.

Step functions are thin: the work lives in the phase modules (``ingest/``, ``analytics/``,
``features/``, ``predict/``, ``grading/``, ``publish/``, ``sources/``); a step calls it for its date
window and says what happened — rows written, or why there was nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from nbaprops.features.contract import final_select
from nbaprops.grading.performance import DAILY_PERFORMANCE
from nbaprops.pipeline.categories import NoDataAvailable, StepFailure
from nbaprops.pipeline.processor import StepContext, StepResult
from nbaprops.warehouse.db import utcnow
from nbaprops.warehouse.transforms import Transform

TEAM_GAME_SUMMARY = Transform(
    "nbaprops.analytics", "team_game_summary.sql", "analytics.team_game_summary", ("game_id", "team")
)
GAMES = Transform("nbaprops.analytics", "games.sql", "analytics.games", ("game_id",))
PLAYER_GAME_SUMMARY = Transform(
    "nbaprops.analytics", "player_game_summary.sql", "analytics.player_game_summary", ("player_id", "game_id")
)
BOOK_LINES = Transform(
    "nbaprops.analytics", "book_lines.sql", "analytics.book_lines", ("player_id", "game_id", "market", "bookmaker")
)
CONSENSUS_LINES = Transform(
    "nbaprops.analytics", "consensus_lines.sql", "analytics.consensus_lines", ("player_id", "game_id", "market")
)
TEAM_GAME_CONTEXT = Transform(
    "nbaprops.analytics", "team_game_context.sql", "analytics.team_game_context", ("game_id", "team")
)
PLAYER_GAME_CONTEXT = Transform(
    "nbaprops.analytics", "player_game_context.sql", "analytics.player_game_context", ("player_id", "game_id")
)
PLAYER_GAME_FEATURES = Transform(
    "nbaprops.features", "player_game.sql", "features.player_game", ("player_id", "game_id"), tail=final_select
)
PLAYER_GAME_MARKET = Transform(
    "nbaprops.features",
    "player_game_market.sql",
    "features.player_game_market",
    ("player_id", "game_id", "market"),
)
GRADING = Transform(
    "nbaprops.grading", "player_props.sql", "grading.player_props", ("system_id", "market", "player_id", "game_id")
)

TRANSFORMS: tuple[Transform, ...] = (
    TEAM_GAME_SUMMARY, GAMES, PLAYER_GAME_SUMMARY, BOOK_LINES, CONSENSUS_LINES, TEAM_GAME_CONTEXT,
    PLAYER_GAME_CONTEXT, PLAYER_GAME_FEATURES, PLAYER_GAME_MARKET, GRADING, DAILY_PERFORMANCE,
)  # fmt: skip


def transform_step(transform: Transform, empty_means_no_data: bool = False) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        rows = transform.run(ctx.wh, ctx.start, ctx.end)
        if rows == 0 and empty_means_no_data:
            raise NoDataAvailable(f"no rows for {transform.table} between {ctx.start} and {ctx.end}")
        return StepResult(rows, f"{rows} rows in {transform.table}")

    run.__doc__ = f"Rebuild {transform.table} for the window from {transform.sql_file}."
    return run


def scrape_step(provider: str) -> Callable[[StepContext], StepResult]:
    """Fetch each day of the window from one provider (live, or the replay folder when configured)."""

    def run(ctx: StepContext) -> StepResult:
        from nbaprops.pipeline.run_history import RunHistory, worst
        from nbaprops.sources.scrape import scrape

        if ctx.settings.offline and not ctx.settings.replay_dir:
            raise NoDataAvailable(f"offline: {provider} not fetched (NBAPROPS_OFFLINE)")
        history = RunHistory(ctx.settings.run_history_url)
        rows, problems, runs, categories = 0, [], [], []
        try:
            day = ctx.start
            while day <= ctx.end:
                report = scrape(ctx.wh, ctx.settings, history, day, sources=[provider], replay=ctx.settings.replay_dir)
                rows += sum(s.rows_written for s in report.steps)
                runs.append(report.run_id)
                problems += [f"{day} {s.step}: {s.message}" for s in report.steps if s.category.pages_a_human]
                categories.append(report.category)
                day += timedelta(days=1)
        finally:
            history.close()
        if problems and rows == 0:
            detail = "; ".join(problems[:3])
            raise StepFailure(worst(categories), f"{provider}: {detail} (scrape runs {', '.join(runs)})")
        message = f"{rows} rows from {provider} (scrape runs {', '.join(runs)})"
        return StepResult(rows, message, warnings=problems)

    run.__doc__ = f"Scrape {provider} for each day of the window."
    return run


def refresh_players(ctx: StepContext) -> StepResult:
    from nbaprops.ingest.players import refresh_players as refresh

    n = refresh(ctx.wh)
    return StepResult(n, f"{n} players in the registry")


def resolve_prop_lines(ctx: StepContext) -> StepResult:
    from nbaprops.ingest.players import resolve_prop_lines as resolve

    s = resolve(ctx.wh)
    return StepResult(
        s.lines_resolved,
        f"{s.player_games_resolved}/{s.player_games} player-games resolved "
        f"({s.played_coverage:.2%} of those who played), {s.unresolved_names} names unresolved",
    )


def predict_baseline(ctx: StepContext) -> StepResult:
    from nbaprops.predict.baseline import predict_range

    n = predict_range(ctx.wh, ctx.settings, ctx.start, ctx.end)
    if n == 0:
        raise NoDataAvailable(f"no player-games with a points line between {ctx.start} and {ctx.end}")
    return StepResult(n, f"{n} predictions")


def grade(ctx: StepContext) -> StepResult:
    n = GRADING.run(ctx.wh, ctx.start, ctx.end, graded_utc=utcnow())
    if n == 0:
        raise NoDataAvailable(f"nothing to grade between {ctx.start} and {ctx.end} (no final games with predictions)")
    return StepResult(n, f"{n} predictions graded")


def publish_step(module: str, what: str) -> Callable[[StepContext], StepResult]:
    """Write one kind of published file for the window (``publish/{module}.py: publish``), then the index.

    Every publisher takes the same arguments (the run history too: a dated file carries its date's
    health) and returns the files it wrote; none written means nothing to publish.
    """

    def run(ctx: StepContext) -> StepResult:
        from importlib import import_module

        from nbaprops.pipeline.run_history import RunHistory
        from nbaprops.publish.index import write_index

        assert ctx.settings.publish_dir is not None
        publish = import_module(f"nbaprops.publish.{module}").publish
        history = RunHistory(ctx.settings.run_history_url)
        try:
            files = publish(ctx.wh, ctx.settings, history, ctx.start, ctx.end)
        finally:
            history.close()
        if not files:
            raise NoDataAvailable(f"nothing to publish: no {what} between {ctx.start} and {ctx.end}")
        write_index(ctx.settings.publish_dir)
        return StepResult(len(files), f"{len(files)} {module} file(s) in {ctx.settings.publish_dir}")

    run.__doc__ = f"Publish the {module} files of the window."
    return run


publish_tonight = publish_step("tonight", "games")
publish_results = publish_step("results", "graded predictions")
publish_best_bets = publish_step("best_bets", "predictions")
publish_players = publish_step("players", "player with a prediction")
publish_systems_performance = publish_step("systems", "graded predictions")
publish_unresolved = publish_step("unresolved", "unresolved names")
publish_status = publish_step("status", "status")
