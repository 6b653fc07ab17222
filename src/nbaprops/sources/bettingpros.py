"""BettingPros v3 (api.bettingpros.com): events and player-prop offers, the fallback line source.

The API wants an ``x-api-key`` header (the key its own web pages use); set
``NBAPROPS_BETTINGPROS_API_KEY``. Offers are per event and market and paginated
(``_pagination.total_pages``): ``next_page`` follows the pages, ``request_keys`` lists the day's
events from ``raw.bp_events``, and ``finish`` promotes the day's book lines into ``raw.prop_lines``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from nbaprops.ingest.bettingpros import MARKETS, parse_events, parse_offers, promote_offers
from nbaprops.pipeline.categories import NoDataAvailable
from nbaprops.sources.base import Endpoint, Payload, Request
from nbaprops.warehouse.db import Warehouse

BASE = "https://api.bettingpros.com/v3"
KEY_SETTING, KEY_PARAM = "bettingpros_api_key", "header:x-api-key"
OFFER_KEY = ("snapshot_utc", "event_id", "market", "player_name", "book_id", "line")

EVENTS = Endpoint(
    source="bettingpros",
    name="events",
    url=f"{BASE}/events",
    parse=parse_events,
    tables={"raw.bp_events": ("event_id",)},
    params={"sport": "NBA", "date": "{date}"},
    per="date",
    description="NBA games of the day with status and scores",
    api_key_setting=KEY_SETTING,
    api_key_param=KEY_PARAM,
)


def _offers(market_id: int, stat: str) -> Endpoint:
    return Endpoint(
        source="bettingpros",
        name=f"offers_{stat}",
        url=f"{BASE}/offers",
        parse=parse_offers,
        tables={"raw.bp_offers": OFFER_KEY},
        params={
            "sport": "NBA",
            "market_id": str(market_id),
            "event_id": "{event_id}",
            "book_id": "null",
            "limit": "10",
            "page": "1",
        },
        per="event",
        description=f"player {stat} over/under offers per book for one event",
        api_key_setting=KEY_SETTING,
        api_key_param=KEY_PARAM,
    )


ENDPOINTS: tuple[Endpoint, ...] = (
    EVENTS,
    *(_offers(market_id, market.removeprefix("player_")) for market_id, market in MARKETS.items()),
)


def request_keys(endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]]:
    """The day's BettingPros events (US/Eastern date)."""
    rows = wh.execute(
        "SELECT event_id FROM raw.bp_events WHERE game_date = ? ORDER BY scheduled_utc, event_id", [day]
    ).fetchall()
    return [{"event_id": str(r[0])} for r in rows]


def next_page(request: Request, payload: Payload) -> Request | None:
    """The next page of a paginated offers answer, if there is one."""
    if "page" not in request.params:
        return None
    try:
        pagination = json.loads(payload.body).get("_pagination") or {}
        page, total = int(pagination.get("page", request.params["page"])), int(pagination.get("total_pages", 1))
    except (ValueError, TypeError, AttributeError):
        return None
    if page >= total:
        return None
    return replace(request, params={**request.params, "page": str(page + 1)})


def finish(wh: Warehouse, day: date) -> tuple[int, str]:
    """Promote the day's offers into raw.prop_lines."""
    counts = promote_offers(wh, day)
    if counts.inserted + counts.updated + counts.unchanged == 0:
        raise NoDataAvailable(f"no BettingPros book lines for {day} to promote")
    return counts.written, (
        f"{counts.inserted} new, {counts.updated} updated, {counts.unchanged} unchanged prop lines from BettingPros"
    )
