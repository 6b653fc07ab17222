"""Recorded source answers as payloads, and the scrape step's merge, for the parser tests.

Captures are read from ../shared/data/samples exactly as the sources served them (gzipped ones
are unzipped, as the HTTP client would have). Nothing here touches the network.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from datetime import date, datetime
from types import ModuleType

import pytest

from conftest import SAMPLES_DIR
from nbaprops.sources.base import Endpoint, ParseResult, Payload, Request
from nbaprops.sources.scrape import Provider, day_values, make_request
from nbaprops.warehouse.db import Warehouse, utcnow
from nbaprops.warehouse.merge import MergeCounts, content_hash, merge_frame

needs_samples = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
PROVENANCE = ("content_hash", "payload_sha256", "ingested_utc")


def body(relative: str) -> bytes:
    path = SAMPLES_DIR / relative
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def payload(
    endpoint: Endpoint,
    data: bytes | str,
    *,
    url: str = "https://example.invalid/",
    params: Mapping[str, str] | None = None,
    fetched_utc: datetime = datetime(2025, 1, 16, 17, 0),
    status: int = 200,
) -> Payload:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return Payload(endpoint.source, endpoint.name, raw, url, status, fetched_utc, dict(params or {}))


def capture(endpoint: Endpoint, relative: str, **kwargs: object) -> Payload:
    return payload(endpoint, body(relative), **kwargs)  # type: ignore[arg-type]


def parse(endpoint: Endpoint, relative: str, **kwargs: object) -> ParseResult:
    return endpoint.parse(capture(endpoint, relative, **kwargs))


def endpoint(module: ModuleType, name: str) -> Endpoint:
    return next(e for e in module.ENDPOINTS if e.name == name)


def merge(wh: Warehouse, endpoint: Endpoint, result: ParseResult, sha: str = "sha") -> dict[str, MergeCounts]:
    """What the scrape step does with a parse result: hash the parser's columns, stamp, merge on the key."""
    counts = {}
    with wh.transaction():
        for table, frame in result.tables.items():
            assert table in endpoint.tables, f"{endpoint.key} produced undeclared table {table}"
            data = frame.copy()
            data["content_hash"] = content_hash(data, list(frame.columns))
            data["payload_sha256"] = sha
            data["ingested_utc"] = utcnow()
            counts[table] = merge_frame(wh, table, data, endpoint.tables[table])
    return counts


def assert_fits_its_tables(wh: Warehouse, endpoint: Endpoint, result: ParseResult) -> None:
    """Every parsed column has a place in the table, every table column is filled, keys are unique;
    merging the same answer again changes nothing."""
    assert result.tables, f"{endpoint.key}: no tables parsed"
    for table, frame in result.tables.items():
        columns = {c for c in wh.table_columns(table) if c not in PROVENANCE}
        assert set(frame.columns) <= columns, f"{table}: no column for {set(frame.columns) - columns}"
        # only the registry's player_id (for sources without NBA.com ids) is filled after the merge
        assert columns - set(frame.columns) <= {"player_id"}, f"{table}: nothing fills {columns - set(frame.columns)}"
        assert not frame.duplicated(list(endpoint.tables[table])).any()
    first = merge(wh, endpoint, result, "first")
    again = merge(wh, endpoint, result, "second")
    for table, counts in again.items():
        assert counts.written == 0 and counts.unchanged == first[table].inserted, table


# Text lines of the MEM @ CLE 2024-04-10 game book as pdfplumber reads such a page: the player
# lines are quoted from the capturing project's (najicham/nba-stats-scraper) parser, the inactive
# lists are its parsed output for this game (names and reasons) laid out as the game book prints
# them. Used because both stored game-book PDFs are damaged (see test_source_nbacom).
MEM_CLE_LINES = [
    "Wednesday, April 10, 2024 Rocket Mortgage FieldHouse, Cleveland, OH",
    "Officials: #24 Kevin Scott, #36 Brent Barnaky, #41 Nate Green",
    "VISITOR: Memphis Grizzlies",
    "45 GG Jackson F 35:42 7 21 2 10 6 6 0 2 2 2 2 2 1 1 -13 22",
    "7 Santi Aldama NWT - Injury/Illness - Right Foot; Strain",
    "HOME: Cleveland Cavaliers",
    "24 Marcus Morris Sr. DNP - Coach's Decision",
    "Inactive: Grizzlies - Bane (Injury/Illness - Lumbar; Disc Bulge), Goodwin (G League - Two-Way), Jackson Jr.",
    "(Injury/Illness - Right Quadriceps; Tendonitis), Konchar (Injury/Illness - Right Plantar; Fasciitis), Morant",
    "(Injury/Illness - Right Shoulder; Labral Repair), Rose (Injury/Illness - Right Groin; Low Back Injury Recovery),",
    "Smart (Injury/Illness - Right Ring Finger; Central Slip Tear), Watanabe (Personal), Williams Jr. (Injury/Illness",
    "- Left Patellar; Tendonitis) Inactive: Cavaliers - Jerome (Injury/Illness - Right Ankle; Surgery), Merrill",
    "(Injury/Illness - Neck; Strain), Wade (Injury/Illness - Right Knee; Sprain)",
]


def requests_for(module: ModuleType, wh: Warehouse, day: date) -> dict[str, list[Request]]:
    """The requests the scrape step would make for each endpoint of a provider on a day."""
    provider = Provider(module)
    values = day_values(day)
    planned = {}
    for ep in module.ENDPOINTS:
        keys = [{}] if ep.per in ("once", "season", "date") else provider.keys(ep, wh, day)
        planned[ep.name] = [make_request(ep, {**values, **k}, day) for k in keys]
    return planned
