"""The Odds API v4 (https://the-odds-api.com/liveapi/guides/v4/): events, player props, game lines.

Live endpoints serve today and later; their ``historical`` twins serve the market as it stood at a
snapshot time (``{snapshot_utc}``, noon Eastern of the game day by default) and are what a past
date is scraped with (``select_endpoints``). Player props are per event (the API only serves
player markets per event), so they follow the events endpoint: ``request_keys`` lists the day's
events from ``raw.odds_events``. The key travels as ``apiKey`` and is redacted everywhere; each
answer's quota headers are kept in the manifest (``raw.odds_api_quota``) and logged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Literal

from nbaprops.ingest.odds_api import GAME_MARKETS, PLAYER_MARKETS, parse_events, parse_game_lines, parse_player_props
from nbaprops.sources.base import Endpoint, ParseResult, Payload
from nbaprops.warehouse.db import Warehouse

BASE = "https://api.the-odds-api.com/v4"
SPORT = "basketball_nba"

_DAY = {"commenceTimeFrom": "{day_start_utc}", "commenceTimeTo": "{day_end_utc}", "dateFormat": "iso"}
_ODDS = {"regions": "us", "oddsFormat": "american", "dateFormat": "iso"}
_AT_SNAPSHOT = {"date": "{snapshot_utc}"}

EVENTS_TABLE = {"raw.odds_events": ("event_id",)}
PROPS_TABLES = {
    **EVENTS_TABLE,
    "raw.prop_lines": ("snapshot_utc", "event_id", "player_name", "market", "bookmaker", "line"),
}
GAME_LINES_TABLES = {
    **EVENTS_TABLE,
    "raw.odds_game_lines": ("snapshot_utc", "event_id", "bookmaker", "market", "side"),
}
_PROPS = {**_ODDS, "markets": ",".join(PLAYER_MARKETS)}
_GAME = {**_ODDS, **_DAY, "markets": ",".join(GAME_MARKETS)}


def _endpoint(
    name: str,
    path: str,
    parse: Callable[[Payload], ParseResult],
    tables: Mapping[str, tuple[str, ...]],
    params: Mapping[str, str],
    per: Literal["date", "event"],
    description: str,
) -> Endpoint:
    return Endpoint(
        source="odds_api",
        name=name,
        url=f"{BASE}{path}",
        parse=parse,
        tables=tables,
        params=params,
        per=per,
        description=description,
        api_key_setting="odds_api_key",
        api_key_param="apiKey",
    )


LIVE: tuple[Endpoint, ...] = (
    _endpoint("events", f"/sports/{SPORT}/events", parse_events, EVENTS_TABLE, _DAY, "date", "NBA events of the day"),
    _endpoint(
        "player_props", f"/sports/{SPORT}/events/{{event_id}}/odds", parse_player_props, PROPS_TABLES, _PROPS,
        "event", "player points/rebounds/assists/threes/PRA lines of one event",
    ),
    _endpoint(
        "game_lines", f"/sports/{SPORT}/odds", parse_game_lines, GAME_LINES_TABLES, _GAME, "date",
        "moneyline, spread and total of the day's games",
    ),
)  # fmt: skip
HISTORICAL: tuple[Endpoint, ...] = (
    _endpoint(
        "events_historical", f"/historical/sports/{SPORT}/events", parse_events, EVENTS_TABLE,
        {**_DAY, **_AT_SNAPSHOT}, "date", "NBA events of the day, as listed at the snapshot",
    ),
    _endpoint(
        "player_props_historical", f"/historical/sports/{SPORT}/events/{{event_id}}/odds", parse_player_props,
        PROPS_TABLES, {**_PROPS, **_AT_SNAPSHOT}, "event", "player lines of one event at the snapshot",
    ),
    _endpoint(
        "game_lines_historical", f"/historical/sports/{SPORT}/odds", parse_game_lines, GAME_LINES_TABLES,
        {**_GAME, **_AT_SNAPSHOT}, "date", "game lines of the day at the snapshot",
    ),
)  # fmt: skip
ENDPOINTS: tuple[Endpoint, ...] = LIVE + HISTORICAL


def select_endpoints(day: date, today: date) -> Sequence[Endpoint]:
    """A past day is scraped from the historical snapshots, today and later from the live market."""
    return HISTORICAL if day < today else LIVE


def request_keys(endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]]:
    """The day's events (US/Eastern date), as the events endpoint left them in raw.odds_events."""
    rows = wh.execute(
        "SELECT event_id FROM raw.odds_events WHERE game_date = ? ORDER BY commence_utc, event_id", [day]
    ).fetchall()
    return [{"event_id": r[0]} for r in rows]
