"""balldontlie parsers on the real captures and the handmade answers (empty, paginated, reshaped)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from captures import assert_fits_its_tables, body, capture, endpoint, needs_samples, parse, payload
from nbaprops.ingest.balldontlie import BDL_TEAM_IDS
from nbaprops.sources import balldontlie
from nbaprops.sources.base import ParseError, Request

pytestmark = needs_samples

GAMES = endpoint(balldontlie, "games")
BOX_SCORES = endpoint(balldontlie, "box_scores")
STATS = endpoint(balldontlie, "stats")
PLAYERS = endpoint(balldontlie, "players")
INJURIES = endpoint(balldontlie, "injuries")
BOX_2026_01_09 = "bdl_box_scores/raw_71b3c5b2.json"
BOX_2024_01_15 = "bdl_box_scores/raw_7a649e12.json"


def test_the_games_of_2025_02_20() -> None:
    games = parse(GAMES, "bdl_games/raw_278cb9ed.json").tables["raw.bdl_games"]
    assert len(games) == 9 and (games["game_date"] == date(2025, 2, 20)).all() and (games["season"] == 2024).all()
    den = games.set_index("bdl_game_id").loc[15908525]
    assert den[["home", "away", "home_pts", "away_pts"]].tolist() == ["DEN", "CHA", 129, 115]


def test_a_single_game_answer_is_read_like_a_list() -> None:
    game = parse(GAMES, "bdl_game_detail/raw_67b124b3.json").tables["raw.bdl_games"].iloc[0]
    assert (game["home"], game["away"], game["home_pts"], game["away_pts"]) == ("OKC", "IND", 103, 91)
    assert bool(game["postseason"]) and game["game_date"] == date(2025, 6, 22)


def test_an_empty_answer_is_no_data() -> None:
    for ep, capture_file in (
        (GAMES, "handmade/balldontlie/bdl_games_empty.json"),
        (BOX_SCORES, "bdl_box_scores/raw_d62cc934.json"),
    ):
        result = parse(ep, capture_file)
        assert result.no_data and not result.tables


def test_a_paginated_answer_leads_to_the_next_page_and_the_last_page_ends() -> None:
    paged = capture(GAMES, "handmade/balldontlie/bdl_games_paginated.json", params={"dates[]": "2025-01-20"})
    request = Request(GAMES, GAMES.url, {"dates[]": "2025-01-20", "per_page": "100"})
    following = balldontlie.next_page(request, paged)
    assert following is not None and following.params == {
        "dates[]": "2025-01-20",
        "per_page": "100",
        "cursor": "1087393",
    }
    assert len(GAMES.parse(paged).tables["raw.bdl_games"]) == 1
    last = capture(GAMES, "handmade/balldontlie/bdl_games_raw.json")
    assert balldontlie.next_page(request, last) is None
    injuries = capture(INJURIES, "bdl_injuries/raw_49fd60fb.json")  # a real first page of 100
    assert (
        balldontlie.next_page(Request(INJURIES, INJURIES.url, {"per_page": "100"}), injuries).params["cursor"]
        == "4082934"
    )


def test_box_scores_of_a_whole_day_with_every_players_line() -> None:
    lines = parse(BOX_SCORES, BOX_2026_01_09).tables["raw.bdl_player_boxscores"]
    assert len(lines) == 347 and lines["bdl_game_id"].nunique() == 10
    brown = lines.set_index("player_name").loc["Jaylen Brown"]
    assert brown[["team", "minutes", "pts", "reb", "ast", "plus_minus"]].tolist() == ["BOS", 37.0, 25, 8, 7, 17]
    assert (lines["minutes"] == 0).sum() == 139  # '00': on the roster, did not get in
    assert lines.groupby("bdl_game_id")["team"].nunique().eq(2).all()


def test_older_box_scores_without_game_ids_still_key_on_date_team_and_player() -> None:
    lines = parse(BOX_SCORES, BOX_2024_01_15).tables["raw.bdl_player_boxscores"]
    assert len(lines) == 384 and lines["bdl_game_id"].isna().all() and lines["plus_minus"].isna().all()
    embiid = lines.set_index("player_name").loc["Joel Embiid"]
    assert embiid[["team", "minutes", "pts", "reb"]].tolist() == ["PHI", 31.0, 41, 10]
    assert lines[lines["team"] == "PHI"]["pts"].sum() == 124


def test_player_lines_from_stats_and_handmade_minutes_and_seconds() -> None:
    g7 = parse(STATS, "bdl_player_box_scores/raw_1db4c01e.json").tables["raw.bdl_player_boxscores"]
    assert len(g7) == 30 and (g7["bdl_game_id"] == 18444564).all()
    assert g7.groupby("team")["pts"].sum().to_dict() == {"IND": 91, "OKC": 103}
    handmade = parse(STATS, "handmade/balldontlie/bdl_box_scores_raw.json").tables["raw.bdl_player_boxscores"]
    assert handmade.set_index("player_name")["minutes"].round(3).to_dict() == {
        "LeBron James": 35.367,
        "Anthony Davis": 32.75,
    }


def test_players_with_teams_and_suffixes_as_printed() -> None:
    players = parse(PLAYERS, "bdl_players/raw_e640d907.json").tables["raw.bdl_players"].set_index("bdl_player_id")
    assert len(players) == 49
    assert players.loc[146, ["player_name", "team"]].tolist() == ["James Ennis III", "DEN"]
    assert players.loc[46390803, "player_name"] == "Gene James" and players.loc[46390803, "team"] is None  # 'BAL'
    active = parse(PLAYERS, "bdl_active_players/raw_ac3e7bd3.json").tables["raw.bdl_players"]
    assert len(active) == 100 and active["team"].notna().all()


def test_injuries_are_a_snapshot_of_the_fetch_day_with_teams_from_balldontlie_ids() -> None:
    injuries = parse(INJURIES, "bdl_injuries/raw_49fd60fb.json").tables["raw.bdl_injuries"]
    assert len(injuries) == 100 and (injuries["as_of_date"] == date(2025, 1, 16)).all()
    assert injuries["status"].value_counts().to_dict() == {"Day-To-Day": 91, "Out": 9}
    tatum = injuries.set_index("player_name").loc["Jayson Tatum"]
    assert tatum[["team", "status", "return_date"]].tolist() == ["BOS", "Out", "Feb 1"]


def test_an_injury_list_without_the_player_object_is_rejected() -> None:
    with pytest.raises(ParseError, match=r"balldontlie\.injuries: required field 'player\.id' is missing in record 0"):
        parse(INJURIES, "handmade/balldontlie/bdl_injuries_raw.json")


def test_the_team_id_table_matches_balldontlies_own_team_list() -> None:
    teams = json.loads(body("bdl_teams/raw_cf664c89.json"))["data"]
    assert {t["id"]: t["abbreviation"] for t in teams if t["id"] <= 30} == BDL_TEAM_IDS


def test_truncated_html_and_renamed_answers_are_parse_errors() -> None:
    whole = body(BOX_2024_01_15)
    with pytest.raises(ParseError, match=r"balldontlie\.box_scores: truncated JSON"):
        BOX_SCORES.parse(payload(BOX_SCORES, whole[:1000]))
    with pytest.raises(ParseError, match=r"balldontlie\.games: expected JSON, got an HTML page"):
        GAMES.parse(payload(GAMES, "<html><head><title>502 Bad Gateway</title></head></html>", status=502))
    with pytest.raises(ParseError, match=r"balldontlie\.box_scores: required field 'turnover' is missing"):
        BOX_SCORES.parse(payload(BOX_SCORES, whole.replace(b'"turnover"', b'"tov"')))
    with pytest.raises(ParseError, match=r"balldontlie\.games: field 'data' is missing"):
        GAMES.parse(payload(GAMES, '{"games": [], "meta": {}}'))


@pytest.mark.parametrize(
    ("name", "capture_file"),
    [
        ("games", "bdl_games/raw_278cb9ed.json"),
        ("box_scores", BOX_2026_01_09),
        ("stats", "bdl_player_box_scores/raw_1db4c01e.json"),
        ("players", "bdl_active_players/raw_ac3e7bd3.json"),
        ("injuries", "bdl_injuries/raw_49fd60fb.json"),
    ],
)
def test_parsed_rows_fit_their_raw_tables_and_merge_idempotently(wh, name: str, capture_file: str) -> None:
    ep = endpoint(balldontlie, name)
    assert_fits_its_tables(wh, ep, parse(ep, capture_file))


def test_the_key_travels_in_the_authorization_header() -> None:
    for ep in balldontlie.ENDPOINTS:
        assert (ep.api_key_setting, ep.api_key_param) == ("balldontlie_api_key", "header:Authorization")
    assert "stats" not in {e.name for e in balldontlie.select_endpoints(date(2025, 1, 15), date(2025, 1, 15))}
