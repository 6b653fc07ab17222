"""Basketball Reference: a team's roster page for a season (``/teams/LAL/2025.html``).

The site names seasons by their last year and three teams by older codes (BRK, CHO, PHO); the
request keys carry both. Its rate limit is strict (the HTTP client allows 10 requests a minute).
"""

from __future__ import annotations

from datetime import date

from nbaprops.ingest import bbref
from nbaprops.ingest.players import resolve_after_scrape, season_of
from nbaprops.reference.teams import all_teams
from nbaprops.sources.base import Endpoint
from nbaprops.warehouse.db import Warehouse

BBREF_CODES = {"BKN": "BRK", "CHA": "CHO", "PHX": "PHO"}  # the rest use the NBA tricode

SOURCE = "bbref"
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        source=SOURCE,
        name="roster",
        url="https://www.basketball-reference.com/teams/{bbref_team}/{season_end}.html",
        parse=bbref.parse_roster,
        tables={bbref.TABLE: bbref.KEY},
        format="html",
        per="team",
        description="a team's roster for the season",
    ),
)


def request_keys(endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]]:
    """The 30 teams under Basketball Reference's codes, for the season the day is in."""
    season_end = str(season_of(day) + 1)
    return [
        {"team": t.tricode, "bbref_team": BBREF_CODES.get(t.tricode, t.tricode), "season_end": season_end}
        for t in all_teams()
    ]


def finish(wh: Warehouse, day: date) -> tuple[int, str]:
    """After the run's merges: NBA.com player ids for the names this source wrote."""
    return resolve_after_scrape(wh, SOURCE, bbref.PLAYER_NAMES)
