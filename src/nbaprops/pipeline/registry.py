"""The registry: every processor of the product, declared once.

It is the single source of truth for what runs, in which order (derived from inputs and
outputs), what each step reads and writes, whether its failure blocks what depends on it
(critical) and how long it may take. The runner, the docs table (``nbaprops registry``) and later
the health checks and the Dagster adapter all read this list.

To follow one day's data: raw tables (``import-history`` / sources) -> players.refresh ->
analytics.team_game_summary / games / player_game_summary -> ingest.resolve_prop_lines ->
analytics.book_lines -> analytics.consensus_lines -> analytics.team_game_context /
player_game_context -> features.player_game / player_game_market -> predictions.baseline_points ->
grading.player_props -> publish.results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from graphlib import TopologicalSorter

from nbaprops.config import Settings
from nbaprops.features.contract import final_select
from nbaprops.pipeline.categories import NoDataAvailable
from nbaprops.warehouse.db import Warehouse, utcnow
from nbaprops.warehouse.transforms import Transform

PHASES = ("ingest", "analytics", "features", "predictions", "grading", "publish")


@dataclass
class StepContext:
    """What a step gets: the warehouse, the settings and the date window it covers."""

    wh: Warehouse
    settings: Settings
    start: date
    end: date


@dataclass
class StepResult:
    rows_written: int
    message: str = ""


@dataclass(frozen=True)
class Processor:
    name: str
    phase: str
    run: Callable[[StepContext], StepResult]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    critical: bool = True
    timeout_s: float = 600.0
    description: str = ""


# ---------------------------------------------------------------------------- step functions
def _transform_step(transform: Transform, empty_means_no_data: bool = False) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        rows = transform.run(ctx.wh, ctx.start, ctx.end)
        if rows == 0 and empty_means_no_data:
            raise NoDataAvailable(f"no rows for {transform.table} between {ctx.start} and {ctx.end}")
        return StepResult(rows, f"{rows} rows in {transform.table}")

    run.__doc__ = f"Rebuild {transform.table} for the window from {transform.sql_file}."
    return run


def _refresh_players(ctx: StepContext) -> StepResult:
    from nbaprops.ingest.players import refresh_players

    n = refresh_players(ctx.wh)
    return StepResult(n, f"{n} players in the registry")


def _resolve_prop_lines(ctx: StepContext) -> StepResult:
    from nbaprops.ingest.players import resolve_prop_lines

    s = resolve_prop_lines(ctx.wh)
    return StepResult(
        s.lines_resolved,
        f"{s.player_games_resolved}/{s.player_games} player-games resolved "
        f"({s.played_coverage:.2%} of those who played), {s.unresolved_names} names unresolved",
    )


def _predict_baseline(ctx: StepContext) -> StepResult:
    from nbaprops.predict.baseline import predict_range

    n = predict_range(ctx.wh, ctx.settings, ctx.start, ctx.end)
    if n == 0:
        raise NoDataAvailable(f"no player-games with a points line between {ctx.start} and {ctx.end}")
    return StepResult(n, f"{n} predictions")


def _grade(ctx: StepContext) -> StepResult:
    n = GRADING.run(ctx.wh, ctx.start, ctx.end, graded_utc=utcnow())
    if n == 0:
        raise NoDataAvailable(f"nothing to grade between {ctx.start} and {ctx.end} (no final games with predictions)")
    return StepResult(n, f"{n} predictions graded")


def _publish_results(ctx: StepContext) -> StepResult:
    from nbaprops.publish.results import publish_results

    assert ctx.settings.publish_dir is not None
    files = publish_results(ctx.wh, ctx.settings.publish_dir, ctx.start, ctx.end)
    if not files:
        raise NoDataAvailable("no graded predictions to publish")
    return StepResult(len(files), f"{len(files)} results files")


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
    PLAYER_GAME_CONTEXT, PLAYER_GAME_FEATURES, PLAYER_GAME_MARKET, GRADING,
)  # fmt: skip


REGISTRY: tuple[Processor, ...] = (
    Processor(
        "players.refresh",
        "ingest",
        _refresh_players,
        inputs=("raw.player_game_logs",),
        outputs=("ref.players", "ref.player_aliases"),
        timeout_s=120,
        description="Player registry from the box scores, with every spelling as an alias.",
    ),
    Processor(
        "analytics.team_game_summary",
        "analytics",
        _transform_step(TEAM_GAME_SUMMARY),
        inputs=(
            "raw.nbac_boxscore_teams",
            "raw.nbac_team_game_logs",
            "raw.team_game_logs",
            "raw.player_game_logs",
            "raw.nbac_schedule",
            "raw.schedule",
        ),
        outputs=("analytics.team_game_summary",),
        timeout_s=120,
        description="Per team per game: points for and against, possessions.",
    ),
    Processor(
        "analytics.games",
        "analytics",
        _transform_step(GAMES, empty_means_no_data=True),
        inputs=("analytics.team_game_summary", "raw.nbac_schedule", "raw.schedule", "ref.teams"),
        outputs=("analytics.games",),
        timeout_s=60,
        description="Every game, played (final) or scheduled.",
    ),
    Processor(
        "analytics.player_game_summary",
        "analytics",
        _transform_step(PLAYER_GAME_SUMMARY),
        inputs=(
            "raw.nbac_gamebook_players",
            "raw.nbac_boxscore_players",
            "raw.nbac_player_game_logs",
            "raw.espn_boxscore_players",
            "raw.bdl_player_boxscores",
            "raw.player_game_logs",
            "raw.nbac_schedule",
            "analytics.team_game_summary",
        ),
        outputs=("analytics.player_game_summary",),
        timeout_s=120,
        description="Per player per game box score with game id, opponent, venue.",
    ),
    Processor(
        "ingest.resolve_prop_lines",
        "ingest",
        _resolve_prop_lines,
        inputs=("raw.prop_lines", "analytics.games", "ref.players"),
        outputs=("raw.prop_lines:resolved",),
        timeout_s=300,
        description="Game and player ids for every prop line; the unresolved queue.",
    ),
    Processor(
        "analytics.book_lines",
        "analytics",
        _transform_step(BOOK_LINES),
        inputs=("raw.prop_lines:resolved", "analytics.games"),
        outputs=("analytics.book_lines",),
        timeout_s=120,
        description="Each book's main line, last snapshot before tip-off.",
    ),
    Processor(
        "analytics.consensus_lines",
        "analytics",
        _transform_step(CONSENSUS_LINES),
        inputs=("analytics.book_lines",),
        outputs=("analytics.consensus_lines",),
        timeout_s=60,
        description="The offered line closest to the books' median, with its prices.",
    ),
    Processor(
        "analytics.team_game_context",
        "analytics",
        _transform_step(TEAM_GAME_CONTEXT),
        inputs=("analytics.games", "ref.teams"),
        outputs=("analytics.team_game_context",),
        timeout_s=60,
        description="Per team per game: rest, back-to-back, schedule density, travel, time zones.",
    ),
    Processor(
        "analytics.player_game_context",
        "analytics",
        _transform_step(PLAYER_GAME_CONTEXT),
        inputs=(
            "analytics.games",
            "analytics.player_game_summary",
            "analytics.team_game_summary",
            "analytics.team_game_context",
            "analytics.consensus_lines",
            "raw.nbac_injury_report",
            "raw.nbac_injury_report_teams",
            "raw.odds_game_lines",
        ),
        outputs=("analytics.player_game_context",),
        timeout_s=300,
        description="Per player per game (slate and history): rest, load, opponent strength, availability.",
    ),
    Processor(
        "features.player_game",
        "features",
        _transform_step(PLAYER_GAME_FEATURES),
        inputs=("analytics.player_game_context", "analytics.player_game_summary"),
        outputs=("features.player_game",),
        timeout_s=300,
        description="The feature store: point-in-time features per player-game, defaults and quality.",
    ),
    Processor(
        "features.player_game_market",
        "features",
        _transform_step(PLAYER_GAME_MARKET),
        inputs=("analytics.consensus_lines", "features.player_game"),
        outputs=("features.player_game_market",),
        timeout_s=120,
        description="Market features per player-game-market: line, movement, book disagreement, vs form.",
    ),
    Processor(
        "predictions.baseline_points",
        "predictions",
        _predict_baseline,
        inputs=("features.player_game", "features.player_game_market", "analytics.player_game_summary"),
        outputs=("predictions.player_props",),
        timeout_s=300,
        description="Transparent baseline, fitted walk-forward per date.",
    ),
    Processor(
        "grading.player_props",
        "grading",
        _grade,
        inputs=("predictions.player_props", "analytics.games", "analytics.player_game_summary"),
        outputs=("grading.player_props",),
        timeout_s=120,
        description="Correct / incorrect / push / void, errors and profit at the real odds.",
    ),
    Processor(
        "publish.results",
        "publish",
        _publish_results,
        inputs=("grading.player_props", "predictions.player_props", "ref.players"),
        outputs=("files:v1/results",),
        critical=False,
        timeout_s=120,
        description="v1/results/{date}.json per graded date.",
    ),
)


def upstream(processors: tuple[Processor, ...]) -> dict[str, set[str]]:
    """For each processor, the processors that produce one of its inputs."""
    producers: dict[str, str] = {}
    for p in processors:
        for output in p.outputs:
            if output in producers:
                raise ValueError(f"{output} is produced by both {producers[output]} and {p.name}")
            producers[output] = p.name
    return {p.name: {producers[i] for i in p.inputs if i in producers and producers[i] != p.name} for p in processors}


def execution_order(processors: tuple[Processor, ...]) -> list[Processor]:
    """Processors in dependency order; ties keep the registry's order (stable, readable)."""
    by_name = {p.name: p for p in processors}
    deps = upstream(processors)
    sorter = TopologicalSorter(deps)
    sorter.prepare()
    order: list[Processor] = []
    position = {p.name: i for i, p in enumerate(processors)}
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        for name in ready:
            order.append(by_name[name])
            sorter.done(name)
    return order


def select(processors: tuple[Processor, ...], phases: set[str] | None = None) -> tuple[Processor, ...]:
    if not phases:
        return processors
    unknown = phases - set(PHASES)
    if unknown:
        raise ValueError(f"unknown phase(s): {', '.join(sorted(unknown))}; phases are {', '.join(PHASES)}")
    return tuple(p for p in processors if p.phase in phases)
