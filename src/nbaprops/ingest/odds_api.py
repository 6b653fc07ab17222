"""Parsers for The Odds API v4: events, event odds (player props) and game lines, live or historical.

Every answer of these endpoints is made of the same *event* objects (id, commence_time, home_team,
away_team, bookmakers -> markets -> outcomes); the historical variants wrap them in
``{"timestamp", "previous_timestamp", "next_timestamp", "data"}`` where ``data`` is one event or a
list. One unwrapping and one flattening serve all six endpoints; only the final shaping differs.

Meaning of the rows (the same as the history import, so the pipeline does not care where a line
came from): ``snapshot_utc`` is the historical snapshot's timestamp, or the fetch time of a live
answer; ``game_date`` is the US/Eastern date of tip-off; teams are tricodes; odds are American
(answers in the API's default decimal format are converted); alternate ladders stay as rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import structlog

from nbaprops.ingest.payloads import (
    american_from_decimal,
    decimal_from_american,
    eastern_date,
    load_json,
    require,
    require_list,
    utc,
)
from nbaprops.reference.bookmakers import bookmaker_key
from nbaprops.reference.teams import resolve_team
from nbaprops.sources.base import ParseError, ParseResult, Payload

log = structlog.get_logger(__name__)

PLAYER_MARKETS = (
    "player_points",
    "player_rebounds",
    "player_assists",
    "player_threes",
    "player_points_rebounds_assists",
)
GAME_MARKETS = ("h2h", "spreads", "totals")

EVENT_COLUMNS = ["event_id", "sport_key", "commence_utc", "game_date", "home_team", "away_team", "home", "away"]
PROP_COLUMNS = [
    "snapshot_utc",
    "event_id",
    "player_name",
    "market",
    "bookmaker",
    "line",
    "over_odds",
    "under_odds",
    "home",
    "away",
    "commence_utc",
    "game_date",
]
GAME_LINE_COLUMNS = [
    "snapshot_utc",
    "event_id",
    "bookmaker",
    "market",
    "side",
    "outcome_name",
    "point",
    "price_american",
    "price_decimal",
    "book_update_utc",
    "commence_utc",
    "game_date",
    "home",
    "away",
]


@dataclass(frozen=True)
class Event:
    event_id: str
    sport_key: str | None
    commence_utc: datetime
    game_date: date
    home_team: str
    away_team: str
    home: str | None
    away: str | None
    bookmakers: list[Any]

    def row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in EVENT_COLUMNS}


@dataclass(frozen=True)
class Answer:
    """An answer unwrapped: when it describes the market, and its events."""

    snapshot_utc: datetime
    events: list[Event]
    odds_format: str


# ---------------------------------------------------------------------------- unwrapping
def unwrap(payload: Payload) -> Answer:
    """Events of any Odds API answer, the snapshot time, and the odds format in use."""
    doc = load_json(payload)
    snapshot = payload.fetched_utc.replace(microsecond=0)
    if isinstance(doc, dict) and "data" in doc:  # historical envelope
        snapshot = utc(require(doc, "timestamp", "historical answer"), "historical timestamp") or snapshot
        doc = doc["data"]
    if isinstance(doc, dict) and "message" in doc and "id" not in doc:
        raise ParseError(f"error answer instead of data: {doc['message']!r}")
    if isinstance(doc, dict):
        raw_events = [doc]
    elif isinstance(doc, list):
        raw_events = doc
    else:
        raise ParseError(f"expected an event or a list of events, got {type(doc).__name__}")
    events = [_event(e, i) for i, e in enumerate(raw_events)]
    return Answer(snapshot, events, _odds_format(payload, events))


def _event(raw: Any, index: int) -> Event:
    where = f"event {index}"
    event_id = str(require(raw, "id", where))
    where = f"event {event_id}"
    commence = utc(require(raw, "commence_time", where), f"{where} commence_time")
    if commence is None:
        raise ParseError(f"{where}: commence_time is empty")
    home_team, away_team = str(require(raw, "home_team", where)), str(require(raw, "away_team", where))
    bookmakers = raw.get("bookmakers", [])
    if not isinstance(bookmakers, list):
        raise ParseError(f"{where}: field 'bookmakers' should be a list, got {type(bookmakers).__name__}")
    return Event(
        event_id=event_id,
        sport_key=raw.get("sport_key"),
        commence_utc=commence,
        game_date=eastern_date(commence),
        home_team=home_team,
        away_team=away_team,
        home=resolve_team(home_team),
        away=resolve_team(away_team),
        bookmakers=bookmakers,
    )


def _odds_format(payload: Payload, events: list[Event]) -> str:
    """The format the prices are in: as requested, else as they look.

    The API answers in decimal unless asked otherwise; nbaprops always asks for American, so the
    guess only matters for answers recorded elsewhere. American prices are never strictly between
    -100 and +100; decimal prices are always above 1 and, for these markets, far below 100.
    """
    requested = payload.params.get("oddsFormat")
    if requested in {"american", "decimal"}:
        return requested
    prices = [float(o["price"]) for _, _, _, o in _outcomes(events) if isinstance(o.get("price"), int | float)]
    if not prices:
        return "american"
    return "american" if any(p < 1.0 or p >= 100.0 for p in prices) else "decimal"


def _outcomes(events: list[Event]) -> list[tuple[Event, dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(event, bookmaker, market, outcome) for every outcome of every answer, fields checked."""
    found = []
    for event in events:
        for book in event.bookmakers:
            where = f"event {event.event_id} bookmaker {book.get('key', '?') if isinstance(book, dict) else '?'}"
            require(book, "key", where)
            for market in require_list(book, "markets", where):
                market_where = f"{where} market {market.get('key', '?') if isinstance(market, dict) else '?'}"
                require(market, "key", market_where)
                for outcome in require_list(market, "outcomes", market_where):
                    require(outcome, "name", market_where)
                    require(outcome, "price", market_where)
                    found.append((event, book, market, outcome))
    return found


def _american(price: Any, odds_format: str) -> float | None:
    if price is None:
        return None
    return american_from_decimal(float(price)) if odds_format == "decimal" else float(price)


def _decimal(price: Any, odds_format: str) -> float | None:
    if price is None:
        return None
    return float(price) if odds_format == "decimal" else decimal_from_american(float(price))


def _known_teams(events: list[Event]) -> list[Event]:
    """Events between two teams the registry knows; others (All-Star exhibitions) are logged and left out."""
    known = [e for e in events if e.home and e.away]
    for e in events:
        if not (e.home and e.away):
            log.warning(
                "odds event with unknown team left out", event_id=e.event_id, game=f"{e.away_team} @ {e.home_team}"
            )
    return known


# ---------------------------------------------------------------------------- parsers
def _events_frame(events: list[Event]) -> pd.DataFrame:
    return pd.DataFrame([e.row() for e in events], columns=EVENT_COLUMNS)


def parse_events(payload: Payload) -> ParseResult:
    """Events (games) of a day: raw.odds_events."""
    answer = unwrap(payload)
    if not answer.events:
        return ParseResult(no_data=f"no NBA events in the answer ({payload.url})")
    return ParseResult({"raw.odds_events": _events_frame(answer.events)})


def parse_player_props(payload: Payload) -> ParseResult:
    """Player over/under lines: raw.prop_lines (one row per book, player, market and line), plus the event."""
    answer = unwrap(payload)
    if not answer.events:
        return ParseResult(no_data=f"no events in the answer ({payload.url})")
    quotes: dict[tuple[str, str, str, str, float], dict[str, Any]] = {}
    for event, book, market, outcome in _outcomes(_known_teams(answer.events)):
        point, player = outcome.get("point"), outcome.get("description")
        if point is None or not player:  # yes/no markets (double-double, first basket) have no line
            continue
        side = str(outcome["name"]).strip().lower()
        if side not in {"over", "under"}:
            continue
        bookmaker = bookmaker_key(str(book["key"]))
        key = (event.event_id, bookmaker, str(market["key"]), str(player), float(point))
        row = quotes.setdefault(
            key,
            {
                "snapshot_utc": answer.snapshot_utc,
                "event_id": event.event_id,
                "player_name": str(player).strip(),
                "market": str(market["key"]),
                "bookmaker": bookmaker,
                "line": float(point),
                "over_odds": None,
                "under_odds": None,
                "home": event.home,
                "away": event.away,
                "commence_utc": event.commence_utc,
                "game_date": event.game_date,
            },
        )
        row[f"{side}_odds"] = _american(outcome["price"], answer.odds_format)
    tables = {"raw.odds_events": _events_frame(answer.events)}
    if not quotes:
        return ParseResult(tables, no_data=f"no player lines offered yet ({payload.url})")
    tables["raw.prop_lines"] = pd.DataFrame(list(quotes.values()), columns=PROP_COLUMNS)
    return ParseResult(tables)


def _side(event: Event, market: str, name: str) -> str:
    lowered = name.strip().lower()
    if market == "totals" and lowered in {"over", "under"}:
        return lowered
    if name == event.home_team:
        return "home"
    if name == event.away_team:
        return "away"
    if lowered == "draw":
        return "draw"
    raise ParseError(
        f"event {event.event_id} market {market}: outcome {name!r} is neither"
        f" {event.home_team!r} nor {event.away_team!r}"
    )


def parse_game_lines(payload: Payload) -> ParseResult:
    """Moneyline, spread and total per book: raw.odds_game_lines, plus the events."""
    answer = unwrap(payload)
    if not answer.events:
        return ParseResult(no_data=f"no events in the answer ({payload.url})")
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for event, book, market, outcome in _outcomes(_known_teams(answer.events)):
        market_key = str(market["key"])
        if market_key not in GAME_MARKETS:
            continue
        bookmaker = bookmaker_key(str(book["key"]))
        side = _side(event, market_key, str(outcome["name"]))
        rows.setdefault(
            (event.event_id, bookmaker, market_key, side),
            {
                "snapshot_utc": answer.snapshot_utc,
                "event_id": event.event_id,
                "bookmaker": bookmaker,
                "market": market_key,
                "side": side,
                "outcome_name": str(outcome["name"]),
                "point": None if outcome.get("point") is None else float(outcome["point"]),
                "price_american": _american(outcome["price"], answer.odds_format),
                "price_decimal": _decimal(outcome["price"], answer.odds_format),
                "book_update_utc": utc(market.get("last_update") or book.get("last_update")),
                "commence_utc": event.commence_utc,
                "game_date": event.game_date,
                "home": event.home,
                "away": event.away,
            },
        )
    tables = {"raw.odds_events": _events_frame(answer.events)}
    if not rows:
        return ParseResult(tables, no_data=f"no game lines offered yet ({payload.url})")
    tables["raw.odds_game_lines"] = pd.DataFrame(list(rows.values()), columns=GAME_LINE_COLUMNS)
    return ParseResult(tables)
