"""Request headers each host expects, and the response headers worth keeping.

stats.nba.com drops connections from clients that do not look like the NBA.com web app (it wants a
browser User-Agent, ``Referer``/``Origin`` of www.nba.com and the ``x-nba-stats-*`` pair); the CDN,
the nba.com pages and PDFs, ESPN pages and basketball-reference serve browsers more reliably than
bare clients. This table is the one place such headers live: an endpoint declares only what is
specific to it (an API key header, say), so a change of what a host wants is one edit here.
"""

from __future__ import annotations

from collections.abc import Mapping

BROWSER_HEADERS: dict[str, str] = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
    ),
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
}

_NBA_WEB = {"Referer": "https://www.nba.com/", "Origin": "https://www.nba.com"}
_PAGES = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
_PDFS = {"Accept": "application/pdf, */*"}

HOST_HEADERS: dict[str, dict[str, str]] = {
    "stats.nba.com": {**BROWSER_HEADERS, **_NBA_WEB, "x-nba-stats-origin": "stats", "x-nba-stats-token": "true"},
    "cdn.nba.com": {**BROWSER_HEADERS, **_NBA_WEB},
    "www.nba.com": {**BROWSER_HEADERS, **_PAGES},  # team pages (rosters)
    "official.nba.com": dict(BROWSER_HEADERS),  # the referees' site: its JSON API (assignments)
    "ak-static.cms.nba.com": {**BROWSER_HEADERS, **_NBA_WEB, **_PDFS},  # the official injury report
    "statsdmz.nba.com": {**BROWSER_HEADERS, **_PDFS},  # the official game books
    "www.basketball-reference.com": {**BROWSER_HEADERS, **_PAGES},
    "www.espn.com": {**BROWSER_HEADERS, **_PAGES},
    "api.bettingpros.com": {
        **BROWSER_HEADERS,
        "Origin": "https://www.bettingpros.com",
        "Referer": "https://www.bettingpros.com/",
    },
}
DEFAULT_HEADERS: dict[str, str] = {"User-Agent": "nbaprops/0.1", "Accept": "*/*"}

# Kept with each payload (manifest and replay): none of them can carry a credential.
KEPT_RESPONSE_HEADERS = (
    "content-type",
    "date",
    "etag",
    "last-modified",
    "retry-after",
    "x-requests-remaining",
    "x-requests-used",
    "x-requests-last",
)
QUOTA_HEADERS = ("x-requests-remaining", "x-requests-used", "x-requests-last")


def headers_for(host: str, endpoint_headers: Mapping[str, str]) -> dict[str, str]:
    """The host's usual headers, overridden by what the endpoint declares."""
    return {**HOST_HEADERS.get(host.lower(), DEFAULT_HEADERS), **endpoint_headers}


def kept(headers: Mapping[str, str]) -> dict[str, str]:
    lowered = {k.lower(): v for k, v in headers.items()}
    return {name: lowered[name] for name in KEPT_RESPONSE_HEADERS if name in lowered}
