"""balldontlie v1 parsers: games, box scores (per game or per player), players and injuries.

Answers are ``{"data": [...], "meta": {...}}``; a list that goes on has ``meta.next_cursor``, which
``next_page`` turns into the query parameters of the next request. balldontlie has its own player
and team ids (teams 1-30 are the NBA franchises, in the order of the table below); names are kept
as printed and resolved to NBA.com ids by the registry. ``min`` is ``"35"`` or ``"35:22"``; ``"00"``
is a player who did not get into the game.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from nbaprops.ingest.players import NameColumns
from nbaprops.ingest.records import (
    Col,
    fetched_eastern_date,
    load_json,
    need,
    require_rows,
    table,
    where,
)
from nbaprops.sources.base import ParseError, ParseResult, Payload

# balldontlie team ids of the 30 NBA franchises, as its /v1/teams answer lists them
# (../shared/data/samples/bdl_teams); ids above 30 are defunct franchises (Baltimore Bullets, ...).
BDL_TEAM_IDS = {
    1: "ATL", 2: "BOS", 3: "BKN", 4: "CHA", 5: "CHI", 6: "CLE", 7: "DAL", 8: "DEN", 9: "DET", 10: "GSW",
    11: "HOU", 12: "IND", 13: "LAC", 14: "LAL", 15: "MEM", 16: "MIA", 17: "MIL", 18: "MIN", 19: "NOP", 20: "NYK",
    21: "OKC", 22: "ORL", 23: "PHI", 24: "PHX", 25: "POR", 26: "SAC", 27: "SAS", 28: "TOR", 29: "UTA", 30: "WAS",
}  # fmt: skip
BOX_TABLE = "raw.bdl_player_boxscores"
BOX_KEY = ("game_date", "team", "bdl_player_id")
PLAYER_NAMES = (
    NameColumns(BOX_TABLE),
    NameColumns("raw.bdl_injuries", game_date="as_of_date", game=("as_of_date", "team")),
    NameColumns("raw.bdl_players", game_date=None, game=("team",)),  # active players: this season
)


def _data(payload: Payload) -> tuple[Any, dict[str, Any]]:
    doc = load_json(payload)
    return need(doc, "data", where(payload)), (doc.get("meta") or {}) if isinstance(doc, Mapping) else {}


def next_page(payload: Payload) -> dict[str, str] | None:
    """Query parameters for the next page of a list answer (``cursor``), or None on the last page."""
    _rows, meta = _data(payload)
    cursor = meta.get("next_cursor")
    return None if cursor in (None, "") else {**payload.params, "cursor": str(cursor)}


def _team_code(team_id: Any) -> str | None:
    return BDL_TEAM_IDS.get(int(team_id)) if team_id is not None and not pd.isna(team_id) else None


# ---------------------------------------------------------------------------- games
_GAME_COLS = (
    Col("bdl_game_id", "id", "int"),
    Col("game_date", "date", "date"),
    Col("start_utc", "datetime", "utc", required=False),
    Col("season", "season", "int"),
    Col("status", "status"),
    Col("period", "period", "int", required=False),
    Col("postseason", "postseason", "bool", required=False),
    Col("home", "home_team.abbreviation", "team"),
    Col("away", "visitor_team.abbreviation", "team"),
    Col("home_pts", "home_team_score", "int", required=False),
    Col("away_pts", "visitor_team_score", "int", required=False),
)


def parse_games(payload: Payload) -> ParseResult:
    """Games of the requested dates with status and score (``date`` is already the US date)."""
    endpoint = where(payload)
    games, _meta = _data(payload)
    if not games:
        return ParseResult(no_data="balldontlie lists no games for the request")
    frame = table(games if isinstance(games, list) else [games], _GAME_COLS, endpoint)
    not_started = frame["period"].fillna(0) == 0
    frame.loc[not_started, ["home_pts", "away_pts"]] = pd.NA
    return ParseResult({"raw.bdl_games": require_rows(frame, ("bdl_game_id",), endpoint)})


# ---------------------------------------------------------------------------- player box scores
_STATS = (
    Col("minutes", "min", "minutes", required=False),
    Col("fgm", "fgm", "int"),
    Col("fga", "fga", "int"),
    Col("fg3m", "fg3m", "int"),
    Col("fg3a", "fg3a", "int"),
    Col("ftm", "ftm", "int"),
    Col("fta", "fta", "int"),
    Col("oreb", "oreb", "int", required=False),
    Col("dreb", "dreb", "int", required=False),
    Col("reb", "reb", "int"),
    Col("ast", "ast", "int"),
    Col("stl", "stl", "int"),
    Col("blk", "blk", "int"),
    Col("tov", "turnover", "int"),
    Col("pf", "pf", "int", required=False),
    Col("pts", "pts", "int"),
    Col("plus_minus", "plus_minus", "int", required=False),
)
_PLAYER = (
    Col("bdl_player_id", "player.id", "int"),
    Col("first_name", "player.first_name"),
    Col("last_name", "player.last_name"),
)
_BOX_COLS = (
    Col("game_date", "game_date", "date"),
    Col("team", "team_code", "team"),
    *_PLAYER,
    Col("bdl_game_id", "bdl_game_id", "int", required=False),
    *_STATS,
)


def parse_box_scores(payload: Payload) -> ParseResult:
    """``/box_scores``: games with each side's players and their lines (older answers lack game ids)."""
    endpoint = where(payload)
    games, _meta = _data(payload)
    records = [
        {**line, "game_date": game.get("date"), "bdl_game_id": game.get("id"), "team_code": side.get("abbreviation")}
        for game in games
        for side in (need(game, "home_team", endpoint), need(game, "visitor_team", endpoint))
        for line in need(side, "players", endpoint)
    ]
    return _box_result(records, endpoint)


def parse_stats(payload: Payload) -> ParseResult:
    """``/stats``: one line per player per game, each with its game and team."""
    endpoint = where(payload)
    lines, _meta = _data(payload)
    records = [
        {
            **line,
            "game_date": need(line, "game.date", endpoint),
            "bdl_game_id": need(line, "game.id", endpoint),
            "team_code": need(line, "team.abbreviation", endpoint),
        }
        for line in lines
    ]
    return _box_result(records, endpoint)


def _box_result(records: list[dict[str, Any]], endpoint: str) -> ParseResult:
    if not records:
        return ParseResult(no_data="balldontlie has no box scores for the request")
    frame = _with_names(table(records, _BOX_COLS, endpoint))
    if frame["team"].isna().any():
        raise ParseError(f"{endpoint}: a box score line has an unknown team ({records[0].get('team_code')!r}...)")
    return ParseResult({BOX_TABLE: require_rows(frame, BOX_KEY, endpoint)})


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``player_name`` (first + last, as balldontlie prints it) right after the player's id."""
    name = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    frame.insert(frame.columns.get_loc("bdl_player_id") + 1, "player_name", name.astype(object))
    return frame


# ---------------------------------------------------------------------------- players
_PLAYER_COLS = (
    Col("bdl_player_id", "id", "int"),
    Col("first_name", "first_name"),
    Col("last_name", "last_name"),
    Col("team", "team.abbreviation", "team", required=False),
    Col("position", "position", required=False),
    Col("jersey", "jersey_number", required=False),
    Col("height", "height", required=False),
    Col("weight", "weight", "int", required=False),
    Col("college", "college", required=False),
    Col("country", "country", required=False),
    Col("draft_year", "draft_year", "int", required=False),
    Col("draft_round", "draft_round", "int", required=False),
    Col("draft_number", "draft_number", "int", required=False),
)


def parse_players(payload: Payload) -> ParseResult:
    """Players with their current team (None for a defunct franchise) and bio."""
    endpoint = where(payload)
    players, _meta = _data(payload)
    if not players:
        return ParseResult(no_data="balldontlie lists no players for the request")
    frame = _with_names(table(players if isinstance(players, list) else [players], _PLAYER_COLS, endpoint))
    return ParseResult({"raw.bdl_players": require_rows(frame, ("bdl_player_id",), endpoint)})


# ---------------------------------------------------------------------------- injuries
_INJURY_COLS = (
    *_PLAYER,
    Col("team_id", "player.team_id", "int"),
    Col("status", "status"),
    Col("return_date", "return_date", required=False),
    Col("description", "description", required=False),
)


def parse_injuries(payload: Payload) -> ParseResult:
    """The injury list as of the day it was fetched (US/Eastern): a snapshot per day and player."""
    endpoint = where(payload)
    injuries, _meta = _data(payload)
    if not injuries:
        return ParseResult(no_data="balldontlie lists no injuries")
    frame = _with_names(table(injuries, _INJURY_COLS, endpoint))
    frame.insert(0, "as_of_date", fetched_eastern_date(payload))
    frame.insert(1, "team", frame.pop("team_id").map(_team_code).astype(object))
    return ParseResult({"raw.bdl_injuries": require_rows(frame, ("as_of_date", "bdl_player_id"), endpoint)})
