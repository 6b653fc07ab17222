"""Bad input gets a clear error naming the file and row, a failure category, and loses nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conftest import DEMO_DIR
from nbaprops.config import Settings
from nbaprops.ingest.history import import_file, import_history, recognise
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.warehouse.db import Warehouse

REAL_LOGS = DEMO_DIR / "nbacom" / "player_game_logs_2025-26.csv.gz"


def real_lines(n: int) -> list[str]:
    """The header and the first n data rows of a real NBA.com player game log."""
    with gzip.open(REAL_LOGS, "rt", encoding="utf-8") as handle:
        return [next(handle).rstrip("\n") for _ in range(n + 1)]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(wh: Warehouse, path: Path):
    fmt = recognise(path)
    assert fmt is not None
    return import_file(wh, path, fmt)


def test_missing_column_rejects_the_file_and_names_the_column(wh: Warehouse, tmp_path: Path) -> None:
    lines = real_lines(5)
    header = lines[0].split(",")
    drop = header.index("PTS")
    cut = [",".join(v for i, v in enumerate(line.split(",")) if i != drop) for line in lines]
    result = _import(wh, write(tmp_path / "player_game_logs_bad.csv", cut))
    assert result.category is Category.VALIDATION_FAILED
    assert "player_game_logs_bad.csv" in result.message
    assert "missing required column(s) PTS" in result.message
    assert wh.count("raw.player_game_logs") == 0


def test_garbage_number_rejects_that_row_only_and_names_file_row_and_value(wh: Warehouse, tmp_path: Path) -> None:
    lines = real_lines(10)
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("PTS")] = "twelve"
    lines[3] = ",".join(row)
    result = _import(wh, write(tmp_path / "player_game_logs_garbage.csv", lines))
    assert result.category is Category.VALIDATION_FAILED
    assert "player_game_logs_garbage.csv row 3: column PTS: 'twelve' is not a whole number" in result.message
    assert wh.count("raw.player_game_logs") == 9
    rejected = wh.execute("SELECT row_number, reason, raw_row FROM raw.rejected_rows").fetchall()
    assert len(rejected) == 1 and rejected[0][0] == 3 and "twelve" in rejected[0][2]


def test_unknown_team_is_rejected_with_the_value(wh: Warehouse, tmp_path: Path) -> None:
    lines = real_lines(4)
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index("TEAM_ABBREVIATION")] = "XYZ"
    lines[2] = ",".join(row)
    result = _import(wh, write(tmp_path / "player_game_logs_team.csv", lines))
    assert result.category is Category.VALIDATION_FAILED
    assert "row 2: column TEAM_ABBREVIATION: 'XYZ' is not a known NBA team" in result.message
    assert wh.count("raw.player_game_logs") == 3


def test_empty_file_is_a_clear_error(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "player_game_logs_empty.csv"
    path.write_bytes(b"")
    result = _import(wh, path)
    assert result.category is Category.VALIDATION_FAILED
    assert "player_game_logs_empty.csv: the file is empty" in result.message


def test_header_only_file_is_no_data_not_an_error(wh: Warehouse, tmp_path: Path) -> None:
    result = _import(wh, write(tmp_path / "player_game_logs_header.csv", real_lines(0)))
    assert result.category is Category.NO_DATA


def test_binary_garbage_is_a_clear_error(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "team_game_logs_binary.csv"
    path.write_bytes(bytes(range(256)) * 4)
    result = _import(wh, path)
    assert result.category is Category.VALIDATION_FAILED
    assert "team_game_logs_binary.csv" in result.message


def test_bad_files_lose_nothing_already_imported_and_are_on_record(
    wh: Warehouse, settings: Settings, history: RunHistory, tmp_path: Path
) -> None:
    good = write(tmp_path / "player_game_logs_good.csv", real_lines(40))
    import_history(wh, settings, history, [good])
    before = wh.df("SELECT * FROM raw.player_game_logs ORDER BY player_id, game_date")
    assert len(before) == 40

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    lines = real_lines(3)
    write(bad_dir / "player_game_logs_nocol.csv", [",".join(line.split(",")[:5]) for line in lines])
    (bad_dir / "schedule_empty.csv").write_bytes(b"")
    report = import_history(wh, settings, history, [bad_dir])

    after = wh.df("SELECT * FROM raw.player_game_logs ORDER BY player_id, game_date")
    assert after.drop(columns=["imported_utc"]).equals(before.drop(columns=["imported_utc"]))
    assert report.category is Category.VALIDATION_FAILED
    steps = {s["step"]: s for s in history.steps(report.run_id)}
    assert steps["import:player_game_logs:player_game_logs_nocol.csv"]["category"] == "validation_failed"
    assert "missing required column(s)" in steps["import:player_game_logs:player_game_logs_nocol.csv"]["message"]
    assert steps["import:schedule:schedule_empty.csv"]["category"] == "validation_failed"


@pytest.mark.parametrize("name", ["notes.csv", "player_logs.csv", "2025_odds.csv"])
def test_unrecognised_names_are_reported_not_guessed(name: str) -> None:
    assert recognise(Path(name)) is None
