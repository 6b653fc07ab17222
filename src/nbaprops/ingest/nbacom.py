"""NBA.com JSON and page parsers: stats.nba.com, the CDN, and the data nba.com pages embed.

stats.nba.com answers in two shapes: ``resultSets`` (named tables of headers + rows, read by
``result_set``) and the nested v3 JSON. Both carry NBA.com's own player and team ids, so these rows
need no name resolution. Every parser is a pure ``Payload -> ParseResult`` function; the endpoint
declarations that use them are in ``nbaprops.sources.nbacom``, the PDF parsers in ``nbacom_pdf``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from nbaprops.ingest.records import (
    Col,
    body_text,
    clock_seconds,
    embedded_json,
    load_json,
    need,
    require_rows,
    season_start,
    season_type_of,
    table,
    tricode_of_team_id,
    where,
)
from nbaprops.sources.base import ParseError, ParseResult, Payload


# ---------------------------------------------------------------------------- resultSets
def result_set(doc: Any, name: str, endpoint: str) -> list[dict[str, Any]]:
    """Rows of one named result set as dicts (``resultSets`` list or a single ``resultSet``)."""
    sets = doc.get("resultSets", doc.get("resultSet")) if isinstance(doc, Mapping) else None
    if sets is None:
        found = ", ".join(sorted(doc)[:10]) if isinstance(doc, Mapping) else type(doc).__name__
        raise ParseError(f"{endpoint}: neither 'resultSets' nor 'resultSet' in the answer (found: {found})")
    for result in [sets] if isinstance(sets, Mapping) else sets:
        if not isinstance(result, Mapping) or result.get("name") != name:
            continue
        headers = need(result, "headers", f"{endpoint} result set {name!r}")
        rows = need(result, "rowSet", f"{endpoint} result set {name!r}")
        bad = [i for i, row in enumerate(rows) if len(row) != len(headers)]
        if bad:
            raise ParseError(f"{endpoint}: result set {name!r} row {bad[0]} has a different width than its headers")
        return [dict(zip(headers, row, strict=True)) for row in rows]
    names = [r.get("name") for r in ([sets] if isinstance(sets, Mapping) else sets) if isinstance(r, Mapping)]
    raise ParseError(f"{endpoint}: result set {name!r} is missing (found: {', '.join(map(str, names))})")


def _box_stats(tov: str) -> tuple[Col, ...]:
    """The counting stats every stats.nba.com box score and game log carries (turnovers: TOV or TO)."""
    return (
        Col("fgm", "FGM", "int"),
        Col("fga", "FGA", "int"),
        Col("fg_pct", "FG_PCT", "float"),
        Col("fg3m", "FG3M", "int"),
        Col("fg3a", "FG3A", "int"),
        Col("fg3_pct", "FG3_PCT", "float"),
        Col("ftm", "FTM", "int"),
        Col("fta", "FTA", "int"),
        Col("ft_pct", "FT_PCT", "float"),
        Col("oreb", "OREB", "int"),
        Col("dreb", "DREB", "int"),
        Col("reb", "REB", "int"),
        Col("ast", "AST", "int"),
        Col("stl", "STL", "int"),
        Col("blk", "BLK", "int"),
        Col("tov", tov, "int"),
        Col("pf", "PF", "int"),
        Col("pts", "PTS", "int"),
        Col("plus_minus", "PLUS_MINUS", "int"),
    )


# ---------------------------------------------------------------------------- schedule (stats and CDN)
_SCHEDULE_COLS = (
    Col("game_id", "gameId"),
    Col("game_date", "gameDateEst", "date"),
    Col("start_utc", "gameDateTimeUTC", "utc", required=False),
    Col("game_code", "gameCode", required=False),
    Col("game_label", "gameLabel", required=False),
    Col("game_sub_label", "gameSubLabel", required=False),
    Col("status", "gameStatus", "int"),
    Col("status_text", "gameStatusText", required=False),
    Col("home_team_id", "homeTeam.teamId", "int"),
    Col("home", "homeTeam.teamTricode"),
    Col("away_team_id", "awayTeam.teamId", "int"),
    Col("away", "awayTeam.teamTricode"),
    Col("home_pts", "homeTeam.score", "int"),
    Col("away_pts", "awayTeam.score", "int"),
    Col("neutral", "isNeutral", "bool", required=False),
    Col("arena", "arenaName", required=False),
    Col("arena_city", "arenaCity", required=False),
    Col("postponed", "postponedStatus", required=False),
)


def parse_schedule(payload: Payload) -> ParseResult:
    """Every game of the season (stats ``scheduleleaguev2`` and CDN ``scheduleLeagueV2`` share a shape).

    Scheduled games report a score of 0; scores are kept only once a game has started (status > 1).
    """
    endpoint = where(payload)
    doc = load_json(payload)
    schedule = need(doc, "leagueSchedule", endpoint)
    dates = need(schedule, "gameDates", endpoint)
    games = [game for day in dates for game in need(day, "games", endpoint)]
    if not games:
        return ParseResult(no_data=f"no games in the {schedule.get('seasonYear', '?')} schedule")
    frame = table(games, _SCHEDULE_COLS, endpoint)
    not_started = frame["status"].fillna(1) <= 1
    frame.loc[not_started, ["home_pts", "away_pts"]] = pd.NA
    frame.insert(3, "season", season_start(schedule.get("seasonYear")) or pd.NA)
    frame.insert(4, "season_type", season_type_of(frame["game_id"]))
    frame["season"] = frame["season"].astype("Int64")
    return ParseResult({"raw.nbac_schedule": require_rows(frame, ("game_id",), endpoint)})


# ---------------------------------------------------------------------------- league game log
_GAME_LOG_COLS = (
    Col("game_id", "GAME_ID"),
    Col("season", "SEASON_ID"),
    Col("game_date", "GAME_DATE", "date"),
    Col("team_id", "TEAM_ID", "int"),
    Col("team", "TEAM_ABBREVIATION"),
    Col("matchup", "MATCHUP"),
    Col("wl", "WL", required=False),
    Col("minutes", "MIN", "minutes"),
    *_box_stats("TOV"),
)


def _game_log(payload: Payload, who: tuple[Col, ...], table_name: str, key: tuple[str, ...]) -> ParseResult:
    endpoint = where(payload)
    rows = result_set(load_json(payload), "LeagueGameLog", endpoint)
    if not rows:
        return ParseResult(no_data=f"no games in the game log for {_param_dates(payload)}")
    frame = table(rows, (*who, *_GAME_LOG_COLS), endpoint)
    frame["season"] = frame["season"].map(season_start).astype("Int64")
    frame.insert(2, "season_type", season_type_of(frame["game_id"]))
    return ParseResult({table_name: require_rows(frame, key, endpoint)})


def _param_dates(payload: Payload) -> str:
    dates = {payload.params.get(k) for k in ("DateFrom", "DateTo", "GameDate", "date") if payload.params.get(k)}
    return " / ".join(sorted(dates)) or "the requested dates"


def parse_player_game_log(payload: Payload) -> ParseResult:
    """``leaguegamelog`` with ``PlayerOrTeam=P``: one row per player per game."""
    who = (Col("player_id", "PLAYER_ID", "int"), Col("player_name", "PLAYER_NAME"))
    return _game_log(payload, who, "raw.nbac_player_game_logs", ("game_id", "player_id"))


def parse_team_game_log(payload: Payload) -> ParseResult:
    """``leaguegamelog`` with ``PlayerOrTeam=T``: one row per team per game."""
    return _game_log(
        payload, (Col("team_name", "TEAM_NAME", required=False),), "raw.nbac_team_game_logs", ("game_id", "team_id")
    )


# ---------------------------------------------------------------------------- box score traditional
_V2_PLAYER_COLS = (
    Col("game_id", "GAME_ID"),
    Col("team_id", "TEAM_ID", "int"),
    Col("team", "TEAM_ABBREVIATION"),
    Col("player_id", "PLAYER_ID", "int"),
    Col("player_name", "PLAYER_NAME"),
    Col("start_position", "START_POSITION", required=False),
    Col("comment", "COMMENT", required=False),
    Col("minutes", "MIN", "minutes"),
    *_box_stats("TO"),
)
_V2_TEAM_COLS = (
    Col("game_id", "GAME_ID"),
    Col("team_id", "TEAM_ID", "int"),
    Col("team", "TEAM_ABBREVIATION"),
    Col("team_name", "TEAM_NAME", required=False),
    Col("minutes", "MIN", "minutes"),
    *_box_stats("TO"),
)
_V3_STAT_COLS = (
    Col("minutes", "statistics.minutes", "minutes"),
    Col("fgm", "statistics.fieldGoalsMade", "int"),
    Col("fga", "statistics.fieldGoalsAttempted", "int"),
    Col("fg_pct", "statistics.fieldGoalsPercentage", "float"),
    Col("fg3m", "statistics.threePointersMade", "int"),
    Col("fg3a", "statistics.threePointersAttempted", "int"),
    Col("fg3_pct", "statistics.threePointersPercentage", "float"),
    Col("ftm", "statistics.freeThrowsMade", "int"),
    Col("fta", "statistics.freeThrowsAttempted", "int"),
    Col("ft_pct", "statistics.freeThrowsPercentage", "float"),
    Col("oreb", "statistics.reboundsOffensive", "int"),
    Col("dreb", "statistics.reboundsDefensive", "int"),
    Col("reb", "statistics.reboundsTotal", "int"),
    Col("ast", "statistics.assists", "int"),
    Col("stl", "statistics.steals", "int"),
    Col("blk", "statistics.blocks", "int"),
    Col("tov", "statistics.turnovers", "int"),
    Col("pf", "statistics.foulsPersonal", "int"),
    Col("pts", "statistics.points", "int"),
    Col("plus_minus", "statistics.plusMinusPoints", "int"),
)
_V3_PLAYER_COLS = (
    Col("player_id", "personId", "int"),
    Col("first_name", "firstName"),
    Col("family_name", "familyName"),
    Col("start_position", "position", required=False),
    Col("comment", "comment", required=False),
    *_V3_STAT_COLS,
)
BOXSCORE_PLAYERS = "raw.nbac_boxscore_players"
BOXSCORE_TEAMS = "raw.nbac_boxscore_teams"


def parse_boxscore(payload: Payload) -> ParseResult:
    """Traditional box score of one game: a row per player (with DNP comments) and per team.

    stats.nba.com serves this game either as ``resultSets`` (PlayerStats/TeamStats, minutes
    ``MM:SS``) or as v3 ``boxScoreTraditional`` (minutes ``MM:SS`` or ``PT34M12.00S``); both end
    in the same rows. A player who did not play has no minutes and no stats, only a comment.
    """
    endpoint = where(payload)
    doc = load_json(payload)
    if isinstance(doc, Mapping) and "boxScoreTraditional" in doc:
        players, teams = _boxscore_v3(need(doc, "boxScoreTraditional", endpoint), endpoint)
    else:
        players = table(result_set(doc, "PlayerStats", endpoint), _V2_PLAYER_COLS, endpoint)
        teams = table(result_set(doc, "TeamStats", endpoint), _V2_TEAM_COLS, endpoint)
    if players.empty and teams.empty:
        return ParseResult(no_data="the box score has no players yet")
    stat_names = [c.name for c in _V3_STAT_COLS if c.name != "minutes"]
    players.loc[players["minutes"].isna(), stat_names] = pd.NA  # v3 reports zeros for DNPs
    return ParseResult(
        {
            BOXSCORE_PLAYERS: require_rows(players, ("game_id", "player_id"), endpoint),
            BOXSCORE_TEAMS: require_rows(teams, ("game_id", "team_id"), endpoint),
        }
    )


def _boxscore_v3(box: Mapping[str, Any], endpoint: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    game_id = need(box, "gameId", endpoint)
    player_frames, team_rows = [], []
    for side in ("homeTeam", "awayTeam"):
        team = need(box, side, endpoint)
        ident = {
            "game_id": game_id,
            "team_id": need(team, "teamId", endpoint),
            "team": need(team, "teamTricode", endpoint),
        }
        players = table(need(team, "players", f"{endpoint} {side}"), _V3_PLAYER_COLS, f"{endpoint} {side}")
        players["player_name"] = (
            players["first_name"].fillna("") + " " + players["family_name"].fillna("")
        ).str.strip()
        for column, value in reversed(ident.items()):
            players.insert(0, column, value)
        player_frames.append(players.drop(columns=["first_name", "family_name"]))
        team_rows.append({**ident, "team_name": team.get("teamName"), "statistics": need(team, "statistics", endpoint)})
    players = pd.concat(player_frames, ignore_index=True)
    players["team_id"] = players["team_id"].astype("Int64")
    columns = [c.name for c in _V2_PLAYER_COLS]
    team_cols = (
        Col("game_id", "game_id"),
        Col("team_id", "team_id", "int"),
        Col("team", "team"),
        Col("team_name", "team_name", required=False),
        *_V3_STAT_COLS,
    )
    return players[columns], table(team_rows, team_cols, endpoint)[[c.name for c in _V2_TEAM_COLS]]


# ---------------------------------------------------------------------------- scoreboard v2
_GAME_HEADER_COLS = (
    Col("game_id", "GAME_ID"),
    Col("game_date", "GAME_DATE_EST", "date"),
    Col("game_sequence", "GAME_SEQUENCE", "int", required=False),
    Col("status", "GAME_STATUS_ID", "int"),
    Col("status_text", "GAME_STATUS_TEXT", required=False),
    Col("game_code", "GAMECODE"),
    Col("season", "SEASON", required=False),
    Col("home_team_id", "HOME_TEAM_ID", "int"),
    Col("away_team_id", "VISITOR_TEAM_ID", "int"),
    Col("live_period", "LIVE_PERIOD", "int", required=False),
    Col("arena", "ARENA_NAME", required=False),
    Col("national_tv", "NATL_TV_BROADCASTER_ABBREVIATION", required=False),
)
_OVERTIMES = tuple(f"PTS_OT{n}" for n in range(1, 11))
_LINE_SCORE_COLS = (
    Col("game_id", "GAME_ID"),
    Col("game_date", "GAME_DATE_EST", "date"),
    Col("team_id", "TEAM_ID", "int"),
    Col("team", "TEAM_ABBREVIATION"),
    Col("record", "TEAM_WINS_LOSSES", required=False),
    Col("q1", "PTS_QTR1", "int"),
    Col("q2", "PTS_QTR2", "int"),
    Col("q3", "PTS_QTR3", "int"),
    Col("q4", "PTS_QTR4", "int"),
    *(Col(f"ot{n}", f"PTS_OT{n}", "int", required=False) for n in range(1, 11)),
    Col("pts", "PTS", "int"),
)


def parse_scoreboard(payload: Payload) -> ParseResult:
    """The day's games (GameHeader) and each team's points by quarter (LineScore).

    The game code (``20240115/HOUPHI``) names the visitor then the home team, which is how the
    game gets tricodes before any box score exists.
    """
    endpoint = where(payload)
    doc = load_json(payload)
    headers = result_set(doc, "GameHeader", endpoint)
    if not headers:
        return ParseResult(no_data=f"no games on {_param_dates(payload)}")
    games = table(headers, _GAME_HEADER_COLS, endpoint)
    teams = games["game_code"].str.split("/").str[1]
    games.insert(9, "away", teams.str.slice(0, 3))
    games.insert(10, "home", teams.str.slice(3, 6))
    games["season"] = games["season"].map(season_start).astype("Int64")
    lines = table(result_set(doc, "LineScore", endpoint), _LINE_SCORE_COLS, endpoint)
    overtime = [f"ot{n}" for n in range(1, 11)]
    lines.insert(lines.columns.get_loc("pts"), "ot_pts", lines[overtime].fillna(0).sum(axis=1).astype("Int64"))
    lines = lines.drop(columns=overtime)
    return ParseResult(
        {
            "raw.nbac_scoreboard_games": require_rows(games, ("game_id",), endpoint),
            "raw.nbac_scoreboard_line_scores": require_rows(lines, ("game_id", "team_id"), endpoint),
        }
    )


# ---------------------------------------------------------------------------- player index
_PLAYER_INDEX_COLS = (
    Col("player_id", "PERSON_ID", "int"),
    Col("first_name", "PLAYER_FIRST_NAME"),
    Col("last_name", "PLAYER_LAST_NAME"),
    Col("slug", "PLAYER_SLUG", required=False),
    Col("team_id", "TEAM_ID", "int"),
    Col("team", "TEAM_ABBREVIATION"),
    Col("jersey", "JERSEY_NUMBER", required=False),
    Col("position", "POSITION", required=False),
    Col("height", "HEIGHT", required=False),
    Col("weight", "WEIGHT", "int", required=False),
    Col("college", "COLLEGE", required=False),
    Col("country", "COUNTRY", required=False),
    Col("draft_year", "DRAFT_YEAR", "int", required=False),
    Col("draft_round", "DRAFT_ROUND", "int", required=False),
    Col("draft_number", "DRAFT_NUMBER", "int", required=False),
    Col("roster_status", "ROSTER_STATUS", "int", required=False),
    Col("from_year", "FROM_YEAR", "int", required=False),
    Col("to_year", "TO_YEAR", "int", required=False),
)


def parse_player_index(payload: Payload) -> ParseResult:
    """Every player of the season with id, name, team and bio: the registry's view of who exists."""
    endpoint = where(payload)
    rows = result_set(load_json(payload), "PlayerIndex", endpoint)
    if not rows:
        return ParseResult(no_data="the player index is empty")
    frame = table(rows, _PLAYER_INDEX_COLS, endpoint)
    frame.insert(1, "player_name", (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip())
    return ParseResult({"raw.nbac_players": require_rows(frame, ("player_id",), endpoint)})


# ---------------------------------------------------------------------------- team roster page (nba.com)
_ROSTER_COLS = (
    Col("season", "SEASON", "int"),
    Col("team_id", "TeamID", "int"),
    Col("player_id", "PLAYER_ID", "int"),
    Col("player_name", "PLAYER"),
    Col("jersey", "NUM", required=False),
    Col("position", "POSITION", required=False),
    Col("height", "HEIGHT", required=False),
    Col("weight", "WEIGHT", "int", required=False),
    Col("birth_date", "BIRTH_DATE", required=False),
    Col("age", "AGE", "float", required=False),
    Col("experience", "EXP", required=False),
    Col("school", "SCHOOL", required=False),
    Col("how_acquired", "HOW_ACQUIRED", required=False),
)


def parse_roster_page(payload: Payload) -> ParseResult:
    """The team page of nba.com: its ``__NEXT_DATA__`` carries the roster with NBA.com player ids."""
    endpoint = where(payload)
    data = embedded_json(body_text(payload), '<script id="__NEXT_DATA__" type="application/json">', endpoint)
    roster = need(data, "props.pageProps.team.roster", endpoint)
    if not roster:
        return ParseResult(no_data="the team page lists no players")
    frame = table(roster, _ROSTER_COLS, endpoint)
    frame.insert(2, "team", tricode_of_team_id(frame["team_id"]))
    born = pd.to_datetime(frame["birth_date"], format="%b %d, %Y", errors="coerce")  # 'DEC 24, 2002'
    frame["birth_date"] = born.dt.date.astype(object).where(born.notna(), None)
    return ParseResult({"raw.nbac_rosters": require_rows(frame, ("season", "team_id", "player_id"), endpoint)})


# ---------------------------------------------------------------------------- player movement
_MOVEMENT_COLS = (
    Col("group_sort", "GroupSort"),
    Col("player_id", "PLAYER_ID", "int"),
    Col("team_id", "TEAM_ID", "int"),
    Col("additional_sort", "Additional_Sort", "int"),
    Col("transaction_type", "Transaction_Type"),
    Col("transaction_date", "TRANSACTION_DATE", "date"),
    Col("description", "TRANSACTION_DESCRIPTION"),
    Col("player_slug", "PLAYER_SLUG", required=False),
)


def parse_player_movement(payload: Payload) -> ParseResult:
    """Signings, trades and waivers (player id 0 is a traded draft pick, kept: it is part of the trade)."""
    endpoint = where(payload)
    rows = need(load_json(payload), "NBA_Player_Movement.rows", endpoint)
    if not rows:
        return ParseResult(no_data="no transactions listed")
    frame = table(rows, _MOVEMENT_COLS, endpoint)
    frame.insert(7, "team", tricode_of_team_id(frame["team_id"]))
    key = ("group_sort", "player_id", "team_id", "additional_sort")
    return ParseResult({"raw.nbac_player_movement": require_rows(frame, key, endpoint)})


# ---------------------------------------------------------------------------- referee assignments
_REFEREE_COLS = (
    Col("game_id", "game_id"),
    Col("slot", "slot", "int"),
    Col("game_date", "game_date", "date"),
    Col("home", "home_team_abbr"),
    Col("away", "away_team_abbr"),
    Col("official_name", "official_name"),
    Col("official_id", "official_id", "int", required=False),
    Col("jersey", "jersey", required=False),
)


def parse_referee_assignments(payload: Payload) -> ParseResult:
    """The officials of each NBA game of the day, one row per official (G League and WNBA left out)."""
    endpoint = where(payload)
    games = need(load_json(payload), "nba.Table.rows", endpoint)
    records = [
        {
            **game,
            "slot": slot,
            "official_name": game[f"official{slot}"],
            "official_id": game.get(f"official{slot}_code"),
            "jersey": game.get(f"official{slot}_JNum"),
        }
        for game in games
        for slot in range(1, 5)
        if game.get(f"official{slot}")
    ]
    if not records:
        return ParseResult(no_data="no NBA referee assignments listed")
    frame = table(records, _REFEREE_COLS, endpoint)
    return ParseResult({"raw.nbac_referee_assignments": require_rows(frame, ("game_id", "slot"), endpoint)})


# ---------------------------------------------------------------------------- play-by-play (CDN live data)
_ACTION_COLS = (
    Col("action_number", "actionNumber", "int"),
    Col("order_number", "orderNumber", "int", required=False),
    Col("period", "period", "int"),
    Col("period_type", "periodType", required=False),
    Col("clock", "clock"),
    Col("time_actual_utc", "timeActual", "utc", required=False),
    Col("team_id", "teamId", "int", required=False),
    Col("team", "teamTricode", required=False),
    Col("person_id", "personId", "int", required=False),
    Col("player_name", "playerNameI", required=False),
    Col("action_type", "actionType"),
    Col("sub_type", "subType", required=False),
    Col("descriptor", "descriptor", required=False),
    Col("qualifiers", "qualifiers", "list", required=False),
    Col("shot_result", "shotResult", required=False),
    Col("is_field_goal", "isFieldGoal", "bool", required=False),
    Col("shot_distance", "shotDistance", "float", required=False),
    Col("x", "x", "float", required=False),
    Col("y", "y", "float", required=False),
    Col("area", "area", required=False),
    Col("score_home", "scoreHome", "int", required=False),
    Col("score_away", "scoreAway", "int", required=False),
    Col("points_total", "pointsTotal", "int", required=False),
    Col("assist_person_id", "assistPersonId", "int", required=False),
    Col("description", "description", required=False),
)


def parse_play_by_play(payload: Payload) -> ParseResult:
    """Every action of one game; the clock becomes seconds left in the period."""
    endpoint = where(payload)
    game = need(load_json(payload), "game", endpoint)
    game_id = need(game, "gameId", endpoint)
    actions = need(game, "actions", endpoint)
    if not actions:
        return ParseResult(no_data=f"no actions yet in game {game_id}")
    frame = table(actions, _ACTION_COLS, endpoint)
    frame.insert(0, "game_id", game_id)
    frame.insert(frame.columns.get_loc("clock"), "clock_seconds", clock_seconds(frame["clock"]))
    frame = frame.drop(columns=["clock"])
    frame["person_id"] = frame["person_id"].where(frame["person_id"] != 0, pd.NA)
    return ParseResult({"raw.nbac_play_by_play": require_rows(frame, ("game_id", "action_number"), endpoint)})
