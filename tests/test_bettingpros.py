"""BettingPros v3: events on the real captures; offers only structurally (no recorded offers answer exists)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from conftest import SAMPLES_DIR
from nbaprops.ingest.bettingpros import parse_events, parse_offers, promote_offers
from nbaprops.pipeline.categories import NoDataAvailable
from nbaprops.sources import bettingpros
from nbaprops.sources.base import ParseError, Payload
from nbaprops.sources.scrape import day_values, make_request
from nbaprops.warehouse.db import Warehouse
from nbaprops.warehouse.merge import content_hash, merge_frame

pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
CAPTURES = sorted((SAMPLES_DIR / "bp_events").glob("*.json"))
DAY = date(2021, 10, 21)


def payload(body: bytes, **params: str) -> Payload:
    return Payload(
        "bettingpros", "events", body, "https://api.bettingpros.com/v3/events", 200, datetime(2025, 8, 12), params
    )


def test_events_of_2021_10_21() -> None:
    frame = parse_events(payload(CAPTURES[0].read_bytes())).tables["raw.bp_events"]
    assert frame["event_id"].tolist() == [20879, 20880, 20881]
    assert list(zip(frame["away"], frame["home"], strict=True)) == [("DAL", "ATL"), ("MIL", "MIA"), ("LAC", "GSW")]
    atl = frame.iloc[0]
    assert (atl["home_score"], atl["away_score"], atl["status"]) == (113, 87, "closed")
    assert atl["scheduled_utc"] == datetime(2021, 10, 21, 23, 30) and atl["venue"] == "State Farm Arena"
    assert atl["sr_id"] == "926a442f-8c1f-47b4-beff-3185b028af4e" and atl["season_type"] == "REG"
    # The Warriors' 10 pm Eastern tip-off is 02:00 UTC the next day: still the 21st's game.
    gsw = frame.iloc[2]
    assert gsw["scheduled_utc"] == datetime(2021, 10, 22, 2, 0) and gsw["game_date"] == DAY
    assert (gsw["home_score"], gsw["away_score"]) == (115, 113)
    assert set(frame["game_date"]) == {DAY}


def test_the_two_captures_differ_only_in_their_stamp_and_merge_as_unchanged(wh: Warehouse) -> None:
    frames = [parse_events(payload(p.read_bytes())).tables["raw.bp_events"] for p in CAPTURES]
    assert len(CAPTURES) == 2 and frames[0].equals(frames[1])
    counts = []
    for i, frame in enumerate(frames):
        data = frame.assign(content_hash=content_hash(frame, list(frame.columns)), payload_sha256=f"p{i}")
        with wh.transaction():
            counts.append(
                merge_frame(wh, "raw.bp_events", data.assign(ingested_utc=datetime(2025, 8, 12)), ("event_id",))
            )
    assert (counts[0].inserted, counts[1].unchanged) == (3, 3)
    assert wh.count("raw.bp_events") == 3


def test_an_off_day_is_no_data() -> None:
    doc = json.loads(CAPTURES[0].read_text())
    doc["events"] = []
    result = parse_events(payload(json.dumps(doc).encode()))
    assert result.no_data == "no NBA events on 2021-10-21" and not result.tables


def test_a_renamed_events_field_is_named() -> None:
    doc = json.loads(CAPTURES[0].read_text())
    doc["games"] = doc.pop("events")
    with pytest.raises(ParseError, match=r"field 'events' is missing \(fields present: _parameters, games, ts, utc\)"):
        parse_events(payload(json.dumps(doc).encode()))


# ---------------------------------------------------------------------------- offers (no capture exists)
def test_offers_parser_checks_the_documented_shape() -> None:
    with pytest.raises(ParseError, match="field 'offers' is missing"):
        parse_offers(payload(CAPTURES[0].read_bytes()))  # an events answer is not an offers answer
    assert parse_offers(payload(b'{"offers": [], "_pagination": {"page": 1, "total_pages": 1}}')).no_data


def test_offers_endpoints_and_pagination() -> None:
    names = {e.name: e for e in bettingpros.ENDPOINTS}
    assert set(names) == {"events", "offers_points", "offers_rebounds", "offers_assists"}
    assert {names[f"offers_{m}"].params["market_id"] for m in ("points", "rebounds", "assists")} == {
        "156",
        "157",
        "151",
    }
    request = make_request(names["offers_points"], {**day_values(DAY), "event_id": "20879"}, DAY)
    assert request.url == "https://api.bettingpros.com/v3/offers" and request.params["event_id"] == "20879"
    first = Payload(
        "bettingpros",
        "offers_points",
        b'{"_pagination": {"page": 1, "total_pages": 2}}',
        "u",
        200,
        datetime(2025, 1, 1),
    )
    second = bettingpros.next_page(request, first)
    assert second is not None and second.params["page"] == "2"
    last = Payload(
        "bettingpros",
        "offers_points",
        b'{"_pagination": {"page": 2, "total_pages": 2}}',
        "u",
        200,
        datetime(2025, 1, 1),
    )
    assert bettingpros.next_page(second, last) is None
    assert all(e.api_key_param == "header:x-api-key" for e in bettingpros.ENDPOINTS)


def test_request_keys_are_the_days_events_and_promotion_needs_offers(wh: Warehouse) -> None:
    frame = parse_events(payload(CAPTURES[0].read_bytes())).tables["raw.bp_events"]
    data = frame.assign(
        content_hash=content_hash(frame, list(frame.columns)), payload_sha256="p", ingested_utc=datetime(2025, 8, 12)
    )
    with wh.transaction():
        merge_frame(wh, "raw.bp_events", data, ("event_id",))
    keys = bettingpros.request_keys(names := bettingpros.ENDPOINTS[1], wh, DAY)
    assert names.name == "offers_points" and keys == [
        {"event_id": "20879"},
        {"event_id": "20880"},
        {"event_id": "20881"},
    ]
    assert bettingpros.request_keys(names, wh, date(2021, 10, 22)) == []
    assert promote_offers(wh, DAY).written == 0
    with pytest.raises(NoDataAvailable):
        bettingpros.finish(wh, DAY)
