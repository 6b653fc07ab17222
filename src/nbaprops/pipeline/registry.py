"""The registry: every processor of the product, declared once.

It is the single source of truth for what runs, in which order (derived from inputs and outputs),
what each step reads and writes, whether its failure blocks what depends on it (critical), how long
it may take, how often it is retried, what it must leave for each game date and by when, and the
gates its output must pass. The runner, the gap finder (``nbaprops gaps``), the docs table
(``nbaprops registry --markdown``) and the Dagster adapter all read this list.

To follow one day's data: sources.* (scrape) or ``import-history`` -> players.refresh ->
analytics.team_game_summary / games / player_game_summary -> ingest.resolve_prop_lines ->
analytics.book_lines -> analytics.consensus_lines -> analytics.team_game_context /
player_game_context -> features.player_game / player_game_market -> predictions.* ->
grading.player_props -> publish.* (tonight, best bets, results, players, systems) -> publish.status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from graphlib import TopologicalSorter

from nbaprops.config import Settings
from nbaprops.grading import performance
from nbaprops.pipeline import gates, steps
from nbaprops.pipeline.processor import PHASES, Expectation, Processor, StepContext, StepResult
from nbaprops.pipeline.steps import GRADING, TRANSFORMS  # re-exported: tests and benchmarks use them
from nbaprops.predict import steps as predict_steps

__all__ = [
    "GRADING", "PHASES", "REGISTRY", "TRANSFORMS", "Processor", "StepContext", "StepResult", "execution_order",
    "select", "upstream",
]  # fmt: skip


def _today() -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("America/New_York")).date()


def _system_configured(system_id: str) -> Callable[[Settings], bool]:
    """A prediction system runs, and is expected, only when settings list it."""
    return lambda settings: system_id in settings.prediction_systems


def _source(provider: str, outputs: tuple[str, ...], description: str, expect: Expectation | None) -> Processor:
    """A provider's scrape as a step: optional (the analytics use whatever arrived), retried, bounded."""
    return Processor(
        f"sources.{provider}",
        "sources",
        steps.scrape_step(provider),
        inputs=(),
        outputs=outputs,
        critical=False,
        timeout_s=1800,
        retries=2,
        retry_backoff_s=60,
        expect=expect,
        description=description,
    )


REGISTRY: tuple[Processor, ...] = (
    # ------------------------------------------------------------------ sources
    _source(
        "nbacom",
        (
            "raw.nbac_schedule",
            "raw.nbac_boxscore_players",
            "raw.nbac_boxscore_teams",
            "raw.nbac_player_game_logs",
            "raw.nbac_team_game_logs",
            "raw.nbac_gamebook_players",
            "raw.nbac_injury_report",
            "raw.nbac_injury_report_teams",
        ),
        "NBA.com: schedule, box scores, game logs, game book and injury report PDFs.",
        Expectation("raw.nbac_boxscore_players", "game", 16, "after_games", 6, live_only=True),
    ),
    _source(
        "odds_api",
        ("raw.prop_lines", "raw.odds_events", "raw.odds_game_lines"),
        "The Odds API: events, player props, game lines.",
        Expectation("raw.prop_lines", "game", 1, "before_tip", -2, live_only=True),
    ),
    _source("espn", ("raw.espn_games", "raw.espn_boxscore_players"), "ESPN: scoreboard and box scores.", None),
    _source(
        "balldontlie",
        ("raw.bdl_games", "raw.bdl_player_boxscores", "raw.bdl_injuries"),
        "balldontlie: games, box scores, injuries.",
        None,
    ),
    _source(
        "bettingpros", ("raw.bp_events", "raw.bp_offers", "raw.prop_lines"), "BettingPros: the fallback lines.", None
    ),
    # ------------------------------------------------------------------ ingest and analytics
    Processor(
        "players.refresh",
        "ingest",
        steps.refresh_players,
        inputs=("raw.player_game_logs", "raw.nbac_player_game_logs", "raw.nbac_boxscore_players"),
        outputs=("ref.players", "ref.player_aliases"),
        timeout_s=120,
        description="Player registry from the box scores, with every spelling as an alias.",
    ),
    Processor(
        "analytics.team_game_summary",
        "analytics",
        steps.transform_step(steps.TEAM_GAME_SUMMARY),
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
        expect=Expectation("analytics.team_game_summary", "game", 2, "after_games", 8),
        description="Per team per game: points for and against, possessions, pace, ratings.",
    ),
    Processor(
        "analytics.games",
        "analytics",
        steps.transform_step(steps.GAMES, empty_means_no_data=True),
        inputs=("analytics.team_game_summary", "raw.nbac_schedule", "raw.schedule", "ref.teams"),
        outputs=("analytics.games",),
        timeout_s=60,
        expect=Expectation("analytics.games", "game", 1, "before_tip", -6),
        gates=(
            gates.Gate(
                "games_match_schedule",
                gates.games_match_schedule(),
                "every game the schedule calls final has box scores",
            ),
        ),
        description="Every game, played (final) or scheduled, with tip-off times.",
    ),
    Processor(
        "analytics.player_game_summary",
        "analytics",
        steps.transform_step(steps.PLAYER_GAME_SUMMARY),
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
        expect=Expectation("analytics.player_game_summary", "game", 16, "after_games", 8),
        gates=(
            gates.Gate(
                "players_per_final_game",
                gates.players_per_final_game(16),
                "at least 16 player rows for every game the schedule calls final",
            ),
        ),
        description="Per player per game from the best source; who did not play, and why.",
    ),
    Processor(
        "ingest.resolve_prop_lines",
        "ingest",
        steps.resolve_prop_lines,
        inputs=("raw.prop_lines", "analytics.games", "ref.players"),
        outputs=("raw.prop_lines:resolved", "ref.unresolved_players"),
        timeout_s=300,
        description="Game and player ids for every prop line; the unresolved queue.",
    ),
    Processor(
        "analytics.team_game_context",
        "analytics",
        steps.transform_step(steps.TEAM_GAME_CONTEXT),
        inputs=("analytics.games", "ref.teams"),
        outputs=("analytics.team_game_context",),
        timeout_s=60,
        expect=Expectation("analytics.team_game_context", "game", 2, "before_tip", -3),
        description="Per team per game: rest, back-to-back, schedule density, travel, time zones.",
    ),
    Processor(
        "analytics.book_lines",
        "analytics",
        steps.transform_step(steps.BOOK_LINES),
        inputs=("raw.prop_lines:resolved", "analytics.games"),
        outputs=("analytics.book_lines",),
        timeout_s=120,
        expect=Expectation("analytics.book_lines", "game", 1, "before_tip", -1, live_only=True),
        description="Each book's main line, last snapshot before tip-off, and its opening line.",
    ),
    Processor(
        "analytics.consensus_lines",
        "analytics",
        steps.transform_step(steps.CONSENSUS_LINES),
        inputs=("analytics.book_lines",),
        outputs=("analytics.consensus_lines",),
        timeout_s=60,
        expect=Expectation("analytics.consensus_lines", "game", 1, "before_tip", -1, live_only=True),
        gates=(
            gates.Gate(
                "lines_fresh",
                gates.lines_fresh_for_today(6.0, _today),
                "tonight's lines were quoted in the last 6 hours",
            ),
        ),
        description="The offered line closest to the books' median, with its prices.",
    ),
    Processor(
        "analytics.player_game_context",
        "analytics",
        steps.transform_step(steps.PLAYER_GAME_CONTEXT),
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
        expect=Expectation("analytics.player_game_context", "game", 16, "before_tip", -1),
        description="Per player per game (slate and history): rest, load, opponent strength, availability.",
    ),
    # ------------------------------------------------------------------ features
    Processor(
        "features.player_game",
        "features",
        steps.transform_step(steps.PLAYER_GAME_FEATURES),
        inputs=("analytics.player_game_context", "analytics.player_game_summary"),
        outputs=("features.player_game",),
        timeout_s=300,
        expect=Expectation("features.player_game", "game", 16, "before_tip", -1),
        gates=(
            gates.Gate(
                "low_quality_share", gates.low_quality_share(0.25), "at most 25% of the feature rows are low quality"
            ),
        ),
        description="The feature store: point-in-time features per player-game, defaults and quality.",
    ),
    Processor(
        "features.player_game_market",
        "features",
        steps.transform_step(steps.PLAYER_GAME_MARKET),
        inputs=("analytics.consensus_lines", "features.player_game"),
        outputs=("features.player_game_market",),
        timeout_s=120,
        expect=Expectation("features.player_game_market", "game_with_lines", 1, "before_tip", -1),
        description="Market features per player-game-market: line, movement, book disagreement, vs form.",
    ),
    # ------------------------------------------------------------------ predictions, grading, publishing
    *(
        Processor(
            f"predictions.{system_id}",
            "predictions",
            predict_steps.predict_step(system_id),
            inputs=(
                "features.player_game",
                "features.player_game_market",
                "analytics.player_game_summary",
                *(("predictions.player_props",) if system_id == "ensemble" else ()),
            ),
            outputs=("predictions.player_props", "predictions.models"),
            critical=system_id == "baseline",  # a learned system failing must not stop the baseline's grading
            timeout_s=timeout,
            expect=Expectation(
                "predictions.player_props",
                "game_with_lines",
                1,
                "before_tip",
                0,
                where=f"system_id = '{system_id}' AND market = 'player_points'",
            ),
            description=description,
            enabled=_system_configured(system_id),
        )
        for system_id, timeout, description in (
            ("baseline", 600, "Transparent baseline (form x opponent x pace x rest x venue), refitted every date."),
            ("similarity", 900, "The player's past games most like tonight's, weighted by likeness."),
            ("lightgbm", 1800, "LightGBM over the feature store, retrained on the weekly cadence."),
            ("ensemble", 900, "The three systems stacked, anchored to the market's line, retrained weekly."),
        )
    ),
    Processor(
        "predictions.best_bets",
        "predictions",
        predict_steps.best_bets,
        inputs=("predictions.player_props", "features.player_game"),
        outputs=("predictions.best_bets",),
        critical=False,
        timeout_s=60,
        description="The day's best bets: one system's picks by expected value, capped per day, team and game.",
    ),
    Processor(
        "grading.player_props",
        "grading",
        steps.grade,
        inputs=("predictions.player_props", "analytics.games", "analytics.player_game_summary"),
        outputs=("grading.player_props",),
        timeout_s=120,
        expect=Expectation("grading.player_props", "prediction", 1, "after_games", 10),
        description="Correct / incorrect / push / void, errors, within 3/5, Brier and profit at the real odds.",
    ),
    Processor(
        "grading.daily_performance",
        "grading",
        performance.daily_performance,
        inputs=("grading.player_props",),
        outputs=("grading.daily_performance",),
        critical=False,
        timeout_s=120,
        description="Rolling 7/14/30-day hit rate, MAE, Brier and ROI per system and market.",
    ),
    Processor(
        "publish.tonight",
        "publish",
        steps.publish_tonight,
        inputs=(
            "analytics.games",
            "analytics.book_lines",
            "analytics.consensus_lines",
            "analytics.player_game_context",
            "analytics.player_game_summary",
            "features.player_game",
            "predictions.player_props",
            "ref.players",
        ),
        outputs=("files:v1/tonight",),
        critical=False,
        timeout_s=300,
        expect=Expectation("file:v1/tonight/{date}.json", "game_with_lines", 0, "before_tip", 0),
        description="v1/tonight/{date}.json per date with games: the slate, lines per book, injuries, form, "
        "every system's prediction, the picks (none when the date is unhealthy).",
    ),
    Processor(
        "publish.best_bets",
        "publish",
        steps.publish_best_bets,
        inputs=("predictions.best_bets", "predictions.player_props", "grading.player_props", "ref.players"),
        outputs=("files:v1/best-bets",),
        critical=False,
        timeout_s=120,
        expect=Expectation("file:v1/best-bets/{date}.json", "game_with_lines", 0, "before_tip", 0),
        description="v1/best-bets/{date}.json per date with predictions: the capped best bets and, once graded, "
        "their record.",
    ),
    Processor(
        "publish.results",
        "publish",
        steps.publish_results,
        inputs=("grading.player_props", "predictions.player_props", "features.player_game", "ref.players"),
        outputs=("files:v1/results",),
        critical=False,
        timeout_s=120,
        expect=Expectation("file:v1/results/{date}.json", "prediction", 0, "after_games", 11),
        description="v1/results/{date}.json per graded date: summary and breakdowns (confidence, edge, player "
        "tier) per system and market, every graded prediction.",
    ),
    Processor(
        "publish.players",
        "publish",
        steps.publish_players,
        inputs=(
            "predictions.player_props",
            "grading.player_props",
            "analytics.player_game_summary",
            "features.player_game",
            "ref.players",
        ),
        outputs=("files:v1/players",),
        critical=False,
        timeout_s=600,
        description="v1/players/{player_id}.json for every player predicted in the window, and v1/players/index.json.",
    ),
    Processor(
        "publish.systems_performance",
        "publish",
        steps.publish_systems_performance,
        inputs=("grading.player_props", "grading.daily_performance"),
        outputs=("files:v1/systems",),
        critical=False,
        timeout_s=120,
        description="v1/systems/performance.json: per system and market, overall and rolling 7/14/30 days.",
    ),
    Processor(
        "publish.unresolved",
        "publish",
        steps.publish_unresolved,
        inputs=("ref.unresolved_players",),
        outputs=("files:v1/unresolved",),
        critical=False,
        timeout_s=60,
        description="v1/unresolved.json: the names no source could resolve, for the dashboard's queue.",
    ),
    Processor(
        "publish.status",
        "publish",
        steps.publish_status,
        inputs=("files:v1/tonight", "files:v1/best-bets", "files:v1/results", "files:v1/players", "files:v1/systems"),
        outputs=("files:v1/status",),
        critical=False,
        timeout_s=120,
        description="v1/status.json: health per recent game date and phase, the last runs; last, so it sees "
        "the whole run.",
    ),
)


def upstream(processors: tuple[Processor, ...]) -> dict[str, set[str]]:
    """For each processor, the processors that produce one of its inputs.

    A dataset may have several producers (raw.prop_lines comes from two line sources); a processor
    depends on all of them.
    """
    names = [p.name for p in processors]
    if len(names) != len(set(names)):
        raise ValueError(f"duplicate processor names: {sorted({n for n in names if names.count(n) > 1})}")
    producers: dict[str, set[str]] = defaultdict(set)
    for p in processors:
        for output in p.outputs:
            producers[output].add(p.name)
    return {p.name: {q for i in p.inputs for q in producers.get(i, set()) if q != p.name} for p in processors}


def downstream(processors: tuple[Processor, ...], names: set[str]) -> set[str]:
    """`names` and every processor that depends on one of them, directly or not."""
    deps = upstream(processors)
    found = set(names)
    changed = True
    while changed:
        changed = False
        for name, before in deps.items():
            if name not in found and before & found:
                found.add(name)
                changed = True
    return found


def execution_order(processors: tuple[Processor, ...]) -> list[Processor]:
    """Processors in dependency order; ties keep the registry's order (stable, readable)."""
    by_name = {p.name: p for p in processors}
    sorter = TopologicalSorter(upstream(processors))
    sorter.prepare()
    order: list[Processor] = []
    position = {p.name: i for i, p in enumerate(processors)}
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        for name in ready:
            order.append(by_name[name])
            sorter.done(name)
    return order


def select(
    processors: tuple[Processor, ...], phases: set[str] | None = None, names: set[str] | None = None
) -> tuple[Processor, ...]:
    """The processors of the given phases and/or names (all when neither is given)."""
    if phases:
        unknown = phases - set(PHASES)
        if unknown:
            raise ValueError(f"unknown phase(s): {', '.join(sorted(unknown))}; phases are {', '.join(PHASES)}")
    if names:
        unknown = names - {p.name for p in processors}
        if unknown:
            raise ValueError(f"unknown processor(s): {', '.join(sorted(unknown))}")
    return tuple(p for p in processors if (not phases or p.phase in phases) and (not names or p.name in names))
