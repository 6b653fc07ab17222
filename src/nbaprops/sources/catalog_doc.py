"""The sources documentation tables, generated from the endpoint declarations themselves.

``docs/sources.md`` embeds what ``sources_markdown()`` prints (``nbaprops sources``), and
``tests/test_sources_doc.py`` fails when the two differ, so the documented endpoints, URLs, keys,
raw tables and per-host limits can never drift from the code that fetches them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from nbaprops.http.config import HttpSettings
from nbaprops.http.headers import BROWSER_HEADERS, DEFAULT_HEADERS, HOST_HEADERS
from nbaprops.sources.base import Endpoint
from nbaprops.sources.scrape import Catalog, Provider, load_catalog

# Days that show what a scrape selects by default: past days (historical odds, a past season's
# schedule) and live days (the live market, the CDN schedule), mid-season and in the play-in/playoffs.
PROBE_DAYS: tuple[tuple[date, date], ...] = (
    (date(2024, 1, 15), date(2025, 8, 24)),
    (date(2024, 4, 20), date(2025, 8, 24)),
    (date(2025, 1, 15), date(2025, 1, 15)),
    (date(2025, 4, 20), date(2025, 4, 20)),
)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(items: Iterable[str]) -> str:
    return ", ".join(f"`{_cell(item)}`" for item in items) or "—"


def _by_default(provider: Provider, endpoint: Endpoint) -> str:
    chosen = any(endpoint in provider.select(day, today) for day, today in PROBE_DAYS)
    return "yes" if chosen else "on request"


def _key(endpoint: Endpoint) -> str:
    if not endpoint.api_key_setting:
        return "—"
    where = (endpoint.api_key_param or "").removeprefix("header:")
    travels = "header" if (endpoint.api_key_param or "").startswith("header:") else "query"
    return f"`NBAPROPS_{endpoint.api_key_setting.upper()}` ({travels} `{where}`)"


def _tables(endpoint: Endpoint) -> str:
    return "; ".join(f"`{table}` ({', '.join(key)})" for table, key in endpoint.tables.items())


def endpoint_rows(catalog: Catalog) -> list[str]:
    """One Markdown row per declared endpoint, providers in scrape order."""
    rows = []
    for provider in catalog.providers:
        for ep in provider.endpoints:
            params = _code(f"{k}={v}" for k, v in ep.params.items())
            rows.append(
                f"| `{ep.key}` | {_by_default(provider, ep)} | {ep.per} | {ep.format} | `{_cell(ep.url)}` | {params} |"
                f" {_key(ep)} | {_tables(ep)} | {_cell(ep.description)} |"
            )
    return rows


def host_rows(catalog: Catalog) -> list[str]:
    """One Markdown row per host an endpoint calls: its default pace and the headers it is sent."""
    defaults = HttpSettings.model_construct()  # the shipped defaults, whatever this machine's environment says
    hosts = sorted({urlsplit(ep.url).hostname or "" for p in catalog.providers for ep in p.endpoints})
    rows = []
    for host in hosts:
        headers = HOST_HEADERS.get(host.lower(), DEFAULT_HEADERS)
        sent = [
            "a browser's `User-Agent`" if (name, value) == ("User-Agent", BROWSER_HEADERS["User-Agent"]) else
            f"`{name}: {_cell(value)}`"
            for name, value in headers.items()
        ]  # fmt: skip
        rows.append(f"| `{host}` | {defaults.rate_for(host):g} | {', '.join(sent)} |")
    return rows


def sources_markdown(catalog: Catalog | None = None) -> str:
    """The two tables of docs/sources.md: every endpoint, and every host with its pace and headers."""
    catalog = catalog or load_catalog()
    lines = [
        "| endpoint | by default | per | format | URL | parameters | API key | raw tables (natural key) | what |",
        "|---|---|---|---|---|---|---|---|---|",
        *endpoint_rows(catalog),
        "",
        "| host | requests / minute | headers sent (besides an endpoint's own) |",
        "|---|---|---|",
        *host_rows(catalog),
    ]
    if catalog.broken:
        lines += ["", *(f"- provider `{m}` could not be loaded: {_cell(why)}" for m, why in catalog.broken.items())]
    return "\n".join(lines)
