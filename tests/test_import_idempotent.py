"""Importing the same files twice changes nothing; a corrected file changes exactly its corrections."""

from __future__ import annotations

from pathlib import Path

from conftest import DEMO_DIR
from nbaprops.config import Settings
from nbaprops.ingest.history import import_file, import_history, recognise
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse
from test_import_bad_input import real_lines, write

TABLES = (
    "raw.player_game_logs",
    "raw.team_game_logs",
    "raw.schedule",
    "raw.prop_lines",
    "ref.players",
    "ref.player_aliases",
    "analytics.games",
    "analytics.team_game_summary",
    "analytics.player_game_summary",
    "analytics.book_lines",
    "analytics.consensus_lines",
)


def fingerprint(wh: Warehouse, table: str) -> tuple[int, str]:
    """Row count and a hash of every row's content (timestamps of the import itself excluded)."""
    columns = [c for c in wh.table_columns(table) if c not in {"imported_utc", "created_utc"}]
    row = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '∅')" for c in columns)
    digest = wh.scalar(
        f"SELECT md5(string_agg(md5(concat_ws('|', {row})), ',' ORDER BY md5(concat_ws('|', {row})))) FROM {table}"
    )
    return wh.count(table), str(digest)


def test_importing_the_demo_twice_changes_nothing(demo_copy: Settings) -> None:
    with Warehouse(demo_copy.warehouse_path) as wh:
        before = {t: fingerprint(wh, t) for t in TABLES}
        assert before["raw.prop_lines"][0] > 100_000
        history = RunHistory(demo_copy.run_history_path)
        report = import_history(wh, demo_copy, history, [DEMO_DIR], force=True)  # re-read every file
        history.close()
        assert all(f.counts.inserted == 0 and f.counts.updated == 0 for f in report.files)
        assert sum(f.counts.unchanged for f in report.files) > 100_000
        after = {t: fingerprint(wh, t) for t in TABLES}
    assert after == before


def test_unchanged_files_are_recognised_without_rereading(demo_copy: Settings) -> None:
    with Warehouse(demo_copy.warehouse_path) as wh:
        history = RunHistory(demo_copy.run_history_path)
        report = import_history(wh, demo_copy, history, [DEMO_DIR])
        history.close()
    assert report.files and all(f.unchanged_file for f in report.files)


def test_a_corrected_file_updates_only_the_corrected_rows(wh: Warehouse, tmp_path: Path) -> None:
    lines = real_lines(10)
    path = write(tmp_path / "player_game_logs_fix.csv", lines)
    fmt = recognise(path)
    assert fmt is not None
    first = import_file(wh, path, fmt)
    assert (first.counts.inserted, first.counts.updated) == (10, 0)

    header = lines[0].split(",")
    row = lines[5].split(",")
    corrected_points = int(row[header.index("PTS")]) + 2
    row[header.index("PTS")] = str(corrected_points)
    lines[5] = ",".join(row)
    write(path, lines)
    second = import_file(wh, path, fmt)
    assert (second.counts.inserted, second.counts.updated, second.counts.unchanged) == (0, 1, 9)
    assert wh.count("raw.player_game_logs") == 10
    player_id = int(row[header.index("PLAYER_ID")])
    assert wh.scalar("SELECT pts FROM raw.player_game_logs WHERE player_id = ?", [player_id]) == corrected_points
