"""What every source endpoint is: declared as data, fetched by one client, parsed by one function.

A provider module (``sources/nbacom.py``, ``sources/odds_api.py``, ...) declares a tuple
``ENDPOINTS`` of ``Endpoint`` entries, one per endpoint, like ``nba_api``'s endpoint classes. The
parser of an endpoint is a pure function ``Payload -> ParseResult`` living in ``ingest/<provider>.py``:
it never touches the network or the warehouse, so it is tested directly on the recorded captures in
``../shared/data/samples``. Fetching (live or replayed), storing the payload byte-for-byte,
merging the rows idempotently and resolving player names are the same code for every endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd

PayloadFormat = Literal["json", "pdf", "html", "csv"]


@dataclass(frozen=True)
class Payload:
    """One answer of a source, exactly as received, with where and when it came from."""

    source: str
    endpoint: str
    body: bytes
    url: str  # API keys already redacted
    status: int
    fetched_utc: datetime
    params: Mapping[str, str] = field(default_factory=dict)
    content_type: str = ""


@dataclass
class ParseResult:
    """Typed rows per raw table, and the reason when there is nothing (``no_data``)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    no_data: str | None = None  # e.g. "no games on 2025-02-14": a fact, not an error


class ParseError(ValueError):
    """The payload is not what the endpoint promises (HTML error page, truncated JSON, renamed field).

    The message names the endpoint and what was wrong; the payload itself stays in the raw store.
    """


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of one provider, declared as data."""

    source: str  # provider key: nbacom, odds_api, bettingpros, espn, balldontlie, bbref
    name: str  # unique within the source: schedule, player_boxscore, gamebook_pdf, ...
    url: str  # template, e.g. "https://stats.nba.com/stats/scoreboardv2"
    parse: Callable[[Payload], ParseResult]
    # raw table -> natural key of its rows. The scrape step adds to every row `content_hash` (over the
    # parser's columns), `payload_sha256` (the stored payload it came from) and `ingested_utc`, then
    # merges with nbaprops.warehouse.merge.merge_frame: same payload twice changes nothing.
    tables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)  # query parameters, templates allowed
    headers: Mapping[str, str] = field(default_factory=dict)
    format: PayloadFormat = "json"
    api_key_setting: str | None = None  # Settings attribute holding the key, e.g. "odds_api_key"
    api_key_param: str | None = None  # query parameter or header that carries it
    per: Literal["date", "game", "event", "team", "season", "once"] = "date"
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.source}.{self.name}"


@dataclass(frozen=True)
class Request:
    """A concrete call of an endpoint: the template filled in for one date / game / team."""

    endpoint: Endpoint
    url: str
    params: Mapping[str, str]
    for_date: date | None = None
