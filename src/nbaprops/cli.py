"""The ``nbaprops`` command line.

Every command opens the warehouse once (DuckDB admits one writer process) and the run history,
does its work through the same functions the pipeline uses, and exits non-zero when something
needs a person (categories error, timeout, validation_failed).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nbaprops.config import Settings
from nbaprops.logs import configure as configure_logging
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse, WarehouseError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0] if __doc__ else None)
players_app = typer.Typer(no_args_is_help=True, help="The player registry: aliases and unresolved names.")
app.add_typer(players_app, name="players")
features_app = typer.Typer(no_args_is_help=True, help="The feature store: rebuild it, read its contract.")
app.add_typer(features_app, name="features")
models_app = typer.Typer(no_args_is_help=True, help="The model registry: train, list, show, promote.")
app.add_typer(models_app, name="models")
# Wide and unwrapped when not on a terminal (CI logs, `make demo | tee`), so lines stay greppable.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True, soft_wrap=True)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every step.")] = False) -> None:
    """nbaprops: NBA player-prop predictions that run themselves."""
    configure_logging(verbose=verbose, secrets=Settings().secret_values())


@contextmanager
def _open(settings: Settings | None = None) -> Iterator[tuple[Settings, Warehouse, RunHistory]]:
    settings = settings or Settings()
    settings.ensure_dirs()
    try:
        wh = Warehouse(settings.warehouse_path, wait_s=settings.lock_wait_s)
    except WarehouseError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    history = RunHistory(settings.run_history_url)
    try:
        yield settings, wh, history
    finally:
        wh.close()
        history.close()


def _exit_code(category: Category) -> int:
    return 1 if category.pages_a_human else 0


def _parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from exc


def _window(day: str | None, start: str | None, end: str | None) -> tuple[date, date]:
    d, s, e = _parse_date(day, "--date"), _parse_date(start, "--start"), _parse_date(end, "--end")
    if d is not None:
        return d, d
    if s is None or e is None:
        raise typer.BadParameter("give --date, or both --start and --end")
    if e < s:
        raise typer.BadParameter(f"--end {e} is before --start {s}")
    return s, e


_STYLE = {
    "success": "green",
    "no_data_available": "dim",
    "dependency_missing": "yellow",
    "validation_failed": "red",
    "timeout": "red",
    "error": "bold red",
}


def _category(value: str | None) -> str:
    return f"[{_STYLE.get(value or '', 'white')}]{value}[/]" if value else "-"


# ---------------------------------------------------------------------------- import
@app.command("import-history")
def import_history_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders in the history formats.", exists=True)],
    force: Annotated[bool, typer.Option(help="Re-read files even when unchanged since the last import.")] = False,
) -> None:
    """Import NBA.com game logs / schedules and Odds API prop snapshots; rebuild the registry and analytics."""
    from nbaprops.ingest.history import import_history

    with _open() as (settings, wh, history):
        report = import_history(wh, settings, history, paths, force=force, on_file=_print_file)
        for path in report.unrecognised:
            err.print(f"[yellow]skipped (name not recognised): {path}[/yellow]")
        _print_resolution(wh)
        console.print(f"run {report.run_id}: {_category(report.category.value)}")
    raise typer.Exit(_exit_code(report.category))


def _print_file(result: object) -> None:
    from nbaprops.ingest.history import FileResult

    assert isinstance(result, FileResult)
    console.print(f"{_category(result.category.value):>30}  {result.path.name}: {result.message}")


def _print_resolution(wh: Warehouse) -> None:
    from nbaprops.ingest.players import summarize_resolution

    s = summarize_resolution(wh)
    if s.lines:
        console.print(
            f"prop lines: {s.lines_resolved:,}/{s.lines:,} resolved to a player and game; "
            f"player-games: {s.player_games_resolved:,}/{s.player_games:,}; "
            f"of players who played: {s.played_coverage:.2%}; unresolved names: {s.unresolved_names}"
        )


# ---------------------------------------------------------------------------- run / backtest
@app.command("run")
def run_cmd(
    day: Annotated[str | None, typer.Option("--date", help="One game date, YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option(help="First date of a range.")] = None,
    end: Annotated[str | None, typer.Option(help="Last date of a range.")] = None,
    phase: Annotated[list[str] | None, typer.Option(help="Only these phases (repeatable).")] = None,
    step: Annotated[list[str] | None, typer.Option(help="Only these processors (repeatable).")] = None,
    wait_lock: Annotated[float | None, typer.Option(help="Seconds to wait for a run holding these dates.")] = None,
) -> None:
    """Run the pipeline for a date or a date range, in dependency order."""
    from nbaprops.ops.alerts import alert_runs
    from nbaprops.pipeline.run_history import LockHeld
    from nbaprops.pipeline.runner import RunOptions, run_pipeline

    first, last = _window(day, start, end)
    with _open() as (settings, wh, history):
        try:
            report = run_pipeline(
                wh, settings, history, first, last, phases=set(phase or []), names=set(step or []),
                options=RunOptions(lock_wait_s=wait_lock),
            )  # fmt: skip
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        except LockHeld as exc:
            err.print(f"[yellow]{exc}; not run (wait with --wait-lock SECONDS)[/yellow]")
            raise typer.Exit(3) from exc
        _print_steps([s.__dict__ for s in report.steps])
        console.print(f"run {report.run_id}: {_category(report.category.value)}")
        alert_runs(settings, history, [report])  # grouped, rate-limited; never fails the command
    raise typer.Exit(_exit_code(report.category))


@app.command("gaps")
def gaps_cmd(
    since: Annotated[str | None, typer.Option(help="Only dates from this one (default: all history).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per gap.")] = False,
    pending: Annotated[bool, typer.Option(help="Also list what is missing but not due yet.")] = False,
) -> None:
    """What is missing, late or failed, date by date, over the whole history."""
    from nbaprops.pipeline.expectations import find_gaps

    with _open() as (settings, wh, history):
        gaps = [g for g in find_gaps(wh, settings, history, since=_parse_date(since, "--since"))
                if pending or g.status != "pending"]  # fmt: skip
    if as_json:
        for g in gaps:
            typer.echo(json.dumps({**g.__dict__, "day": g.day.isoformat(), "due_utc": g.due_utc.isoformat()}))
    else:
        table = Table(title=f"Gaps ({len(gaps)})")
        for column in ("date", "processor", "status", "rows", "why"):
            table.add_column(column, overflow="fold")
        for g in gaps:
            style = {"late": "red", "failed": "red", "gave_up": "bold red", "pending": "dim"}.get(g.status, "")
            table.add_row(str(g.day), g.step, f"[{style}]{g.status}[/]", f"{g.actual}/{g.expected}", g.reason)
        console.print(table if gaps else "no gaps: everything expected is there")
    raise typer.Exit(1 if any(g.needs_work or g.status == "gave_up" for g in gaps) else 0)


@app.command("heal")
def heal_cmd(
    since: Annotated[str | None, typer.Option(help="Only gaps from this date on.")] = None,
) -> None:
    """Re-run exactly what `gaps` lists as late or failed (and what depends on it), with bounded attempts."""
    from nbaprops.ops.alerts import alert_runs
    from nbaprops.pipeline.healing import heal

    def show(day: date, run: object) -> None:
        console.print(f"{day}: run {run.run_id} {_category(run.category.value)}")  # type: ignore[attr-defined]

    with _open() as (settings, wh, history):
        report = heal(wh, settings, history, since=_parse_date(since, "--since"), on_run=show)
        alert_runs(settings, history, report.runs)
    for gap in report.gave_up:
        err.print(f"[red]gave up on {gap.step} for {gap.day}: {gap.reason}[/red]")
    console.print(f"healed {len(report.runs)} date(s); {len(report.gave_up)} gap(s) need a person")
    raise typer.Exit(1 if report.gave_up or any(r.category.pages_a_human for r in report.runs) else 0)


@app.command("backfill")
def backfill_cmd(
    start: Annotated[str, typer.Option(help="First date.")],
    end: Annotated[str, typer.Option(help="Last date.")],
    chunk_days: Annotated[int, typer.Option(help="Longest stretch of dates run at once.")] = 31,
) -> None:
    """Fill only what is missing or failed in a range; checkpointed, resumable after any interruption."""
    from rich.progress import Progress

    from nbaprops.ops.alerts import alert_runs
    from nbaprops.pipeline.healing import backfill

    first, last = _window(None, start, end)
    with _open() as (settings, wh, history), Progress(console=console) as progress:
        task = progress.add_task(f"backfill {first}..{last}", total=None)

        def advance(index: int, total: int, chunk: tuple[date, date], run: object) -> None:
            progress.update(task, total=total, completed=index, description=f"{chunk[0]}..{chunk[1]}")

        report = backfill(wh, settings, history, first, last, max_chunk_days=chunk_days, on_chunk=advance)
        alert_runs(settings, history, report.runs, quiet=True)  # backfills are quiet: recorded, never paged
    failed = [r for r in report.runs if r.category.pages_a_human]
    console.print(
        f"backfill {report.backfill_id}: {len(report.chunks)} stretch(es) with gaps, {len(report.runs)} run, "
        f"{len(report.skipped)} already done, {len(failed)} with failures"
    )
    raise typer.Exit(1 if failed else 0)


@app.command("daemon")
def daemon_cmd() -> None:
    """Run the day's windows on schedule (lines before games, results after midnight, grading at 8 am ET)."""
    from nbaprops.pipeline.daemon import WINDOWS, run_forever

    settings = Settings()
    settings.ensure_dirs()
    for w in WINDOWS:
        console.print(f"{w.name}: {', '.join(t.strftime('%H:%M') for t in w.at)} ET — {w.description}")
    history = RunHistory(settings.run_history_url)
    try:
        run_forever(settings, history)
    finally:
        history.close()


@app.command("backtest")
def backtest_cmd(
    start: Annotated[str, typer.Option(help="First date predicted.")],
    end: Annotated[str, typer.Option(help="Last date predicted.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for scripts).")] = False,
    system: Annotated[str, typer.Option(help="System summarised: baseline, similarity, lightgbm, ensemble.")] = (
        "baseline"
    ),
    market: Annotated[str, typer.Option(help="Market summarised: points, rebounds, assists, threes, pra.")] = "points",
    report: Annotated[bool, typer.Option(help="Write the markdown report with plots under HOME/reports.")] = True,
) -> None:
    """Walk-forward backtest: each date predicted only from data strictly before it, then graded."""
    from nbaprops.predict.backtest import run_backtest
    from nbaprops.predict.markets import market as get_market
    from nbaprops.predict.systems import SYSTEM_IDS

    first, last = _window(None, start, end)
    if system not in SYSTEM_IDS:
        raise typer.BadParameter(f"{system!r} is not a system ({', '.join(SYSTEM_IDS)})", param_hint="--system")
    try:
        market_id = get_market(market).id
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--market") from exc
    with _open() as (settings, wh, history):
        result = run_backtest(wh, settings, history, first, last, system, market_id, report=report)
    if as_json:
        typer.echo(json.dumps(result, default=str))
    else:
        _print_summary(result)
    raise typer.Exit(_exit_code(Category(result["category"])))


def _print_summary(result: dict[str, object]) -> None:
    table = Table(title=f"Backtest {result['start']} .. {result['end']} — {result['system']} / {result['market']}")
    table.add_column("measure")
    table.add_column("value", justify="right")

    def fmt(key: str, pattern: str = "{}") -> str:
        value = result.get(key)
        return "-" if value is None else pattern.format(value)

    table.add_row("player-games graded", fmt("graded", "{:,}"))
    table.add_row("voids (did not play)", fmt("voids", "{:,}"))
    table.add_row("model MAE (points)", fmt("model_mae", "{:.3f}"))
    table.add_row("market MAE (consensus line)", fmt("market_mae", "{:.3f}"))
    table.add_row("picks (actionable)", fmt("picks", "{:,}"))
    table.add_row("wins / losses / pushes", f"{result.get('wins')} / {result.get('losses')} / {result.get('pushes')}")
    table.add_row("hit rate", fmt("hit_rate", "{:.1%}"))
    table.add_row("ROI per unit staked", fmt("roi", "{:+.1%}"))
    table.add_row("Brier of P(over) / market's", f"{fmt('brier', '{:.4f}')} / {fmt('market_brier', '{:.4f}')}")
    console.print(table)
    console.print(
        f"results: {result.get('published')}  run: {result.get('run_id')} ({_category(str(result['category']))})"
    )
    if result.get("report"):
        console.print(f"report: {result['report']}")


# ---------------------------------------------------------------------------- scrape
@app.command("scrape")
def scrape_cmd(
    day: Annotated[str, typer.Option("--date", help="The game date to scrape, YYYY-MM-DD (US/Eastern).")],
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this provider or endpoint, e.g. odds_api (repeatable).")
    ] = None,
    replay: Annotated[
        str | None, typer.Option("--replay", help="Serve payloads from this raw-store folder/URL: no network.")
    ] = None,
) -> None:
    """Fetch (or replay) a day's payloads from the sources, keep them in the raw store, merge the raw tables."""
    from nbaprops.sources.scrape import scrape

    parsed = _parse_date(day, "--date")
    assert parsed is not None
    with _open() as (settings, wh, history):
        try:
            report = scrape(wh, settings, history, parsed, sources=source, replay=replay)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--source") from exc
        _print_steps([s.__dict__ for s in report.steps])
        console.print(f"run {report.run_id}: {_category(report.category.value)}")
    raise typer.Exit(_exit_code(report.category))


# ---------------------------------------------------------------------------- demo
DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_START, DEMO_END = date(2025, 10, 21), date(2025, 11, 19)
DEMO_SYSTEMS = {
    "prediction_systems": ["baseline"],
    "prediction_markets": ["player_points"],
    "best_bets_system": "baseline",
}


def _demo_settings() -> Settings:
    """The demo runs the transparent baseline on points, to finish in seconds on a fresh machine.

    Training every system for every market over the demo window takes many minutes on two cores; set
    NBAPROPS_PREDICTION_SYSTEMS (and _MARKETS) to run more — the demo then uses what you set.
    """
    settings = Settings()
    if "NBAPROPS_PREDICTION_SYSTEMS" in os.environ or "NBAPROPS_PREDICTION_MARKETS" in os.environ:
        return settings
    return settings.model_copy(update=DEMO_SYSTEMS)


@app.command("demo")
def demo_cmd(
    data: Annotated[Path, typer.Option(help="Demo dataset folder.")] = DEMO_DIR,
) -> None:
    """Import the bundled demo dataset, backtest 2025-10-21..2025-11-19 and print the summary."""
    from nbaprops.ingest.history import import_history
    from nbaprops.predict.backtest import run_backtest

    if not data.exists():
        err.print(f"[red]demo data not found at {data}[/red]")
        raise typer.Exit(2)
    with _open(_demo_settings()) as (settings, wh, history):
        console.rule("1. import the demo history (NBA.com logs 2024-26, Odds API props Oct-Nov 2025)")
        report = import_history(wh, settings, history, [data], on_file=_print_file)
        _print_resolution(wh)
        console.rule(f"2. walk-forward backtest {DEMO_START} .. {DEMO_END}")
        result = run_backtest(wh, settings, history, DEMO_START, DEMO_END)
    _print_summary(result)
    worst = max(report.category, Category(result["category"]), key=lambda c: c.pages_a_human)
    raise typer.Exit(_exit_code(worst))


# ---------------------------------------------------------------------------- looking around
@app.command("runs")
def runs_cmd(
    run_id: Annotated[str | None, typer.Argument(help="Show the steps of this run (a prefix is enough).")] = None,
    limit: Annotated[int, typer.Option(help="How many recent runs.")] = 20,
) -> None:
    """Recent runs, or the steps of one run, with their failure categories."""
    settings = Settings()
    history = RunHistory(settings.run_history_url)
    if run_id:
        full = history.resolve_run_id(run_id)
        if full is None:
            err.print(f"[red]no run {run_id!r}[/red]")
            raise typer.Exit(2)
        _print_steps(history.steps(full))
        return
    table = Table(title="Recent runs")
    for column in ("run", "command", "dates", "started (UTC)", "seconds", "category", "steps", "problems", "rows"):
        table.add_column(column)
    for r in history.recent_runs(limit):
        dates = f"{r['date_start'] or ''}..{r['date_end'] or ''}" if r["date_start"] else "-"
        seconds = _seconds(r["started_utc"], r["finished_utc"])
        table.add_row(
            r["run_id"], r["command"], dates, r["started_utc"][:19], seconds, _category(r["category"] or r["status"]),
            str(r["steps"]), str(r["problems"] or 0), f"{r['rows_written']:,}",
        )  # fmt: skip
    console.print(table)


def _seconds(started: str, finished: str | None) -> str:
    from datetime import datetime

    if not finished:
        return "running"
    return f"{(datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds():.1f}"


def _print_steps(steps: list[dict[str, object]]) -> None:
    table = Table()
    for column in ("step", "phase", "category", "rows", "seconds", "message"):
        table.add_column(column, overflow="fold")
    for s in steps:
        name = str(s.get("step") or s.get("name"))
        table.add_row(
            name, str(s["phase"]), _category(str(s["category"])), f"{s['rows_written'] or 0:,}",
            f"{float(s['duration_s'] or 0):.2f}", str(s["message"] or ""),
        )  # fmt: skip
    console.print(table)


@players_app.command("unresolved")
def players_unresolved(limit: Annotated[int, typer.Option(help="How many names.")] = 50) -> None:
    """Names no source could resolve to a player, most frequent first, with an example row."""
    from nbaprops.ingest.players import unresolved_table

    with _open() as (_, wh, _h):
        rows = unresolved_table(wh, limit)
    table = Table(title="Unresolved player names")
    for column in ("source", "name", "lines", "player-games", "dates", "games", "example"):
        table.add_column(column, overflow="fold")
    for r in rows.itertuples(index=False):
        table.add_row(
            r.source, r.name, str(r.occurrences), str(r.player_games), f"{r.first_date}..{r.last_date}",
            str(r.teams)[:60], str(r.example)[:160],
        )  # fmt: skip
    console.print(table if len(rows) else "no unresolved names")


@players_app.command("aliases")
def players_aliases(
    method: Annotated[str | None, typer.Option(help="Only aliases found this way (e.g. surname_in_game).")] = None,
) -> None:
    """Aliases learned or curated, with how each was established, for auditing."""
    with _open() as (_, wh, _h):
        rows = wh.df(
            "SELECT a.alias_key, a.player_id, p.full_name, a.source, a.method, a.example"
            " FROM ref.player_aliases a LEFT JOIN ref.players p USING (player_id)"
            " WHERE a.method <> 'box_score_name' AND (? IS NULL OR a.method = ?) ORDER BY a.method, a.alias_key",
            [method, method],
        )
    table = Table(title="Player aliases")
    for column in ("alias", "player id", "player", "source", "method", "example"):
        table.add_column(column)
    for r in rows.itertuples(index=False):
        table.add_row(r.alias_key, str(r.player_id), str(r.full_name), r.source, r.method, str(r.example or ""))
    console.print(table)


@app.command("rejects")
def rejects_cmd(limit: Annotated[int, typer.Option(help="How many rows.")] = 30) -> None:
    """Rows the importer refused, with file, row number and reason (the rows themselves are kept)."""
    with _open() as (_, wh, _h):
        rows = wh.df(
            "SELECT path, row_number, reason, raw_row FROM raw.rejected_rows ORDER BY rejected_utc DESC, path,"
            " row_number LIMIT ?",
            [limit],
        )
    table = Table(title="Rejected rows")
    for column in ("file", "row", "reason", "row as read"):
        table.add_column(column, overflow="fold")
    for r in rows.itertuples(index=False):
        table.add_row(Path(r.path).name, str(r.row_number), r.reason, r.raw_row[:200])
    console.print(table if len(rows) else "no rejected rows")


@app.command("sources")
def sources_cmd() -> None:
    """Every source endpoint and host, as Markdown tables (what docs/sources.md holds)."""
    from nbaprops.sources.catalog_doc import sources_markdown

    typer.echo(sources_markdown())


@app.command("registry")
def registry_cmd(
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table (for the docs).")] = False,
) -> None:
    """The processors of the pipeline, in execution order, with inputs, outputs and limits."""
    from nbaprops.pipeline.docs import describe_expectation, registry_markdown
    from nbaprops.pipeline.registry import REGISTRY, execution_order

    if markdown:
        typer.echo(registry_markdown())
        return
    table = Table(title="Pipeline registry (execution order)")
    for column in ("#", "processor", "phase", "critical", "timeout", "retries", "expects", "inputs", "outputs"):
        table.add_column(column, overflow="fold")
    for i, p in enumerate(execution_order(REGISTRY), 1):
        table.add_row(
            str(i), p.name, p.phase, "yes" if p.critical else "no", f"{p.timeout_s:.0f}s", str(p.retries),
            describe_expectation(p.expect), ", ".join(p.inputs), ", ".join(p.outputs),
        )  # fmt: skip
    console.print(table)


@features_app.command("rebuild")
def features_rebuild(
    start: Annotated[str | None, typer.Option(help="First date (default: the first date in the warehouse).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (default: the last date in the warehouse).")] = None,
) -> None:
    """Rebuild analytics and the feature store over all history (or a range), set-based, in one run."""
    from nbaprops.pipeline.runner import run_pipeline
    from nbaprops.warehouse.span import data_span

    with _open() as (settings, wh, history):
        span = data_span(wh)
        if span is None:
            err.print("[yellow]the warehouse is empty: run `nbaprops import-history` first[/yellow]")
            raise typer.Exit(2)
        first = _parse_date(start, "--start") or span[0]
        last = _parse_date(end, "--end") or span[1]
        report = run_pipeline(
            wh, settings, history, first, last, command="features-rebuild", phases={"ingest", "analytics", "features"}
        )
        _print_steps([s.__dict__ for s in report.steps])
        tiers = wh.df(
            "SELECT quality_tier, count(*) AS n FROM features.player_game"
            " WHERE game_date BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
            [first, last],
        )
        console.print(
            f"feature rows {first}..{last}: "
            + ", ".join(f"{r.quality_tier} {r.n:,}" for r in tiers.itertuples(index=False))
        )
        console.print(f"run {report.run_id}: {_category(report.category.value)}")
    raise typer.Exit(_exit_code(report.category))


@features_app.command("contract")
def features_contract() -> None:
    """Print the feature contract as Markdown (what docs/features.md holds)."""
    from nbaprops.features.contract import markdown

    typer.echo(markdown())


@models_app.command("train")
def models_train(
    system: Annotated[str, typer.Option(help="baseline, similarity, lightgbm or ensemble.")],
    market: Annotated[str, typer.Option(help="points, rebounds, assists, threes or pra.")] = "points",
    cutoff: Annotated[str | None, typer.Option(help="Train on games before this date (default: today).")] = None,
    retrain: Annotated[bool, typer.Option(help="Train again even if this exact model is stored.")] = False,
) -> None:
    """Train (or find) the model of a system and market at a cutoff, and store it in the registry."""
    from nbaprops.predict.models import train_model

    day = _parse_date(cutoff, "--cutoff") or date.today()
    with _open() as (settings, wh, _h):
        try:
            model = train_model(wh, settings, system, market, day, force=retrain)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    console.print(f"{model.model_id}: {model.train_rows:,} games {model.train_start} .. before {model.cutoff}")
    console.print(json.dumps(model.metrics, default=str))


@models_app.command("list")
def models_list(
    system: Annotated[str | None, typer.Option(help="Only this system.")] = None,
    market: Annotated[str | None, typer.Option(help="Only this market (id, e.g. player_points).")] = None,
) -> None:
    """Every stored model: system, market, training window, status, holdout MAE."""
    from nbaprops.predict.models import ModelStore

    with _open() as (settings, wh, _h):
        rows = ModelStore(wh, settings).list(system, market)
    table = Table(title="Models")
    for column in ("model", "system", "market", "trained on", "rows", "status", "holdout MAE", "code"):
        table.add_column(column, overflow="fold")
    for r in rows.itertuples(index=False):
        mae = json.loads(r.metrics).get("holdout_mae")
        table.add_row(
            r.model_id, r.system_id, r.market, f"{r.train_start} .. <{r.train_end}", f"{r.train_rows:,}", r.status,
            "-" if mae is None else f"{mae:.3f}", r.code_version,
        )  # fmt: skip
    console.print(table if len(rows) else "no models yet: `nbaprops backtest` or `nbaprops models train`")


@models_app.command("show")
def models_show(model_id: Annotated[str, typer.Argument(help="A model id (a unique prefix is enough).")]) -> None:
    """One model: features, training window, hyper-parameters, holdout metrics, code version, file."""
    from nbaprops.predict.models import ModelStore

    with _open() as (settings, wh, _h):
        shown = ModelStore(wh, settings).show(model_id)
    if shown is None:
        err.print(f"[red]no single model matches {model_id!r}[/red]")
        raise typer.Exit(2)
    typer.echo(json.dumps(shown, default=str, indent=2))


@models_app.command("promote")
def models_promote(model_id: Annotated[str, typer.Argument(help="A model id (a unique prefix is enough).")]) -> None:
    """Make a model the production model of its system and market (used when model_selection=promoted)."""
    from nbaprops.predict.models import ModelStore

    with _open() as (settings, wh, _h):
        try:
            promoted = ModelStore(wh, settings).promote(model_id)
        except KeyError as exc:
            err.print(f"[red]{exc.args[0]}[/red]")
            raise typer.Exit(2) from exc
    console.print(f"{promoted} is now the production model (previous one retired)")


@app.command("settings")
def settings_cmd() -> None:
    """The effective settings (secrets masked)."""
    for key, value in Settings().public().items():
        console.print(f"{key} = {value}")


# ---------------------------------------------------------------------------- health (ops/health.py)
@app.command("health")
def health_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Is the pipeline healthy? Exit 0 healthy, 1 degraded, 2 broken (rules: docs/operations.md)."""
    from nbaprops.ops.health import health_report

    settings = Settings()
    settings.ensure_dirs()
    report = health_report(settings)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), default=str))
    else:
        _print_health(report)
    raise typer.Exit(report.exit_code)


def _print_health(report: object) -> None:
    from nbaprops.ops.health import HealthReport

    assert isinstance(report, HealthReport)
    style = {"healthy": "green", "degraded": "yellow", "broken": "bold red"}[report.status]
    phases = Table(title="Last run per phase")
    for column in ("phase", "run", "command", "dates", "finished (UTC)", "category", "failed steps"):
        phases.add_column(column)
    for p in report.phases:
        finished = p.get("finished_utc")
        phases.add_row(
            p["phase"], p["run_id"] or "-", p["command"] or "-", p.get("dates") or "-",
            f"{finished:%Y-%m-%d %H:%M}" if finished else "-", _category(p["category"]), str(p.get("failed", "-")),
        )  # fmt: skip
    console.print(phases)
    facts = Table(title="Checks", show_header=False)
    facts.add_column("check")
    facts.add_column("value", overflow="fold")
    latest = report.latest_date
    facts.add_row("latest date", f"{latest.get('day') or '-'}: {latest.get('status', '-')}")
    counts = report.gaps.get("counts", {})
    facts.add_row("SLA (gaps since " + str(report.gaps.get("since", "-")) + ")",
                  ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")  # fmt: skip
    u = report.unresolved
    if u:
        facts.add_row("unresolved players", f"{u['names']} names, {u['unresolved_lines']:,}/{u['lines']:,} lines")
    d = report.data
    if d:
        facts.add_row("box scores up to", str(d["latest_box_score_date"] or "-"))
        facts.add_row("latest line snapshot (UTC)", str(d["latest_line_snapshot_utc"] or "-"))
    for m in report.models:
        facts.add_row(f"model {m['system']}", f"{m['latest_model_id']} (cutoff {m['latest_cutoff']})"
                      + (" [yellow]stale[/]" if m["stale"] else ""))  # fmt: skip
    if not report.warehouse.get("readable"):
        facts.add_row("warehouse", f"[red]{report.warehouse.get('error')}[/]")
    console.print(facts)
    for f in report.findings:
        console.print(f"[{'red' if f.level == 'broken' else 'yellow'}]{f.level}[/] {f.check}: {f.message}")
    console.print(f"health: [{style}]{report.status}[/]")


# ---------------------------------------------------------------------------- web
@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the read-only API (/api/v1, docs at /docs), the dashboard (/) and /metrics.

    It reads the published JSON files and the run history, never the warehouse: it cannot block the pipeline.
    """
    import uvicorn

    from nbaprops.web.app import create_app

    settings = Settings()
    console.print(f"serving {settings.publish_dir} on http://{host}:{port}/ (API docs: /docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


if __name__ == "__main__":  # pragma: no cover
    app()
