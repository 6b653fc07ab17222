"""ESPN parsers on the real captures (site API scoreboard and roster, box score and roster pages)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from captures import assert_fits_its_tables, body, endpoint, needs_samples, parse, payload
from nbaprops.ingest import espn as espn_ingest
from nbaprops.reference.teams import tricodes
from nbaprops.sources import espn
from nbaprops.sources.base import ParseError

pytestmark = needs_samples

SCOREBOARD = endpoint(espn, "scoreboard")
BOXSCORE = endpoint(espn, "boxscore")
ROSTER = endpoint(espn, "roster")
ROSTER_API = endpoint(espn, "roster_api")
SCOREBOARD_2024_01_15 = "espn_scoreboard_api/raw_92de7c9a.json"
BOX_HOU_PHI = "espn_game_boxscore/raw_6f34c64b.html.gz"


def test_the_scoreboard_of_2024_01_15_has_its_eleven_games_with_tricodes_and_eastern_dates() -> None:
    games = parse(SCOREBOARD, SCOREBOARD_2024_01_15, params={"dates": "20240115"}).tables["raw.espn_games"]
    assert len(games) == 11 and (games["status"] == "STATUS_FINAL").all()
    assert (games["game_date"] == date(2024, 1, 15)).all()  # five of them start after midnight UTC
    assert (pd.to_datetime(games["start_utc"]).dt.date == date(2024, 1, 16)).sum() == 5
    # ESPN's own codes (NY, GS, SA, UTAH, WSH, NO) become NBA tricodes
    assert set(games["home"]) | set(games["away"]) <= tricodes()
    by_id = games.set_index("espn_game_id")
    assert by_id.loc["401585185", ["home", "away", "home_pts", "away_pts"]].tolist() == ["NYK", "ORL", 94, 98]
    assert by_id.loc["401585193", ["home", "away", "home_pts", "away_pts"]].tolist() == ["LAL", "OKC", 112, 105]
    assert by_id.loc["401585190", "period"] == 5  # MIA @ BKN went to overtime


def test_the_twin_scoreboard_capture_parses_identically() -> None:
    first = parse(SCOREBOARD, SCOREBOARD_2024_01_15).tables["raw.espn_games"]
    second = parse(SCOREBOARD, "espn_scoreboard_api/raw_c0c50c83.json").tables["raw.espn_games"]
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    "capture_file", ["espn_scoreboard_api/raw_20250214.json", "handmade/espn/espn_scoreboard_empty.json"]
)
def test_a_day_without_games_is_no_data_not_an_error(capture_file: str) -> None:
    result = parse(SCOREBOARD, capture_file, params={"dates": "20250214"})
    assert result.no_data == "no NBA games on 20250214" and not result.tables


def test_handmade_scoreboards_final_and_in_progress() -> None:
    final = parse(SCOREBOARD, "handmade/espn/espn_scoreboard_raw.json").tables["raw.espn_games"].iloc[0]
    assert (final["game_date"], final["home"], final["away"], final["home_pts"]) == (
        date(2025, 1, 20),
        "LAL",
        "BOS",
        110,
    )
    live = parse(SCOREBOARD, "handmade/espn/espn_scoreboard_live.json").tables["raw.espn_games"].iloc[0]
    assert (live["status"], live["completed"], live["period"]) == ("STATUS_IN_PROGRESS", False, 2)
    assert live["game_date"] == date(2025, 1, 19)  # 02:00 UTC on the 20th is 9 pm Eastern on the 19th


def test_the_box_score_page_has_every_player_with_his_line_or_dnp_reason() -> None:
    players = parse(BOXSCORE, BOX_HOU_PHI).tables["raw.espn_boxscore_players"]
    assert len(players) == 25 and (players["espn_game_id"] == "401585183").all()
    assert (players["game_date"] == date(2024, 1, 15)).all()
    assert players.groupby("team").size().to_dict() == {"HOU": 14, "PHI": 11}
    assert players.groupby("team")["pts"].sum().to_dict() == {"HOU": 115, "PHI": 124}
    rows = players.set_index("player_name")
    embiid = rows.loc["Joel Embiid"]
    assert embiid[["minutes", "fgm", "fga", "ftm", "fta", "reb", "pts", "plus_minus"]].tolist() == [
        31,
        12,
        21,
        16,
        17,
        10,
        41,
        7,
    ]
    assert bool(embiid["starter"]) and not bool(rows.loc["Marcus Morris Sr.", "starter"])
    dnp = rows[rows["dnp_reason"].notna()]
    assert dnp["dnp_reason"].to_dict() == {
        "Reggie Bullock Jr.": "DNP-COACH'S DECISION", "Boban Marjanovic": "DNP-COACH'S DECISION",
    }  # fmt: skip
    assert dnp[["minutes", "pts"]].isna().all(axis=None)


@pytest.mark.parametrize(
    "capture_file", ["espn_game_boxscore/raw_da177814.html.gz", "espn_game_boxscore/raw_fbd5b07e.html.gz"]
)
def test_the_other_captures_of_the_same_game_give_the_same_rows(capture_file: str) -> None:
    expected = parse(BOXSCORE, BOX_HOU_PHI).tables["raw.espn_boxscore_players"]
    pd.testing.assert_frame_equal(parse(BOXSCORE, capture_file).tables["raw.espn_boxscore_players"], expected)


def test_a_box_score_in_minutes_and_seconds_and_a_rest_day() -> None:
    """The handmade ``bxscr`` fragment: 'MM:SS' minutes, no column keys (ESPN's order), DNP-REST."""
    teams = json.loads(body("handmade/espn/espn_boxscore_bxscr.json"))
    rows = espn_ingest.boxscore_rows(teams, "401766123", date(2025, 1, 20), "espn.boxscore").set_index("player_name")
    assert rows.loc["LeBron James", "minutes"] == pytest.approx(35 + 22 / 60)
    assert rows.loc["LeBron James", ["pts", "ast", "reb", "plus_minus"]].tolist() == [28, 12, 8, 15]
    assert rows.loc["Jayson Tatum", ["team", "plus_minus"]].tolist() == ["BOS", -10]
    assert rows.loc["D'Angelo Russell", "dnp_reason"] == "DNP-REST" and pd.isna(rows.loc["D'Angelo Russell", "minutes"])


def test_the_roster_page_and_the_roster_api_list_the_same_celtics() -> None:
    page = parse(ROSTER, "espn_roster/raw_bos.html.gz").tables["raw.espn_rosters"]
    api = parse(ROSTER_API, "espn_roster_api/raw_2.json").tables["raw.espn_rosters"]
    assert len(page) == 17 and (page["team"] == "BOS").all() and (page["season"] == 2024).all()
    pd.testing.assert_frame_equal(
        page.sort_values("espn_player_id", ignore_index=True), api.sort_values("espn_player_id", ignore_index=True)
    )
    tatum = page.set_index("player_name").loc["Jayson Tatum"]
    assert (tatum["espn_player_id"], tatum["jersey"], tatum["position"]) == ("4065648", "0", "SF")


# ---------------------------------------------------------------------------- malformed answers
def test_a_box_score_page_without_its_data_is_a_parse_error() -> None:
    page = "<html><head><title>Page Not Found - ESPN</title></head><body></body></html>"
    with pytest.raises(ParseError, match=r"espn\.boxscore: the page has no embedded data .*'Page Not Found - ESPN'"):
        BOXSCORE.parse(payload(BOXSCORE, page))


def test_a_box_score_line_with_a_missing_value_is_a_parse_error() -> None:
    teams = json.loads(body("handmade/espn/espn_boxscore_bxscr.json"))
    teams[0]["stats"][0]["athlts"][0]["stats"].pop()
    with pytest.raises(ParseError, match=r"espn\.boxscore: LeBron James has 13 box score values for 14 columns"):
        espn_ingest.boxscore_rows(teams, "401766123", date(2025, 1, 20), "espn.boxscore")


def test_truncated_renamed_and_html_scoreboards_are_parse_errors() -> None:
    whole = body(SCOREBOARD_2024_01_15)
    with pytest.raises(ParseError, match=r"espn\.scoreboard: truncated JSON"):
        SCOREBOARD.parse(payload(SCOREBOARD, whole[: len(whole) // 2]))
    with pytest.raises(
        ParseError, match=r"espn\.scoreboard: field 'events' is missing \(fields present: games, leagues\)"
    ):
        SCOREBOARD.parse(payload(SCOREBOARD, whole.replace(b'"events"', b'"games"')))
    with pytest.raises(ParseError, match=r"required field 'home.team.abbreviation' is missing"):
        SCOREBOARD.parse(payload(SCOREBOARD, whole.replace(b'"abbreviation"', b'"abbrev"')))
    with pytest.raises(ParseError, match=r"espn\.roster_api: expected JSON, got an HTML page"):
        ROSTER_API.parse(payload(ROSTER_API, "<!doctype html><html><title>Error</title></html>"))


@pytest.mark.parametrize(
    ("name", "capture_file"),
    [
        ("scoreboard", SCOREBOARD_2024_01_15),
        ("boxscore", BOX_HOU_PHI),
        ("roster", "espn_roster/raw_bos.html.gz"),
        ("roster_api", "espn_roster_api/raw_2.json"),
    ],
)
def test_parsed_rows_fit_their_raw_tables_and_merge_idempotently(wh, name: str, capture_file: str) -> None:
    ep = endpoint(espn, name)
    assert_fits_its_tables(wh, ep, parse(ep, capture_file))


def test_team_keys_cover_the_30_teams_in_espn_codes() -> None:
    keys = espn.request_keys(ROSTER, None, date(2025, 1, 15))  # type: ignore[arg-type]
    assert len(keys) == 30 and {k["espn_code"] for k in keys} >= {"gs", "ny", "sa", "utah", "wsh", "no"}
    assert {e.name for e in espn.select_endpoints(date(2025, 1, 15), date(2025, 1, 15))} == {
        "scoreboard",
        "boxscore",
        "roster_api",
    }


def test_requests_fill_every_template_with_espns_ids(wh) -> None:
    from captures import merge, requests_for

    merge(wh, SCOREBOARD, parse(SCOREBOARD, SCOREBOARD_2024_01_15))
    planned = requests_for(espn, wh, date(2024, 1, 15))
    assert planned["scoreboard"][0].params == {"dates": "20240115"}
    assert len(planned["boxscore"]) == 11
    assert planned["boxscore"][0].url == "https://www.espn.com/nba/boxscore/_/gameId/401585183"
    rosters = {r.url for r in planned["roster"]}
    assert "https://www.espn.com/nba/team/roster/_/name/gs" in rosters and len(rosters) == 30
    assert "https://site.api.espn.com/apis/site/v2/sports/basketball/nba/teams/2" in {
        r.url for r in planned["roster_api"]
    }
