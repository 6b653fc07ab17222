"""Import bulk history files (NBA.com game logs and schedule, The Odds API prop snapshots).

Each file format is declared as data below — how its name looks, where its rows go, the natural
key and every column — and one importer serves them all. Files are recognised by name, so any
folder in the same formats works. Every file is merged idempotently (same file twice: no change),
in its own transaction (a bad file loses nothing imported before it), and bad rows are kept in
``raw.rejected_rows`` with the reason instead of failing the file.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from nbaprops.config import Settings
from nbaprops.ingest.csvfile import (
    Column,
    FileRejected,
    ParsedFile,
    parse,
    raw_json,
    read_raw,
    to_date,
    to_float,
    to_int,
    to_matchup,
    to_minutes,
    to_team,
    to_utc_timestamp,
)
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory, worst
from nbaprops.pipeline.runner import RunReport, run_pipeline
from nbaprops.reference.bookmakers import bookmaker_key
from nbaprops.reference.season_types import canonical_season_type, season_type_of_game_id, season_type_of_season_id
from nbaprops.reference.teams import resolve_team
from nbaprops.warehouse.db import Warehouse, utcnow
from nbaprops.warehouse.merge import MergeCounts, content_hash, merge_frame
from nbaprops.warehouse.span import data_span

EASTERN = "America/New_York"
Finisher = Callable[[ParsedFile, pd.DataFrame, Path], None]


@dataclass(frozen=True)
class HistoryFormat:
    """How one kind of history file is recognised, checked and stored."""

    name: str
    pattern: re.Pattern[str]
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    finish: Finisher | None = None  # derived columns and cross-column checks
    skip: Callable[[pd.DataFrame], pd.Series] | None = None  # rows to leave out quietly (counted)
    order: int = 0  # import order: games before the lines that refer to them


def _stat(source: str, target: str, required: bool = False) -> Column:
    return Column(source, target, to_int, required=required, nullable=not required)


def _pct(source: str, target: str) -> Column:
    return Column(source, target, to_float, required=False, nullable=True)


# ---------------------------------------------------------------------------- finishers
def _check_matchup_team(parsed: ParsedFile, raw: pd.DataFrame, path: Path) -> None:
    frame = parsed.frame
    mismatch = frame["matchup"].str.slice(0, 3) != frame["team"]
    parsed.reject(
        mismatch, raw, lambda r: f"MATCHUP {r['MATCHUP']!r} does not start with team {r['TEAM_ABBREVIATION']!r}"
    )


def _normalise_season_type(frame: pd.DataFrame) -> None:
    """Whatever the file wrote (``PlayIn``, ``Pre Season``) in the one stored vocabulary."""
    if "season_type" in frame.columns:
        frame["season_type"] = frame["season_type"].map(canonical_season_type).astype(object)


def _finish_team_logs(parsed: ParsedFile, raw: pd.DataFrame, path: Path) -> None:
    _check_matchup_team(parsed, raw, path)
    frame = parsed.frame
    if frame["season_type"].isna().any():
        # Exports without SEASON_TYPE still say it: the game id's third digit, the SEASON_ID's first.
        from_game_id = frame["game_id"].map(season_type_of_game_id)
        frame["season_type"] = frame["season_type"].fillna(from_game_id)
        if "SEASON_ID" in raw.columns:
            frame["season_type"] = frame["season_type"].fillna(
                raw.loc[frame.index, "SEASON_ID"].map(season_type_of_season_id)
            )
    _normalise_season_type(frame)


def _finish_player_logs(parsed: ParsedFile, raw: pd.DataFrame, path: Path) -> None:
    _check_matchup_team(parsed, raw, path)
    _normalise_season_type(parsed.frame)


def _eastern_date(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_localize("UTC").dt.tz_convert(EASTERN).dt.date


_SNAPSHOT_NAME = re.compile(r"^(\d{8}_\d{6})\.csv(\.gz)?$")


def _finish_props_snapshot(parsed: ParsedFile, raw: pd.DataFrame, path: Path) -> None:
    frame = parsed.frame
    stamp = _SNAPSHOT_NAME.match(path.name)
    assert stamp is not None  # the pattern matched to get here
    frame["snapshot_utc"] = datetime.strptime(stamp.group(1), "%Y%m%d_%H%M%S")
    sides = frame["game"].str.split(" @ ", n=1, expand=True).reindex(columns=[0, 1])
    frame["away"] = sides[0].map(resolve_team)
    frame["home"] = sides[1].map(resolve_team)
    bad = frame["away"].isna() | frame["home"].isna()
    parsed.reject(bad, raw, lambda r: f"column game: {r['game']!r} is not 'Away Team @ Home Team' with known teams")
    frame = parsed.frame
    frame["bookmaker"] = frame["bookmaker"].map(bookmaker_key)
    frame["game_date"] = _eastern_date(frame["commence_utc"])


def _finish_pra(parsed: ParsedFile, raw: pd.DataFrame, path: Path) -> None:
    frame = parsed.frame
    frame["market"] = "player_points_rebounds_assists"
    frame["bookmaker"] = frame["bookmaker"].map(bookmaker_key)
    frame["commence_utc"] = pd.NaT  # the export does not say when the game started
    # event_date is the UTC date; the Eastern date of the snapshot (taken before tip-off) is the game's.
    frame["game_date"] = _eastern_date(frame["snapshot_utc"])


YES_NO_MARKETS = ("player_double_double", "player_triple_double", "player_first_basket")


def _yes_no_market_rows(raw: pd.DataFrame) -> pd.Series:
    """Yes/no markets (double-double, ...) have no line: not over/under props, left out."""
    market = raw.get("market", pd.Series("", index=raw.index)).str.strip()
    line = raw.get("line", pd.Series("", index=raw.index)).str.strip()
    return market.isin(YES_NO_MARKETS) & line.eq("")


def _exhibition_rows(raw: pd.DataFrame) -> pd.Series:
    """All-Star games and preseason games against non-NBA clubs: not part of the product."""
    stage = raw.get("STAGE", pd.Series("", index=raw.index)).str.strip()
    home_known = raw.get("HOME_ABBR", pd.Series("", index=raw.index)).map(resolve_team).notna()
    away_known = raw.get("AWAY_ABBR", pd.Series("", index=raw.index)).map(resolve_team).notna()
    return stage.isin(["All-Star", "Preseason"]) & ~(home_known & away_known)


# ---------------------------------------------------------------------------- the formats
FORMATS: tuple[HistoryFormat, ...] = (
    HistoryFormat(
        name="schedule",
        pattern=re.compile(r"^schedule_.*\.csv(\.gz)?$"),
        table="raw.schedule",
        key=("game_id",),
        columns=(
            Column("GAME_ID", "game_id"),
            Column("GAME_DATE", "game_date", to_date),
            Column("STAGE", "stage", required=False, nullable=True),
            Column("HOME_TEAM_ID", "home_team_id", to_int, required=False, nullable=True),
            Column("HOME_ABBR", "home", to_team),
            Column("AWAY_TEAM_ID", "away_team_id", to_int, required=False, nullable=True),
            Column("AWAY_ABBR", "away", to_team),
            Column("HOME_PTS", "home_pts", to_int, required=False, nullable=True),
            Column("AWAY_PTS", "away_pts", to_int, required=False, nullable=True),
            Column("STATUS", "status", to_int, required=False, nullable=True),
            Column("SEASON", "season", required=False, nullable=True),
        ),
        skip=_exhibition_rows,
        order=0,
    ),
    HistoryFormat(
        name="team_game_logs",
        pattern=re.compile(r"^team_game_logs_.*\.csv(\.gz)?$"),
        table="raw.team_game_logs",
        key=("team", "game_date"),
        columns=(
            Column("TEAM_ABBREVIATION", "team", to_team),
            Column("GAME_DATE", "game_date", to_date),
            Column("MATCHUP", "matchup", to_matchup),
            Column("PTS", "pts", to_int),
            Column("TEAM_ID", "team_id", to_int, required=False, nullable=True),
            Column("TEAM_NAME", "team_name", required=False, nullable=True),
            Column("GAME_ID", "game_id", required=False, nullable=True),
            Column("WL", "wl", required=False, nullable=True),
            _stat("MIN", "minutes"),
            _stat("FGM", "fgm"),
            _stat("FGA", "fga"),
            _stat("FG3M", "fg3m"),
            _stat("FG3A", "fg3a"),
            _stat("FTM", "ftm"),
            _stat("FTA", "fta"),
            _stat("OREB", "oreb"),
            _stat("DREB", "dreb"),
            _stat("REB", "reb"),
            _stat("AST", "ast"),
            _stat("STL", "stl"),
            _stat("BLK", "blk"),
            _stat("TOV", "tov"),
            _stat("PF", "pf"),
            _stat("PLUS_MINUS", "plus_minus"),
            Column("SEASON_TYPE", "season_type", required=False, nullable=True),
        ),
        finish=_finish_team_logs,
        order=1,
    ),
    HistoryFormat(
        name="player_game_logs",
        pattern=re.compile(r"^player_game_logs_.*\.csv(\.gz)?$"),
        table="raw.player_game_logs",
        key=("player_id", "game_date"),
        columns=(
            Column("PLAYER_ID", "player_id", to_int),
            Column("PLAYER_NAME", "player_name"),
            Column("TEAM_ABBREVIATION", "team", to_team),
            Column("GAME_DATE", "game_date", to_date),
            Column("MATCHUP", "matchup", to_matchup),
            Column("WL", "wl", required=False, nullable=True),
            Column("MIN", "minutes", to_minutes),
            _stat("PTS", "pts", required=True),
            _stat("REB", "reb", required=True),
            _stat("AST", "ast", required=True),
            _stat("STL", "stl"),
            _stat("BLK", "blk"),
            _stat("TOV", "tov"),
            _pct("FG_PCT", "fg_pct"),
            _pct("FG3_PCT", "fg3_pct"),
            _pct("FT_PCT", "ft_pct"),
            _stat("PLUS_MINUS", "plus_minus"),
            Column("SEASON_TYPE", "season_type", required=False, nullable=True),
        ),
        finish=_finish_player_logs,
        order=2,
    ),
    HistoryFormat(
        name="odds_props_snapshot",
        pattern=_SNAPSHOT_NAME,
        table="raw.prop_lines",
        key=("snapshot_utc", "event_id", "player_name", "market", "bookmaker", "line"),
        columns=(
            Column("event_id", "event_id"),
            Column("player", "player_name"),
            Column("market", "market"),
            Column("line", "line", to_float),
            Column("bookmaker", "bookmaker"),
            Column("game", "game"),
            Column("game_time", "commence_utc", to_utc_timestamp),
            Column("over_odds", "over_odds", to_float, nullable=True),
            Column("under_odds", "under_odds", to_float, nullable=True),
        ),
        finish=_finish_props_snapshot,
        skip=_yes_no_market_rows,
        order=3,
    ),
    HistoryFormat(
        name="odds_pra",
        pattern=re.compile(r"^pra_.*\.csv(\.gz)?$"),
        table="raw.prop_lines",
        key=("snapshot_utc", "event_id", "player_name", "market", "bookmaker", "line"),
        columns=(
            Column("player_name", "player_name"),
            Column("event_id", "event_id"),
            Column("event_date", "event_date", to_date, required=False, nullable=True),
            Column("home_team", "home", to_team),
            Column("away_team", "away", to_team),
            Column("bookmaker", "bookmaker"),
            Column("line", "line", to_float),
            Column("timestamp", "snapshot_utc", to_utc_timestamp),
            Column("over_price", "over_odds", to_float, nullable=True),
            Column("under_price", "under_odds", to_float, nullable=True),
        ),
        finish=_finish_pra,
        order=4,
    ),
)


def recognise(path: Path) -> HistoryFormat | None:
    for fmt in FORMATS:
        if fmt.pattern.match(path.name):
            return fmt
    return None


def _is_data_file(path: Path) -> bool:
    """Files inside a folder worth looking at: not hidden, not documentation."""
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in {".md", ".txt"}


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, HistoryFormat]], list[Path]]:
    """Files to import (in dependency order) and files not recognised, from files and folders."""
    found: list[tuple[Path, HistoryFormat]] = []
    unknown: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if _is_data_file(p)) if path.is_dir() else [path]
        for candidate in candidates:
            fmt = recognise(candidate)
            if fmt is None:
                unknown.append(candidate)
            else:
                found.append((candidate, fmt))
    found.sort(key=lambda item: (item[1].order, item[0].name))
    return found, unknown


# ---------------------------------------------------------------------------- importing one file
@dataclass
class FileResult:
    path: Path
    format: str
    category: Category
    message: str
    rows_read: int = 0
    rejected: int = 0
    skipped: int = 0
    counts: MergeCounts = field(default_factory=lambda: MergeCounts(0, 0, 0))
    unchanged_file: bool = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(wh: Warehouse, path: Path, fmt: HistoryFormat, force: bool = False) -> FileResult:
    """Import one file; never raises for bad data: the result carries the category and message."""
    path = path.resolve()
    sha = _sha256(path)
    if not force and wh.scalar("SELECT sha256 FROM raw.import_files WHERE path = ?", [str(path)]) == sha:
        rows = wh.scalar("SELECT rows_read FROM raw.import_files WHERE path = ?", [str(path)])
        return FileResult(
            path, fmt.name, Category.SUCCESS, "unchanged since last import", int(rows), unchanged_file=True
        )
    try:
        raw = read_raw(path)
        total = len(raw)
        # Exact repeats of a row carry nothing new (one real export repeats whole blocks).
        skip = raw.duplicated(keep="first")
        if fmt.skip is not None and not raw.empty:
            skip |= fmt.skip(raw)
        skipped = int(skip.sum())
        raw = raw.loc[~skip]
        parsed = parse(path, raw, fmt.columns)
        parsed.skipped, parsed.rows_read = skipped, total
        if fmt.finish is not None and not parsed.frame.empty:
            fmt.finish(parsed, raw, path)
    except FileRejected as exc:
        return FileResult(path, fmt.name, Category.VALIDATION_FAILED, str(exc))
    if parsed.rows_read == 0:
        return FileResult(path, fmt.name, Category.NO_DATA, f"{path}: header only, no data rows", skipped=skipped)

    frame = parsed.frame
    duplicate = frame.duplicated(list(fmt.key), keep="first")
    parsed.reject(duplicate, raw, f"duplicate of an earlier row with the same key ({', '.join(fmt.key)})")
    frame = parsed.frame
    targets = [c for c in wh.table_columns(fmt.table) if c in frame.columns]
    data = frame[targets].copy()
    data["content_hash"] = content_hash(data, targets)
    data["source_file"] = str(path)
    data["imported_utc"] = utcnow()

    with wh.transaction():
        counts = merge_frame(wh, fmt.table, data, fmt.key)
        wh.execute("DELETE FROM raw.rejected_rows WHERE path = ?", [str(path)])
        now = utcnow()
        for row_number, reason, raw_row in parsed.rejects:
            wh.execute(
                "INSERT INTO raw.rejected_rows VALUES (?, ?, ?, ?, ?)",
                [str(path), row_number, reason, raw_json(raw_row), now],
            )
        wh.execute(
            "INSERT OR REPLACE INTO raw.import_files VALUES (?, ?, ?, ?, ?, ?)",
            [str(path), fmt.name, sha, parsed.rows_read, len(parsed.rejects), now],
        )
    return _result(path, fmt, parsed, counts)


def _result(path: Path, fmt: HistoryFormat, parsed: ParsedFile, counts: MergeCounts) -> FileResult:
    rejected = len(parsed.rejects)
    summary = (
        f"{parsed.rows_read} rows: {counts.inserted} new, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {rejected} rejected, {parsed.skipped} skipped"
    )
    category = Category.SUCCESS
    if rejected:
        category = Category.VALIDATION_FAILED
        shown = "; ".join(f"{path.name} row {n}: {why}" for n, why, _ in parsed.rejects[:3])
        more = f" (and {rejected - 3} more, see `nbaprops rejects`)" if rejected > 3 else ""
        summary += f". Rejected: {shown}{more}"
    return FileResult(
        path,
        fmt.name,
        category,
        summary,
        rows_read=parsed.rows_read,
        rejected=rejected,
        skipped=parsed.skipped,
        counts=counts,
    )


# ---------------------------------------------------------------------------- the whole import
@dataclass
class ImportReport:
    run_id: str
    files: list[FileResult]
    unrecognised: list[Path]
    pipeline: RunReport | None = None  # the rebuild of the registry and analytics after the files

    @property
    def category(self) -> Category:
        categories = [f.category for f in self.files]
        if self.pipeline is not None:
            categories.append(self.pipeline.category)
        return worst(categories)


def import_history(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    paths: Iterable[Path],
    force: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
) -> ImportReport:
    """Import every recognised file under `paths`, then rebuild the registry and analytics.

    Each file is a step in the run history (category and message), so a bad file is on record
    and the files around it still import.
    """
    paths = [Path(p) for p in paths]
    files, unknown = discover(paths)
    run_id = history.start_run("import-history", paths=[str(p) for p in paths], force=force)
    report = ImportReport(run_id, [], unknown)
    for path, fmt in files:
        step = f"import:{fmt.name}:{path.name}"
        history.start_step(run_id, step, "ingest", critical=False)
        began = time.perf_counter()
        try:
            result = import_file(wh, path, fmt, force=force)
        except Exception as exc:  # an unexpected failure of one file must not stop the others
            result = FileResult(path.resolve(), fmt.name, Category.ERROR, f"{path}: {type(exc).__name__}: {exc}")
        history.finish_step(
            run_id, step, result.category, result.counts.written, time.perf_counter() - began, result.message
        )
        report.files.append(result)
        if on_file is not None:
            on_file(result)
    span = data_span(wh)
    if span is not None:
        report.pipeline = run_pipeline(
            wh, settings, history, span[0], span[1], phases={"ingest", "analytics"}, run_id=run_id
        )
    history.finish_run(run_id, report.category)
    return report
