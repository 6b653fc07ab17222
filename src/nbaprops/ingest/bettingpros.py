"""Parsers for BettingPros v3: events and player-prop offers — the fallback line source.

Events (``/v3/events?sport=NBA&date=...``) are parsed from real captures. Offers
(``/v3/offers?sport=NBA&market_id=...&event_id=...``) are parsed against their documented shape —
``offers[].participants[0]`` is the player, ``offers[].selections[]`` the over and under sides,
each with ``books[].lines[]`` of ``{line, cost, updated}`` — because no recorded offers answer
exists in ``../shared/data/samples``: this parser has not yet met a real answer.

Offers keep BettingPros' own ids in ``raw.bp_offers``. ``promote_offers`` then copies a day's book
lines (not the BettingPros consensus, which no book offers) into ``raw.prop_lines`` with the same
meaning as The Odds API's, joined to the event for teams and tip-off, so the registry and the rest
of the pipeline use them unchanged. Event ids are prefixed ``bp-`` there to stay apart from The
Odds API's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from nbaprops.ingest.payloads import eastern_date, load_json, require, require_list, stamp, utc
from nbaprops.reference.teams import resolve_team
from nbaprops.sources.base import ParseError, ParseResult, Payload
from nbaprops.warehouse.db import Warehouse, utcnow
from nbaprops.warehouse.merge import MergeCounts, merge_frame

MARKETS = {156: "player_points", 157: "player_rebounds", 151: "player_assists"}
CONSENSUS_BOOK = 0
BOOKS = {  # BettingPros book id -> The Odds API bookmaker key
    0: "bettingpros_consensus",
    10: "fanduel",
    12: "draftkings",
    13: "williamhill_us",
    14: "pointsbetus",
    18: "betrivers",
    19: "betmgm",
    24: "bet365",
    28: "unibet_us",
    33: "espnbet",
}
PROP_LINES_KEY = ("snapshot_utc", "event_id", "player_name", "market", "bookmaker", "line")
EVENT_COLUMNS = [
    "event_id",
    "sr_id",
    "scheduled_utc",
    "game_date",
    "season",
    "season_type",
    "status",
    "home_code",
    "away_code",
    "home",
    "away",
    "home_score",
    "away_score",
    "venue",
]
OFFER_COLUMNS = [
    "snapshot_utc",
    "event_id",
    "market",
    "bp_market_id",
    "player_name",
    "bp_player_id",
    "player_team",
    "book_id",
    "bookmaker",
    "line",
    "over_odds",
    "under_odds",
    "line_updated_utc",
]


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _scores(raw: dict[str, Any]) -> dict[str, int]:
    results = raw.get("results") or {}
    outcomes = results.get("outcomes") or [] if isinstance(results, dict) else []
    for outcome in outcomes:
        if outcome.get("label") == "event":
            return {str(s.get("participant")): int(s["score"]) for s in outcome.get("scores") or [] if "score" in s}
    return {}


def parse_events(payload: Payload) -> ParseResult:
    """The day's games with status and final score: raw.bp_events."""
    doc = load_json(payload)
    events = require_list(doc, "events", "events answer")
    if not events:
        day = (doc.get("_parameters") or {}).get("date") or payload.params.get("date", "")
        return ParseResult(no_data=f"no NBA events on {day}")
    rows = []
    for i, raw in enumerate(events):
        where = f"event {raw.get('id', i) if isinstance(raw, dict) else i}"
        scheduled = utc(require(raw, "scheduled", where), f"{where} scheduled")
        if scheduled is None:
            raise ParseError(f"{where}: 'scheduled' is empty")
        home_code, away_code = str(require(raw, "home", where)), str(require(raw, "visitor", where))
        scores = _scores(raw)
        rows.append(
            {
                "event_id": int(require(raw, "id", where)),
                "sr_id": raw.get("sr_id"),
                "scheduled_utc": scheduled,
                "game_date": eastern_date(scheduled),
                "season": _int(raw.get("season")),
                "season_type": raw.get("season_type"),
                "status": raw.get("status"),
                "home_code": home_code,
                "away_code": away_code,
                "home": resolve_team(home_code),
                "away": resolve_team(away_code),
                "home_score": scores.get(home_code),
                "away_score": scores.get(away_code),
                "venue": (raw.get("venue") or {}).get("name"),
            }
        )
    return ParseResult({"raw.bp_events": pd.DataFrame(rows, columns=EVENT_COLUMNS)})


def parse_offers(payload: Payload) -> ParseResult:
    """Over/under prices per book for one market of one event: raw.bp_offers (documented shape, see module)."""
    doc = load_json(payload)
    offers = require_list(doc, "offers", "offers answer")
    if not offers:
        return ParseResult(no_data=f"no offers ({payload.url})")
    quotes: dict[tuple[int, str, str, int, float], dict[str, Any]] = {}
    for i, offer in enumerate(offers):
        where = f"offer {offer.get('id', i) if isinstance(offer, dict) else i}"
        market_id = int(offer.get("market_id") or payload.params.get("market_id") or require(offer, "market_id", where))
        event_id = int(require(offer, "event_id", where))
        participants = require_list(offer, "participants", where)
        if not participants:
            raise ParseError(f"{where}: no participants")
        person = participants[0]
        name = str(require(person, "name", f"{where} participant")).strip()
        team = (person.get("player") or {}).get("team")
        for selection in require_list(offer, "selections", where):
            side = str(require(selection, "selection", where)).lower()
            if side not in {"over", "under"}:
                continue
            for book in require_list(selection, "books", f"{where} {side}"):
                book_id = int(require(book, "id", f"{where} {side} book"))
                for quote in require_list(book, "lines", f"{where} {side} book {book_id}"):
                    line_where = f"{where} {side} book {book_id} line"
                    line, cost = require(quote, "line", line_where), require(quote, "cost", line_where)
                    if line is None:
                        continue
                    row = quotes.setdefault(
                        (event_id, MARKETS.get(market_id, f"bp_market_{market_id}"), name, book_id, float(line)),
                        {
                            "snapshot_utc": payload.fetched_utc.replace(microsecond=0),
                            "event_id": event_id,
                            "market": MARKETS.get(market_id, f"bp_market_{market_id}"),
                            "bp_market_id": market_id,
                            "player_name": name,
                            "bp_player_id": None if person.get("id") is None else str(person.get("id")),
                            "player_team": team,
                            "book_id": book_id,
                            "bookmaker": BOOKS.get(book_id, f"bp_book_{book_id}"),
                            "line": float(line),
                            "over_odds": None,
                            "under_odds": None,
                            "line_updated_utc": None,
                        },
                    )
                    row[f"{side}_odds"] = None if cost is None else float(cost)
                    updated = utc(quote.get("updated"), f"{line_where} updated")
                    if updated is not None and (row["line_updated_utc"] is None or updated > row["line_updated_utc"]):
                        row["line_updated_utc"] = updated
    if not quotes:
        return ParseResult(no_data=f"offers without any priced line ({payload.url})")
    return ParseResult({"raw.bp_offers": pd.DataFrame(list(quotes.values()), columns=OFFER_COLUMNS)})


def promote_offers(wh: Warehouse, day: date) -> MergeCounts:
    """Copy the day's book lines from raw.bp_offers into raw.prop_lines (idempotent).

    The snapshot of a promoted line is when BettingPros last saw that price (``updated``), falling
    back to the fetch time, so a line fetched after the game still reads as the pre-game quote it was.
    """
    frame = wh.df(
        """
        SELECT coalesce(o.line_updated_utc, o.snapshot_utc) AS snapshot_utc, 'bp-' || o.event_id AS event_id,
               o.player_name, o.market, o.bookmaker, o.line, o.over_odds, o.under_odds, e.home, e.away,
               e.scheduled_utc AS commence_utc, e.game_date, o.payload_sha256,
               coalesce(p.path, 'bettingpros:' || o.payload_sha256) AS source_file
        FROM raw.bp_offers o
        JOIN raw.bp_events e USING (event_id)
        LEFT JOIN (SELECT sha256, min(path) AS path FROM raw.payloads GROUP BY sha256) p ON p.sha256 = o.payload_sha256
        WHERE e.game_date = ? AND o.book_id <> ? AND e.home IS NOT NULL AND e.away IS NOT NULL
        QUALIFY row_number() OVER (
            PARTITION BY coalesce(o.line_updated_utc, o.snapshot_utc), o.event_id, o.player_name, o.market,
                         o.bookmaker, o.line
            ORDER BY o.snapshot_utc DESC) = 1
        """,
        [day, CONSENSUS_BOOK],
    )
    if frame.empty:
        return MergeCounts(0, 0, 0)
    now = utcnow()
    parts = []
    for (sha, source_file), group in frame.groupby(["payload_sha256", "source_file"], sort=False):
        provenance = {"payload_sha256": sha, "source_file": source_file, "imported_utc": now}
        parts.append(stamp(wh, "raw.prop_lines", group, provenance))
    with wh.transaction():
        return merge_frame(wh, "raw.prop_lines", pd.concat(parts, ignore_index=True), PROP_LINES_KEY)
