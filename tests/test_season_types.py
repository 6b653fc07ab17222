"""One season-type vocabulary, the history CSVs' own, for imported and scraped rows alike."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

from captures import endpoint, needs_samples, parse
from conftest import HISTORY_DIR, make_settings, needs_shared
from nbaprops.ingest.history import import_history
from nbaprops.ingest.records import season_type_of
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.reference.season_types import (
    SEASON_TYPES,
    canonical_season_type,
    season_type_of_game_id,
    season_type_of_season_id,
    stats_api_season_type,
)
from nbaprops.sources import nbacom
from nbaprops.warehouse.db import Warehouse

NBACOM_HISTORY = HISTORY_DIR / "nbacom"


def csv_column(path: Path, *columns: str) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [tuple(row[c] for c in columns) for row in csv.DictReader(handle)]


@needs_shared
def test_the_schedules_stage_is_the_season_type_of_the_game_id_for_every_game() -> None:
    """The 2025-26 schedule names every stage, the NBA Cup final included: that is the vocabulary."""
    rows = csv_column(NBACOM_HISTORY / "schedule_2025-26.csv", "GAME_ID", "STAGE")
    assert len(rows) == 1400
    assert all(season_type_of_game_id(game_id) == stage for game_id, stage in rows)
    assert Counter(stage for _, stage in rows) == {
        "Regular Season": 1230, "Playoffs": 85, "Preseason": 71, "All-Star": 7, "Play-In": 6, "Cup Final": 1,
    }  # fmt: skip
    assert set(SEASON_TYPES) == {stage for _, stage in rows}


@needs_shared
def test_the_game_logs_season_types_are_already_in_the_vocabulary() -> None:
    for path in sorted(NBACOM_HISTORY.glob("player_game_logs_*.csv")):
        values = {value for (value,) in csv_column(path, "SEASON_TYPE")}
        assert values == {"Regular Season", "Playoffs"}, path.name
        assert {canonical_season_type(v) for v in values} == values


def test_every_upstream_spelling_becomes_the_stored_name() -> None:
    spellings = {
        "Pre Season": "Preseason",  # the stats API's SeasonType parameter
        "PlayIn": "Play-In",  # the stats API's SeasonType parameter
        "All Star": "All-Star",
        "regular": "Regular Season",  # balldontlie's season averages (bdl_player_averages capture)
        " Playoffs ": "Playoffs",
        "NBA Cup": "Cup Final",
    }
    assert {given: canonical_season_type(given) for given in spellings} == spellings
    assert canonical_season_type("") is None and canonical_season_type(None) is None
    assert canonical_season_type("Summer League") == "Summer League"  # unknown: kept, never dropped
    assert season_type_of_season_id("22023") == "Regular Season" and season_type_of_season_id("42023") == "Playoffs"
    assert season_type_of_game_id("0062400001") == "Cup Final" and season_type_of_game_id(None) is None


def test_the_game_log_endpoints_send_the_stats_apis_spelling() -> None:
    sent = {e.name: e.params["SeasonType"] for e in nbacom.GAME_LOGS if e.name.startswith("player")}
    assert sent == {
        "player_game_log": "Regular Season",
        "player_game_log_playin": "PlayIn",
        "player_game_log_playoffs": "Playoffs",
    }
    assert stats_api_season_type("Preseason") == "Pre Season"
    april = {e.name for e in nbacom.select_endpoints(date(2025, 4, 15), date(2025, 4, 15))}
    assert {"player_game_log", "player_game_log_playin", "player_game_log_playoffs"} <= april


@needs_samples
def test_the_scraped_schedule_names_the_cup_final_as_the_history_does() -> None:
    games = parse(endpoint(nbacom, "schedule"), "nbac_schedule_api/raw_80cb1fd6.json.gz").tables["raw.nbac_schedule"]
    cup = games.set_index("game_id").loc["0062400001"]  # the 2024 Emirates NBA Cup championship
    assert (cup["season_type"], cup["game_label"], cup["home"], cup["away"]) == (
        "Cup Final", "Emirates NBA Cup", "OKC", "MIL",
    )  # fmt: skip
    assert set(games["season_type"]) == set(SEASON_TYPES)
    assert season_type_of(games["game_id"]).tolist() == games["season_type"].tolist()


@needs_shared
def test_imported_logs_store_the_same_names(tmp_path: Path) -> None:
    """Team logs without SEASON_TYPE take it from the game id; player logs keep the file's names."""
    settings = make_settings(tmp_path / "home")
    settings.ensure_dirs()
    files = [NBACOM_HISTORY / "team_game_logs_2023-24.csv", NBACOM_HISTORY / "player_game_logs_2023-24.csv"]
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        import_history(wh, settings, history, files)
        history.close()
        teams = wh.df("SELECT season_type, count(*) AS n FROM raw.team_game_logs GROUP BY 1")
        players = wh.df("SELECT season_type, count(*) AS n FROM raw.player_game_logs GROUP BY 1 ORDER BY 1")
    assert teams.values.tolist() == [["Regular Season", 2460]]  # 2460 ids 002..., SEASON_ID 22023
    in_file = Counter(value for (value,) in csv_column(files[1], "SEASON_TYPE"))
    assert players.values.tolist() == [["Playoffs", in_file["Playoffs"]], ["Regular Season", in_file["Regular Season"]]]
    assert (in_file["Playoffs"], in_file["Regular Season"]) == (1685, 26401)
