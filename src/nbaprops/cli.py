"""The ``nbaprops`` command line.

Every command opens the warehouse once (DuckDB admits one writer process) and the run history,
does its work through the same functions the pipeline uses, and exits non-zero when something
needs a person (categories error, timeout, validation_failed).
"""

from __future__ import annotations

import json
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
        wh = Warehouse(settings.warehouse_path)
    except WarehouseError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    history = RunHistory(settings.run_history_path)
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
) -> None:
    """Run the pipeline for a date or a date range, in dependency order."""
    from nbaprops.pipeline.runner import run_pipeline

    first, last = _window(day, start, end)
    with _open() as (settings, wh, history):
        try:
            report = run_pipeline(wh, settings, history, first, last, phases=set(phase or []))
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        _print_steps([s.__dict__ for s in report.steps])
        console.print(f"run {report.run_id}: {_category(report.category.value)}")
    raise typer.Exit(_exit_code(report.category))


@app.command("backtest")
def backtest_cmd(
    start: Annotated[str, typer.Option(help="First date predicted.")],
    end: Annotated[str, typer.Option(help="Last date predicted.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for scripts).")] = False,
) -> None:
    """Walk-forward backtest: each date predicted only from data strictly before it, then graded."""
    from nbaprops.predict.backtest import run_backtest

    first, last = _window(None, start, end)
    with _open() as (settings, wh, history):
        result = run_backtest(wh, settings, history, first, last)
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
    console.print(table)
    console.print(
        f"results: {result.get('published')}  run: {result.get('run_id')} ({_category(str(result['category']))})"
    )


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
    with _open() as (settings, wh, history):
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
    history = RunHistory(settings.run_history_path)
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


@app.command("registry")
def registry_cmd(
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table (for the docs).")] = False,
) -> None:
    """The processors of the pipeline, in execution order, with inputs, outputs and limits."""
    from nbaprops.pipeline.registry import REGISTRY, execution_order

    order = execution_order(REGISTRY)
    if markdown:
        typer.echo("| # | processor | phase | critical | timeout (s) | inputs | outputs | what it does |")
        typer.echo("|---|---|---|---|---|---|---|---|")
        for i, p in enumerate(order, 1):
            typer.echo(
                f"| {i} | `{p.name}` | {p.phase} | {'yes' if p.critical else 'no'} | {p.timeout_s:.0f} | "
                f"{', '.join(p.inputs)} | {', '.join(p.outputs)} | {p.description} |"
            )
        return
    table = Table(title="Pipeline registry (execution order)")
    for column in ("#", "processor", "phase", "critical", "timeout", "inputs", "outputs"):
        table.add_column(column, overflow="fold")
    for i, p in enumerate(order, 1):
        table.add_row(
            str(i), p.name, p.phase, "yes" if p.critical else "no", f"{p.timeout_s:.0f}s",
            ", ".join(p.inputs), ", ".join(p.outputs),
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


@app.command("settings")
def settings_cmd() -> None:
    """The effective settings (secrets masked)."""
    for key, value in Settings().public().items():
        console.print(f"{key} = {value}")


if __name__ == "__main__":  # pragma: no cover
    app()
