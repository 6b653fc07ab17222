"""balldontlie v1 (api.balldontlie.io): games, box scores, player lines, players, injuries.

The API key travels in the ``Authorization`` header (``NBAPROPS_BALLDONTLIE_API_KEY``). Lists are
cursor-paginated: ``next_page`` asks for the page after ``meta.next_cursor`` until there is none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from nbaprops.ingest import balldontlie
from nbaprops.ingest.players import resolve_after_scrape
from nbaprops.sources.base import Endpoint, Payload, Request
from nbaprops.warehouse.db import Warehouse

BASE = "https://api.balldontlie.io/v1"
SOURCE = "balldontlie"
_KEY = {"api_key_setting": "balldontlie_api_key", "api_key_param": "header:Authorization"}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        source=SOURCE,
        name="games",
        url=f"{BASE}/games",
        parse=balldontlie.parse_games,
        tables={"raw.bdl_games": ("bdl_game_id",)},
        params={"dates[]": "{date}", "per_page": "100"},
        per="date",
        description="the day's games with status and score",
        **_KEY,  # type: ignore[arg-type]
    ),
    Endpoint(
        source=SOURCE,
        name="box_scores",
        url=f"{BASE}/box_scores",
        parse=balldontlie.parse_box_scores,
        tables={balldontlie.BOX_TABLE: balldontlie.BOX_KEY},
        params={"date": "{date}"},
        per="date",
        description="the day's games with every player's line",
        **_KEY,  # type: ignore[arg-type]
    ),
    Endpoint(
        source=SOURCE,
        name="stats",
        url=f"{BASE}/stats",
        parse=balldontlie.parse_stats,
        tables={balldontlie.BOX_TABLE: balldontlie.BOX_KEY},
        params={"dates[]": "{date}", "per_page": "100"},
        per="date",
        description="the day's player lines, one per player and game",
        **_KEY,  # type: ignore[arg-type]
    ),
    Endpoint(
        source=SOURCE,
        name="players",
        url=f"{BASE}/players/active",
        parse=balldontlie.parse_players,
        tables={"raw.bdl_players": ("bdl_player_id",)},
        params={"per_page": "100"},
        per="once",
        description="active players with team and bio",
        **_KEY,  # type: ignore[arg-type]
    ),
    Endpoint(
        source=SOURCE,
        name="injuries",
        url=f"{BASE}/player_injuries",
        parse=balldontlie.parse_injuries,
        tables={"raw.bdl_injuries": ("as_of_date", "bdl_player_id")},
        params={"per_page": "100"},
        per="date",
        description="the injury list as of the day",
        **_KEY,  # type: ignore[arg-type]
    ),
)


def select_endpoints(day: date, today: date) -> tuple[Endpoint, ...]:
    """``/box_scores`` gives the day's lines in one answer; ``/stats`` (paginated, the same rows) only
    when asked for by name, e.g. to backfill one player."""
    return tuple(e for e in ENDPOINTS if e.name != "stats")


def next_page(request: Request, payload: Payload) -> Request | None:
    """The request for the page after this one, while ``meta.next_cursor`` says there is one."""
    params = balldontlie.next_page(payload)
    return None if params is None else replace(request, params={**request.params, **params})


def finish(wh: Warehouse, day: date) -> tuple[int, str]:
    """After the run's merges: NBA.com player ids for the names this source wrote."""
    return resolve_after_scrape(wh, SOURCE, balldontlie.PLAYER_NAMES)
