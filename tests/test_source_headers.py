"""Browser headers live in one host table; endpoints declare only what is their own.

Each NBA.com page and PDF endpoint is fetched through the real client over an ``httpx.MockTransport``
(no network): what the host wants arrives with the request without the endpoint declaring it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from conftest import make_settings
from nbaprops.http import HttpClient, HttpSettings, ManualClock
from nbaprops.http.headers import BROWSER_HEADERS, HOST_HEADERS
from nbaprops.sources.base import Endpoint
from nbaprops.sources.scrape import day_values, load_catalog, make_request

CATALOG = load_catalog()
ENDPOINTS = {ep.key: ep for provider in CATALOG.providers for ep in provider.endpoints}
DAY = date(2024, 1, 15)
KEYS = {"team_id": "1610612747", "gamebook": "20240115_HOUPHI", "game_id": "0022300555"}


def sent_headers(tmp_path: Path, endpoint: Endpoint) -> httpx.Headers:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"{}", headers={"content-type": "application/json"})

    http = HttpClient(
        make_settings(tmp_path / "home"),
        HttpSettings(_env_file=None),  # type: ignore[call-arg]
        clock=ManualClock(datetime(2024, 1, 15, 17, 0, tzinfo=UTC)),
        transport=httpx.MockTransport(answer),
    )
    with http:
        http.fetch(make_request(endpoint, {**day_values(DAY), **KEYS}, DAY))
    assert len(seen) == 1
    return seen[0].headers


def test_no_endpoint_carries_browser_headers_of_its_own() -> None:
    assert not CATALOG.broken
    for key, ep in ENDPOINTS.items():
        assert "User-Agent" not in ep.headers and "Referer" not in ep.headers, key
    assert not [key for key, ep in ENDPOINTS.items() if key.startswith("nbacom.") and ep.headers]


@pytest.mark.parametrize(
    ("key", "host", "accept"),
    [
        ("nbacom.roster", "www.nba.com", "text/html,application/xhtml+xml,*/*;q=0.8"),
        ("nbacom.referee_assignments", "official.nba.com", BROWSER_HEADERS["Accept"]),
        ("nbacom.injury_report", "ak-static.cms.nba.com", "application/pdf, */*"),
        ("nbacom.gamebook_pdf", "statsdmz.nba.com", "application/pdf, */*"),
    ],
)
def test_nba_com_pages_and_pdfs_get_the_hosts_browser_headers(tmp_path: Path, key: str, host: str, accept: str) -> None:
    headers = sent_headers(tmp_path, ENDPOINTS[key])
    assert host in HOST_HEADERS
    assert headers["user-agent"] == BROWSER_HEADERS["User-Agent"] and "Mozilla" in headers["user-agent"]
    assert headers["accept"] == accept and headers["accept-language"] == BROWSER_HEADERS["Accept-Language"]
    if host == "ak-static.cms.nba.com":  # as before the move: the injury report host also gets the nba.com referer
        assert headers["referer"] == "https://www.nba.com/"
