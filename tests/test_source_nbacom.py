"""NBA.com parsers on the real captures: stats (resultSets and v3), CDN, nba.com pages and PDFs."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from captures import (
    MEM_CLE_LINES,
    assert_fits_its_tables,
    body,
    endpoint,
    merge,
    needs_samples,
    parse,
    payload,
    requests_for,
)
from conftest import HISTORY_DIR
from nbaprops.ingest import nbacom_pdf
from nbaprops.sources import nbacom
from nbaprops.sources.base import ParseError

pytestmark = needs_samples

SCHEDULE = endpoint(nbacom, "schedule")
SCHEDULE_CDN = endpoint(nbacom, "schedule_cdn")
PLAYER_LOG = endpoint(nbacom, "player_game_log")
TEAM_LOG = endpoint(nbacom, "team_game_log")
BOXSCORE = endpoint(nbacom, "boxscore")
SCOREBOARD = endpoint(nbacom, "scoreboard")
PLAYER_INDEX = endpoint(nbacom, "player_index")
ROSTER = endpoint(nbacom, "roster")
MOVEMENT = endpoint(nbacom, "player_movement")
REFEREES = endpoint(nbacom, "referee_assignments")
PBP = endpoint(nbacom, "play_by_play")
GAMEBOOK = endpoint(nbacom, "gamebook_pdf")
INJURIES = endpoint(nbacom, "injury_report")

SCHEDULE_2024_25 = "nbac_schedule_api/raw_80cb1fd6.json.gz"
BOX_NYK_PHI = "nbac_team_boxscore/raw_12f99055.json"
INJURY_REPORT = "nbac_injury_report/raw_f4391904.pdf"


# ---------------------------------------------------------------------------- schedule
def test_the_2024_25_schedule_has_its_1400_games_with_results() -> None:
    games = parse(SCHEDULE, SCHEDULE_2024_25).tables["raw.nbac_schedule"]
    assert len(games) == 1400 and games["game_id"].is_unique
    assert (games["status"] == 3).all() and games[["home_pts", "away_pts"]].notna().all(axis=None)
    assert games["season_type"].value_counts().to_dict() == {
        "Regular Season": 1230, "Playoffs": 84, "Preseason": 73, "All-Star": 6, "Play-In": 6, "Cup Final": 1,
    }  # fmt: skip
    final = games.set_index("game_id").loc["0042400407"]  # NBA Finals game 7
    assert (final["game_date"], final["home"], final["away"]) == (date(2025, 6, 22), "OKC", "IND")
    assert (final["home_pts"], final["away_pts"], final["game_sub_label"]) == (103, 91, "Game 7")
    # Dates are US/Eastern: the 8 pm ET tip-off of game 7 is 00:00 UTC the next day.
    assert final["start_utc"] == pd.Timestamp("2025-06-23 00:00")
    assert (pd.to_datetime(games["start_utc"]).dt.date != games["game_date"]).sum() > 1000


def test_the_cdn_schedule_keeps_unplayed_games_without_scores() -> None:
    games = parse(SCHEDULE_CDN, "nbac_schedule_cdn/raw_68953816.json").tables["raw.nbac_schedule"]
    assert len(games) == 13 and (games["status"] == 1).all()
    assert games[["home_pts", "away_pts"]].isna().all(axis=None)  # the feed says 0 before tip-off
    melbourne = games.set_index("game_id").loc["0012500009"]
    assert (melbourne["home"], melbourne["away"], melbourne["away_team_id"]) == ("NOP", "MEL", 15016)


def test_the_handmade_schedule_in_the_short_date_format_reads_the_same() -> None:
    games = parse(SCHEDULE, "handmade/nbacom/nbac_schedule_api_raw.json").tables["raw.nbac_schedule"]
    row = games.iloc[0]
    assert (row["game_id"], row["game_date"], row["home"], row["away"]) == (
        "0022400612",
        date(2025, 1, 20),
        "LAL",
        "BOS",
    )
    assert (row["home_pts"], row["away_pts"], row["season"]) == (110, 105, 2024)


def test_a_schedule_without_games_is_no_data() -> None:
    doc = json.loads(body("nbac_schedule_cdn/raw_68953816.json"))
    doc["leagueSchedule"]["gameDates"] = []
    result = SCHEDULE_CDN.parse(payload(SCHEDULE_CDN, json.dumps(doc)))
    assert result.no_data and not result.tables


# ---------------------------------------------------------------------------- league game log
def test_the_player_game_log_of_2025_03_15_has_157_lines() -> None:
    logs = parse(PLAYER_LOG, "nbac_player_boxscore/raw_2ad17718.json").tables["raw.nbac_player_game_logs"]
    assert len(logs) == 157 and logs["game_id"].nunique() == 8 and logs["team"].nunique() == 16
    assert (logs["game_date"] == date(2025, 3, 15)).all() and (logs["season"] == 2024).all()
    curry = logs.set_index("player_name").loc["Stephen Curry"]
    assert (curry["player_id"], curry["pts"], curry["minutes"], curry["matchup"]) == (201939, 28, 35.0, "GSW vs. NYK")
    mcconnell = logs.set_index("player_name").loc["T.J. McConnell"]
    assert pd.isna(mcconnell["ft_pct"]) and mcconnell["plus_minus"] == -34  # no free throws: no percentage
    assert logs["pts"].max() == 48


@pytest.mark.skipif(not HISTORY_DIR.exists(), reason="../shared/data/history is not beside the checkout")
def test_the_team_game_log_reads_the_same_columns_nba_com_exports() -> None:
    """The history's team log is NBA.com's leaguegamelog (T) export: served in its resultSets shape."""
    csv = pd.read_csv(HISTORY_DIR / "nbacom" / "team_game_logs_2024-25.csv", dtype={"GAME_ID": str, "SEASON_ID": str})
    day = csv[csv["GAME_DATE"] == "2025-03-15"]
    rows = json.loads(day.to_json(orient="values"))
    answer = {
        "resource": "leaguegamelog",
        "resultSets": [{"name": "LeagueGameLog", "headers": list(day), "rowSet": rows}],
    }
    logs = TEAM_LOG.parse(payload(TEAM_LOG, json.dumps(answer))).tables["raw.nbac_team_game_logs"]
    assert len(logs) == 16 and logs["game_id"].nunique() == 8
    players = parse(PLAYER_LOG, "nbac_player_boxscore/raw_2ad17718.json").tables["raw.nbac_player_game_logs"]
    assert logs.set_index("team")["pts"].to_dict() == players.groupby("team")["pts"].sum().to_dict()


def test_an_empty_game_log_is_no_data() -> None:
    doc = json.loads(body("nbac_player_boxscore/raw_2ad17718.json"))
    doc["resultSets"][0]["rowSet"] = []
    assert PLAYER_LOG.parse(payload(PLAYER_LOG, json.dumps(doc))).no_data


# ---------------------------------------------------------------------------- box score
def test_the_nyk_at_phi_box_score_has_every_player_and_why_some_did_not_play() -> None:
    tables = parse(BOXSCORE, BOX_NYK_PHI).tables
    players = tables["raw.nbac_boxscore_players"].set_index("player_name")
    assert len(players) == 25 and players.groupby("team").size().to_dict() == {"NYK": 13, "PHI": 12}
    assert players.loc["Ariel Hukporti", "comment"] == "DNP - Coach's Decision"
    assert players.loc["Andre Drummond", "comment"] == "DND - Injury/Illness"
    assert players["minutes"].isna().sum() == 8 and players.loc["Andre Drummond", ["pts", "reb"]].isna().all()
    assert players.loc["Josh Hart", "minutes"] == pytest.approx(49 + 25 / 60)  # '49:25', in overtime
    assert (players.loc["Jalen Brunson", "pts"], players.loc["Tyrese Maxey", "pts"]) == (38, 33)
    teams = tables["raw.nbac_boxscore_teams"].set_index("team")
    assert teams["pts"].to_dict() == {"PHI": 119, "NYK": 125} and (teams["minutes"] == 265.0).all()
    assert players.groupby("team")["pts"].sum().to_dict() == {"NYK": 125, "PHI": 119}


def _as_v3(answer: dict) -> dict:
    """The same game in the v3 layout (nested teams, camelCase, ISO-duration minutes)."""
    names = {
        "FGM": "fieldGoalsMade", "FGA": "fieldGoalsAttempted", "FG_PCT": "fieldGoalsPercentage",
        "FG3M": "threePointersMade", "FG3A": "threePointersAttempted", "FG3_PCT": "threePointersPercentage",
        "FTM": "freeThrowsMade", "FTA": "freeThrowsAttempted", "FT_PCT": "freeThrowsPercentage",
        "OREB": "reboundsOffensive", "DREB": "reboundsDefensive", "REB": "reboundsTotal", "AST": "assists",
        "STL": "steals", "BLK": "blocks", "TO": "turnovers", "PF": "foulsPersonal", "PTS": "points",
        "PLUS_MINUS": "plusMinusPoints",
    }  # fmt: skip
    sets = {s["name"]: [dict(zip(s["headers"], r, strict=True)) for r in s["rowSet"]] for s in answer["resultSets"]}

    def duration(clock: str | None) -> str:
        if not clock:
            return ""
        mins, secs = clock.split(":")
        return f"PT{int(mins):02d}M{int(secs):02d}.00S"

    def stats(row: dict) -> dict:
        return {"minutes": duration(row["MIN"]), **{v: row[k] or 0 for k, v in names.items()}}

    def side(team: dict) -> dict:
        players = [p for p in sets["PlayerStats"] if p["TEAM_ID"] == team["TEAM_ID"]]
        return {
            "teamId": team["TEAM_ID"], "teamCity": team["TEAM_CITY"], "teamName": team["TEAM_NAME"],
            "teamTricode": team["TEAM_ABBREVIATION"], "statistics": stats(team),
            "players": [
                {
                    "personId": p["PLAYER_ID"], "firstName": p["PLAYER_NAME"].split(" ", 1)[0],
                    "familyName": p["PLAYER_NAME"].split(" ", 1)[1], "position": p["START_POSITION"],
                    "comment": p["COMMENT"], "statistics": stats(p),
                }
                for p in players
            ],
        }  # fmt: skip

    home, away = sets["TeamStats"]
    return {
        "meta": {},
        "boxScoreTraditional": {"gameId": home["GAME_ID"], "homeTeam": side(home), "awayTeam": side(away)},
    }


def test_the_v3_layout_with_iso_duration_minutes_gives_the_same_rows() -> None:
    v2 = parse(BOXSCORE, BOX_NYK_PHI).tables
    v3 = BOXSCORE.parse(payload(BOXSCORE, json.dumps(_as_v3(json.loads(body(BOX_NYK_PHI)))))).tables
    for table in v2:
        expected = v2[table].sort_values(list(BOXSCORE.tables[table])).reset_index(drop=True)
        got = v3[table].sort_values(list(BOXSCORE.tables[table])).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False)


def test_a_box_score_where_two_players_share_an_id_is_rejected() -> None:
    with pytest.raises(ParseError, match=r"nbacom\.boxscore: 2 rows share one key .*1628369"):
        parse(BOXSCORE, "handmade/nbacom/nbac_player_boxscore_raw.json")


# ---------------------------------------------------------------------------- scoreboard
@pytest.mark.parametrize(
    ("capture_file", "day", "overtime_game", "overtime_points"),
    [
        ("nbac_scoreboard_v2/raw_055ff78d.json", date(2024, 1, 15), "0022300562", {"MIA": 8, "BKN": 7}),
        ("nbac_scoreboard_v2/raw_06a65a50.json", date(2025, 1, 15), "0022400561", {"NYK": 16, "PHI": 10}),
    ],
)
def test_the_scoreboard_lists_the_days_games_and_points_by_quarter(
    capture_file: str, day: date, overtime_game: str, overtime_points: dict[str, int]
) -> None:
    tables = parse(SCOREBOARD, capture_file).tables
    games, lines = tables["raw.nbac_scoreboard_games"], tables["raw.nbac_scoreboard_line_scores"]
    assert len(games) == 11 and len(lines) == 22 and (games["game_date"] == day).all()
    assert (games["status"] == 3).all()
    overtime = lines[lines["game_id"] == overtime_game].set_index("team")
    assert overtime["ot_pts"].to_dict() == overtime_points
    summed = lines[["q1", "q2", "q3", "q4", "ot_pts"]].sum(axis=1)
    assert (summed == lines["pts"]).all()


def test_the_scoreboard_names_home_and_away_from_the_game_code() -> None:
    games = parse(SCOREBOARD, "nbac_scoreboard_v2/raw_055ff78d.json").tables["raw.nbac_scoreboard_games"]
    okc_lal = games.set_index("game_id").loc["0022300565"]
    assert (okc_lal["away"], okc_lal["home"], okc_lal["home_team_id"]) == ("OKC", "LAL", 1610612747)


# ---------------------------------------------------------------------------- players, rosters, transactions
def test_the_player_index_lists_594_players_with_nba_ids() -> None:
    players = parse(PLAYER_INDEX, "nbac_player_list/raw_7af00b51.json").tables["raw.nbac_players"]
    assert len(players) == 594 and players["player_id"].is_unique
    achiuwa = players.set_index("player_id").loc[1630173]
    assert (achiuwa["player_name"], achiuwa["team"], achiuwa["draft_number"]) == ("Precious Achiuwa", "NYK", 20)


def test_the_nba_com_team_page_yields_the_warriors_roster() -> None:
    roster = parse(ROSTER, "nbac_roster/raw_79002ff4.html.gz").tables["raw.nbac_rosters"]
    assert len(roster) == 18 and (roster["team"] == "GSW").all() and (roster["season"] == 2025).all()
    richard = roster.set_index("player_id").loc[1642954]
    assert (richard["player_name"], richard["birth_date"]) == ("Will Richard", date(2002, 12, 24))


def test_player_movement_keeps_every_transaction_including_traded_picks() -> None:
    moves = parse(MOVEMENT, "nbac_player_movement/raw_1ecdb80d.json.gz").tables["raw.nbac_player_movement"]
    assert len(moves) == 8730
    assert moves["transaction_type"].value_counts().to_dict() == {
        "Signing": 4156, "Waive": 2773, "Trade": 1619, "ContractConverted": 115, "AwardOnWaivers": 67,
    }  # fmt: skip
    assert ((moves["transaction_type"] == "Trade") & (moves["player_id"] == 0)).sum() == 466
    luka = moves[(moves["player_id"] == 1629029) & (moves["transaction_type"] == "Trade")].iloc[0]
    assert (luka["team"], luka["additional_sort"], luka["transaction_date"]) == ("LAL", 1610612742, date(2025, 2, 2))


def test_referee_assignments_give_each_official_of_each_nba_game() -> None:
    refs = parse(REFEREES, "nbac_referee_assignments/raw_718e62b3.json").tables["raw.nbac_referee_assignments"]
    assert len(refs) == 24 and refs["game_id"].nunique() == 8  # G League games are left out
    crew_chief = refs.set_index(["game_id", "slot"]).loc[("0022400509", 1)]
    assert (crew_chief["official_name"], crew_chief["home"], crew_chief["away"]) == ("John Goble", "CLE", "OKC")


# ---------------------------------------------------------------------------- play-by-play
def test_play_by_play_of_nyk_at_phi_runs_into_overtime() -> None:
    actions = parse(PBP, "nbac_play_by_play/raw_416e8d5c.json.gz").tables["raw.nbac_play_by_play"]
    assert len(actions) == 506 and (actions["game_id"] == "0022400561").all()
    assert actions["period_type"].value_counts().to_dict() == {"REGULAR": 466, "OVERTIME": 40}
    last = actions.iloc[-1]
    assert (last["action_type"], last["score_home"], last["score_away"]) == ("game", 119, 125)
    assert actions.iloc[0]["clock_seconds"] == 720.0  # 'PT12M00.00S'


def test_play_by_play_of_the_other_capture() -> None:
    actions = parse(PBP, "nbac_play_by_play/raw_14ecf360.json.gz").tables["raw.nbac_play_by_play"]
    assert len(actions) == 571 and (actions["game_id"] == "0022400500").all()
    zubac = actions.set_index("action_number").loc[7]
    assert (zubac["player_name"], zubac["shot_result"], zubac["clock_seconds"]) == ("I. Zubac", "Missed", 702.0)


# ---------------------------------------------------------------------------- injury report (PDF)
def test_the_injury_report_yields_one_row_per_listed_player() -> None:
    tables = parse(INJURIES, INJURY_REPORT).tables
    players = tables["raw.nbac_injury_report"]
    assert len(players) == 14
    assert (players["report_utc"] == datetime(2024, 1, 4, 17, 30)).all()  # '01/04/24 12:30 PM' Eastern
    assert players["status"].value_counts().to_dict() == {"Out": 10, "Questionable": 2, "Doubtful": 1, "Probable": 1}
    assert players.groupby("team").size().to_dict() == {"SAS": 8, "DEN": 4, "GSW": 2}
    rows = players.set_index("player_name")
    assert rows.loc["Charles Bassey", ["status", "reason"]].tolist() == ["Out", "Injury/Illness - Left Acl; Tear"]
    assert rows.loc["Malaki Branham", ["status", "matchup", "tipoff_et"]].tolist() == ["Doubtful", "MIL@SAS", "19:30"]
    assert rows.loc["Draymond Green", ["status", "reason"]].tolist() == ["Out", "League Suspension"]
    assert rows.loc["Reggie Jackson", ["team", "status", "tipoff_et"]].tolist() == ["DEN", "Probable", "22:00"]
    # A reason wrapped over two lines around the player's row, and names turned from 'Last, First'.
    assert rows.loc["Doug McDermott", "reason"] == "Injury/Illness - Right Forearm; Contusion"
    assert rows.loc["David Duke Jr.", "player_name_raw"] == "Duke Jr., David"
    assert rows.loc["Gary Payton II", "reason"] == "Injury/Illness - Left Hamstring; Strain"


def test_the_injury_report_says_which_teams_have_not_submitted() -> None:
    teams = parse(INJURIES, INJURY_REPORT).tables["raw.nbac_injury_report_teams"]
    assert len(teams) == 32 and teams["matchup"].nunique() == 16  # across all three pages
    submitted = teams[teams["submitted"]].set_index("team")["players"].to_dict()
    assert submitted == {"SAS": 8, "DEN": 4, "GSW": 2}
    assert teams.set_index(["game_date", "team"]).loc[(date(2024, 1, 5), "LAL"), "matchup"] == "MEM@LAL"


# ---------------------------------------------------------------------------- game book (PDF)
@pytest.mark.parametrize("capture_file", ["nbac_gamebook_pdf/raw_0173bcd1.pdf", "nbac_gamebook_pdf/raw_d8072441.pdf"])
def test_the_damaged_game_book_captures_are_rejected_with_the_reason(capture_file: str) -> None:
    """Both stored game books lost bytes of their compressed page (the stream is shorter than its
    declared length), so there is no text to read: a clear ParseError, not an empty game."""
    with pytest.raises(ParseError, match=r"nbacom\.gamebook_pdf: the PDF .* has no extractable text"):
        parse(GAMEBOOK, capture_file, url="https://statsdmz.nba.com/pdfs/20240410/20240410_MEMCLE.pdf")


def test_game_book_lines_give_players_who_did_not_play_and_inactive_lists_with_reasons() -> None:
    rows = nbacom_pdf.gamebook_rows(MEM_CLE_LINES, "20240410/MEMCLE", "nbacom.gamebook_pdf")
    assert (rows["game_date"] == date(2024, 4, 10)).all()
    book = rows.set_index("player_name")
    jackson = book.loc["GG Jackson"]
    assert (jackson["team"], jackson["status"], jackson["minutes"]) == ("MEM", "active", pytest.approx(35.7))
    assert jackson[["fgm", "fga", "fg3m", "fg3a", "reb", "ast", "plus_minus", "pts"]].tolist() == [
        7,
        21,
        2,
        10,
        2,
        2,
        -13,
        22,
    ]
    assert book.loc["Santi Aldama", ["team", "status", "reason"]].tolist() == [
        "MEM", "nwt", "NWT - Injury/Illness - Right Foot; Strain",
    ]  # fmt: skip
    assert book.loc["Marcus Morris Sr.", ["team", "status", "reason"]].tolist() == [
        "CLE",
        "dnp",
        "DNP - Coach's Decision",
    ]
    inactive = rows[rows["status"] == "inactive"]
    assert inactive.groupby("team").size().to_dict() == {"MEM": 9, "CLE": 3}
    assert book.loc["Jackson Jr.", "reason"] == "Injury/Illness - Right Quadriceps; Tendonitis"
    assert book.loc["Williams Jr.", ["team", "reason"]].tolist() == [
        "MEM",
        "Injury/Illness - Left Patellar; Tendonitis",
    ]
    assert book.loc["Jerome", ["team", "reason"]].tolist() == ["CLE", "Injury/Illness - Right Ankle; Surgery"]
    assert book.loc["Watanabe", "reason"] == "Personal"


def test_a_game_book_player_line_before_any_team_is_rejected() -> None:
    with pytest.raises(ParseError, match="before any VISITOR:/HOME: team header"):
        nbacom_pdf.gamebook_rows(MEM_CLE_LINES[3:4], "20240410/MEMCLE", "nbacom.gamebook_pdf")


# ---------------------------------------------------------------------------- malformed answers
def test_truncated_json_is_a_parse_error_naming_the_endpoint() -> None:
    cut = body("nbac_scoreboard_v2/raw_055ff78d.json")[:5000]
    with pytest.raises(ParseError, match=r"nbacom\.scoreboard: truncated JSON"):
        SCOREBOARD.parse(payload(SCOREBOARD, cut))


def test_an_html_error_page_instead_of_json_is_a_parse_error() -> None:
    page = "<html><head><title>Access Denied</title></head><body>Reference #18</body></html>"
    with pytest.raises(
        ParseError, match=r"nbacom\.player_game_log: expected JSON, got an HTML page \('Access Denied'\)"
    ):
        PLAYER_LOG.parse(payload(PLAYER_LOG, page, status=403))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"rowSet"', '"rows"', r"result set 'LineScore'.*field 'rowSet' is missing"),
        ('"GAMECODE"', '"GAME_CODE"', r"required field 'GAMECODE' is missing in record 0"),
        ('"LineScore"', '"LineScores"', r"result set 'LineScore' is missing \(found: GameHeader, LineScores"),
    ],
)
def test_a_renamed_field_is_a_parse_error_saying_which(old: str, new: str, message: str) -> None:
    text = body("nbac_scoreboard_v2/raw_06a65a50.json").decode()
    if old == '"rowSet"':  # rename it in the LineScore set only
        head, tail = text.split('"LineScore"', 1)
        text = head + '"LineScore"' + tail.replace(old, new, 1)
    else:
        text = text.replace(old, new)
    with pytest.raises(ParseError, match=message):
        SCOREBOARD.parse(payload(SCOREBOARD, text))


def test_a_renamed_schedule_field_is_a_parse_error() -> None:
    text = body("nbac_schedule_cdn/raw_68953816.json").decode().replace('"gameDateEst"', '"gameDateEastern"')
    with pytest.raises(ParseError, match=r"nbacom\.schedule_cdn: required field 'gameDateEst' is missing"):
        SCHEDULE_CDN.parse(payload(SCHEDULE_CDN, text))


def test_a_pdf_endpoint_answering_html_or_a_cut_pdf_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"nbacom\.injury_report: got an HTML page where a PDF was expected"):
        INJURIES.parse(payload(INJURIES, "<html><title>404</title></html>", status=404))
    with pytest.raises(ParseError, match=r"nbacom\.injury_report: not a readable PDF"):
        INJURIES.parse(payload(INJURIES, body(INJURY_REPORT)[:30000]))


def test_a_page_without_its_embedded_data_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"nbacom\.roster: the page has no embedded data"):
        ROSTER.parse(payload(ROSTER, "<html><head><title>Warriors</title></head><body></body></html>"))


# ---------------------------------------------------------------------------- rows fit the raw tables
@pytest.mark.parametrize(
    ("name", "capture_file"),
    [
        ("schedule", SCHEDULE_2024_25),
        ("player_game_log", "nbac_player_boxscore/raw_2ad17718.json"),
        ("boxscore", BOX_NYK_PHI),
        ("scoreboard", "nbac_scoreboard_v2/raw_06a65a50.json"),
        ("player_index", "nbac_player_list/raw_7af00b51.json"),
        ("roster", "nbac_roster/raw_79002ff4.html.gz"),
        ("player_movement", "nbac_player_movement/raw_1ecdb80d.json.gz"),
        ("referee_assignments", "nbac_referee_assignments/raw_718e62b3.json"),
        ("play_by_play", "nbac_play_by_play/raw_14ecf360.json.gz"),
        ("injury_report", INJURY_REPORT),
    ],
)
def test_parsed_rows_fit_their_raw_tables_and_merge_idempotently(wh, name: str, capture_file: str) -> None:
    ep = endpoint(nbacom, name)
    assert_fits_its_tables(wh, ep, parse(ep, capture_file))


def test_the_game_book_rows_fit_their_table(wh) -> None:
    rows = nbacom_pdf.gamebook_rows(MEM_CLE_LINES, "20240410/MEMCLE", "nbacom.gamebook_pdf")
    from nbaprops.sources.base import ParseResult

    assert_fits_its_tables(wh, GAMEBOOK, ParseResult({nbacom_pdf.GAMEBOOK_TABLE: rows}))


def test_every_endpoint_is_declared_with_its_tables_and_a_day_selects_what_it_needs() -> None:
    keys = [e.key for e in nbacom.ENDPOINTS]
    assert len(keys) == len(set(keys))
    for ep in nbacom.ENDPOINTS:
        assert ep.tables and ep.url.startswith("https://") and callable(ep.parse)
    past_november = {e.name for e in nbacom.select_endpoints(date(2023, 11, 20), date(2025, 1, 16))}
    assert {"player_game_log", "team_game_log", "schedule"} <= past_november
    assert not past_november & {"player_game_log_playoffs", "schedule_cdn"}
    may = {e.name for e in nbacom.select_endpoints(date(2025, 5, 10), date(2025, 5, 10))}
    assert {"player_game_log_playoffs", "schedule_cdn"} <= may and "player_game_log" not in may


def test_requests_fill_every_template_with_the_days_games(wh) -> None:
    merge(wh, SCOREBOARD, parse(SCOREBOARD, "nbac_scoreboard_v2/raw_055ff78d.json"))
    planned = requests_for(nbacom, wh, date(2024, 1, 15))
    assert planned["gamebook_pdf"][0].url == "https://statsdmz.nba.com/pdfs/20240115/20240115_HOUPHI.pdf"
    assert len(planned["boxscore"]) == 11 and planned["boxscore"][0].params["GameID"] == "0022300555"
    assert planned["play_by_play"][0].url.endswith("/liveData/playbyplay/playbyplay_0022300555.json")
    log = planned["player_game_log"][0].params
    assert (log["Season"], log["SeasonType"], log["DateFrom"], log["PlayerOrTeam"]) == (
        "2023-24",
        "Regular Season",
        "2024-01-15",
        "P",
    )
    assert planned["injury_report"][0].url.endswith("/Injury-Report_2024-01-15_05PM.pdf")
    assert len(planned["roster"]) == 30 and planned["roster"][0].url.startswith("https://www.nba.com/team/1610612")


def test_the_inactive_list_ends_at_the_next_labelled_line() -> None:
    lines = [*MEM_CLE_LINES, "Officials: #24 Kevin Scott, #36 Brent Barnaky, #41 Nate Green"]
    rows = nbacom_pdf.gamebook_rows(lines, "20240410/MEMCLE", "nbacom.gamebook_pdf").set_index("player_name")
    assert (rows["status"] == "inactive").sum() == 12
    assert rows.loc["Wade", "reason"] == "Injury/Illness - Right Knee; Sprain"
