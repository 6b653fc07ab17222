"""ESPN parsers: the site API scoreboard and team roster, and the box score and roster pages.

ESPN's pages carry their data as JSON in ``window['__espnfitt__']``; the box score is a list of
teams (``bxscr``), each with groups of athletes (starters, bench) whose stats are strings in the
order the group's ``keys`` name (``35:22`` or ``35`` minutes, ``10-18`` made-attempted). ESPN uses
its own player ids and short team codes (``GS``, ``NY``, ``UTAH``); names are kept as printed and
resolved to NBA.com ids by the registry. Game dates are US/Eastern, from the UTC start time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from nbaprops.ingest.players import NameColumns, season_of
from nbaprops.ingest.records import (
    Col,
    body_text,
    eastern_date,
    embedded_json,
    fetched_eastern_date,
    load_json,
    need,
    require_rows,
    season_start,
    table,
    where,
)
from nbaprops.reference.teams import resolve_team
from nbaprops.sources.base import ParseError, ParseResult, Payload

FITT = "window['__espnfitt__']="
ROSTER_TABLE = "raw.espn_rosters"
ROSTER_KEY = ("season", "team", "espn_player_id")
PLAYER_NAMES = (
    NameColumns("raw.espn_boxscore_players", game=("espn_game_id",)),
    NameColumns(ROSTER_TABLE, game_date=None, season="season", game=("season", "team")),
)


# ---------------------------------------------------------------------------- scoreboard (site API)
_GAME_COLS = (
    Col("espn_game_id", "id"),
    Col("start_utc", "date", "utc"),
    Col("status", "status.type.name", required=False),
    Col("completed", "status.type.completed", "bool", required=False),
    Col("period", "status.period", "int", required=False),
    Col("home", "home.team.abbreviation", "team"),
    Col("away", "away.team.abbreviation", "team"),
    Col("home_espn_id", "home.team.id"),
    Col("away_espn_id", "away.team.id"),
    Col("home_pts", "home.score", "int", required=False),
    Col("away_pts", "away.score", "int", required=False),
    Col("venue", "venue.fullName", required=False),
    Col("attendance", "attendance", "int", required=False),
)


def parse_scoreboard(payload: Payload) -> ParseResult:
    """The day's games with teams, status and score; a day without games is ``no_data``."""
    endpoint = where(payload)
    events = need(load_json(payload), "events", endpoint)
    if not events:
        day = payload.params.get("dates") or payload.params.get("date") or "the requested day"
        return ParseResult(no_data=f"no NBA games on {day}")
    games = [_competition(event, endpoint) for event in events]
    frame = table(games, _GAME_COLS, endpoint)
    unknown = frame[frame["home"].isna() | frame["away"].isna()]
    if not unknown.empty:
        raise ParseError(f"{endpoint}: unknown team code in game {unknown.iloc[0]['espn_game_id']}")
    frame.insert(1, "game_date", eastern_date(frame["start_utc"]))
    frame.insert(3, "season", frame["game_date"].map(season_of).astype("Int64"))
    frame.loc[frame["status"] == "STATUS_SCHEDULED", ["home_pts", "away_pts"]] = pd.NA
    return ParseResult({"raw.espn_games": require_rows(frame, ("espn_game_id",), endpoint)})


def _competition(event: Mapping[str, Any], endpoint: str) -> dict[str, Any]:
    """One flat record per event: its first competition with the two sides by home/away."""
    competition = need(event, "competitions", endpoint)[0]
    sides = {c.get("homeAway"): c for c in need(competition, "competitors", endpoint)}
    if set(sides) != {"home", "away"}:
        raise ParseError(f"{endpoint}: event {event.get('id')} has no home and away competitors")
    return {**competition, "id": event.get("id", competition.get("id")), **sides}


# ---------------------------------------------------------------------------- box score (page)
# ESPN's box score keys and the columns they fill, in the order ESPN prints them (MIN FG 3PT FT OREB
# DREB REB AST STL BLK TO PF +/- PTS): the order assumed when a group does not list its ``keys``.
_STAT_COLUMNS = {
    "minutes": ("minutes",),
    "fieldGoalsMade-fieldGoalsAttempted": ("fgm", "fga"),
    "threePointFieldGoalsMade-threePointFieldGoalsAttempted": ("fg3m", "fg3a"),
    "freeThrowsMade-freeThrowsAttempted": ("ftm", "fta"),
    "offensiveRebounds": ("oreb",),
    "defensiveRebounds": ("dreb",),
    "rebounds": ("reb",),
    "assists": ("ast",),
    "steals": ("stl",),
    "blocks": ("blk",),
    "turnovers": ("tov",),
    "fouls": ("pf",),
    "plusMinus": ("plus_minus",),
    "points": ("pts",),
}
ESPN_BOX_KEYS = tuple(_STAT_COLUMNS)
BOX_COLUMNS = tuple(column for columns in _STAT_COLUMNS.values() for column in columns)
_REQUIRED_KEYS = ("minutes", "points", "rebounds", "assists")
_BOX_COLS = (
    Col("espn_player_id", "athlt.id"),
    Col("team", "team", "team"),
    Col("player_name", "athlt.dspNm"),
    Col("starter", "starter", "bool"),
    Col("minutes", "minutes", "minutes", required=False),
    *(Col(c, c, "int", required=False) for c in BOX_COLUMNS if c != "minutes"),
    Col("dnp_reason", "dnpRsn", required=False),
)


def parse_boxscore(payload: Payload) -> ParseResult:
    """Every player of one game with his line, or ESPN's DNP reason when he did not play."""
    endpoint = where(payload)
    page = embedded_json(body_text(payload), FITT, endpoint)
    package = need(page, "page.content.gamepackage", endpoint)
    strip = need(package, "gmStrp", endpoint)
    teams = package.get("bxscr")
    if not teams:
        return ParseResult(no_data=f"no box score yet for ESPN game {strip.get('gid', '?')}")
    start = pd.Series([need(strip, "dt", endpoint)])
    game_date = eastern_date(pd.to_datetime(start, utc=True).dt.tz_localize(None))[0]
    frame = boxscore_rows(teams, str(need(strip, "gid", endpoint)), game_date, endpoint)
    return ParseResult({"raw.espn_boxscore_players": require_rows(frame, ("espn_game_id", "espn_player_id"), endpoint)})


def boxscore_rows(teams: Sequence[Mapping[str, Any]], game_id: str, game_date: Any, endpoint: str) -> pd.DataFrame:
    """Rows from ESPN's ``bxscr`` list (the part of the page that holds the box score)."""
    records = []
    for team in teams:
        code = need(team, "tm.abbrev", endpoint)
        for group in need(team, "stats", endpoint):
            athletes = group.get("athlts")
            if athletes is None:  # the team totals group
                continue
            keys = group.get("keys") or ESPN_BOX_KEYS
            missing = [k for k in _REQUIRED_KEYS if k not in keys]
            if missing:
                raise ParseError(f"{endpoint}: box score group {group.get('type')!r} lacks {', '.join(missing)}")
            for athlete in athletes:
                records.append(_athlete_record(athlete, keys, code, group.get("type") == "starters", endpoint))
    frame = table(records, _BOX_COLS, endpoint)
    unknown = frame["team"].isna()
    if unknown.any():
        raise ParseError(f"{endpoint}: unknown ESPN team code in the box score of game {game_id}")
    frame.insert(0, "espn_game_id", game_id)
    frame.insert(1, "game_date", game_date)
    return frame


def _athlete_record(
    athlete: Mapping[str, Any], keys: Sequence[str], team: str, starter: bool, endpoint: str
) -> dict[str, Any]:
    values = athlete.get("stats") or []
    if values and len(values) != len(keys):
        name = athlete.get("athlt", {}).get("dspNm")
        raise ParseError(f"{endpoint}: {name} has {len(values)} box score values for {len(keys)} columns")
    record: dict[str, Any] = {**athlete, "team": team, "starter": starter}
    for key, value in zip(keys, values, strict=False):
        columns = _STAT_COLUMNS.get(key, ())
        parts = str(value).split("-") if len(columns) == 2 else [value]
        record.update(zip(columns, parts, strict=False))
    return record


# ---------------------------------------------------------------------------- team roster (page and API)
_ROSTER_COLS = (
    Col("espn_player_id", "id"),
    Col("player_name", "name"),
    Col("jersey", "jersey", required=False),
    Col("position", "position", required=False),
)


def parse_roster_page(payload: Payload) -> ParseResult:
    """The players of a team as the roster page lists them (season from the page heading)."""
    endpoint = where(payload)
    roster = need(embedded_json(body_text(payload), FITT, endpoint), "page.content.roster", endpoint)
    team = need(roster, "team.abbrev", endpoint)
    season = season_start(roster.get("metadata", {}).get("season")) or season_of(fetched_eastern_date(payload))
    return _roster(need(roster, "athletes", endpoint), team, season, endpoint)


def parse_roster_api(payload: Payload) -> ParseResult:
    """The players of a team from the site API (``teams/{id}?enable=roster``)."""
    endpoint = where(payload)
    team = need(load_json(payload), "team", endpoint)
    athletes = [
        {**a, "name": a.get("fullName"), "position": (a.get("position") or {}).get("abbreviation")}
        for a in need(team, "athletes", endpoint)
    ]
    next_events = team.get("nextEvent") or [{}]
    season = season_start(next_events[0].get("season", {}).get("displayName")) or season_of(
        fetched_eastern_date(payload)
    )
    return _roster(athletes, need(team, "abbreviation", endpoint), season, endpoint)


def _roster(athletes: list[dict[str, Any]], team_code: str, season: int, endpoint: str) -> ParseResult:
    if not athletes:
        return ParseResult(no_data=f"ESPN lists no players for {team_code}")
    frame = table(athletes, _ROSTER_COLS, endpoint)
    team = resolve_team(team_code)
    if team is None:
        raise ParseError(f"{endpoint}: unknown ESPN team code {team_code!r}")
    frame.insert(0, "season", season)
    frame.insert(1, "team", team)
    frame["season"] = frame["season"].astype("Int64")
    return ParseResult({ROSTER_TABLE: require_rows(frame, ROSTER_KEY, endpoint)})
