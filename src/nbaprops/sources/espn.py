"""ESPN: the site API (scoreboard, team with roster) and the box score and roster pages.

ESPN names teams by its own short codes and numeric ids (``gs``/9 for Golden State); the table
below maps the NBA tricodes to them for the per-team endpoints. Per-game endpoints take the day's
ESPN game ids from ``raw.espn_games``, which the scoreboard of the same run filled.
"""

from __future__ import annotations

from datetime import date

from nbaprops.ingest import espn
from nbaprops.ingest.players import resolve_after_scrape
from nbaprops.reference.teams import all_teams
from nbaprops.sources.base import Endpoint
from nbaprops.warehouse.db import Warehouse

SITE_API = "https://site.api.espn.com/apis/site/v2/sports/basketball/nba"
SOURCE = "espn"

# ESPN team id and URL code of each team (from ESPN's own team list on its roster pages).
ESPN_TEAMS: dict[str, tuple[int, str]] = {
    "ATL": (1, "atl"), "BOS": (2, "bos"), "NOP": (3, "no"), "CHI": (4, "chi"), "CLE": (5, "cle"),
    "DAL": (6, "dal"), "DEN": (7, "den"), "DET": (8, "det"), "GSW": (9, "gs"), "HOU": (10, "hou"),
    "IND": (11, "ind"), "LAC": (12, "lac"), "LAL": (13, "lal"), "MIA": (14, "mia"), "MIL": (15, "mil"),
    "MIN": (16, "min"), "BKN": (17, "bkn"), "NYK": (18, "ny"), "ORL": (19, "orl"), "PHI": (20, "phi"),
    "PHX": (21, "phx"), "POR": (22, "por"), "SAC": (23, "sac"), "SAS": (24, "sa"), "OKC": (25, "okc"),
    "UTA": (26, "utah"), "WAS": (27, "wsh"), "TOR": (28, "tor"), "MEM": (29, "mem"), "CHA": (30, "cha"),
}  # fmt: skip

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        source=SOURCE,
        name="scoreboard",
        url=f"{SITE_API}/scoreboard",
        parse=espn.parse_scoreboard,
        tables={"raw.espn_games": ("espn_game_id",)},
        params={"dates": "{date_compact}"},
        per="date",
        description="the day's games with status and score",
    ),
    Endpoint(
        source=SOURCE,
        name="boxscore",
        url="https://www.espn.com/nba/boxscore/_/gameId/{espn_game_id}",
        parse=espn.parse_boxscore,
        tables={"raw.espn_boxscore_players": ("espn_game_id", "espn_player_id")},
        format="html",
        per="game",
        description="box score page of one game: every player's line or DNP reason",
    ),
    Endpoint(
        source=SOURCE,
        name="roster",
        url="https://www.espn.com/nba/team/roster/_/name/{espn_code}",
        parse=espn.parse_roster_page,
        tables={espn.ROSTER_TABLE: espn.ROSTER_KEY},
        format="html",
        per="team",
        description="a team's roster page",
    ),
    Endpoint(
        source=SOURCE,
        name="roster_api",
        url=f"{SITE_API}/teams/{{espn_team_id}}",
        parse=espn.parse_roster_api,
        tables={espn.ROSTER_TABLE: espn.ROSTER_KEY},
        params={"enable": "roster"},
        per="team",
        description="a team with its roster from the site API",
    ),
)


def select_endpoints(day: date, today: date) -> tuple[Endpoint, ...]:
    """The roster page says what the site API says: only the API by default (the page on request)."""
    return tuple(e for e in ENDPOINTS if e.name != "roster")


def request_keys(endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]] | None:
    """ESPN's ids: the day's games for the box score, ESPN's team codes for the rosters."""
    if endpoint.per == "team":
        return [
            {"team": t.tricode, "espn_team_id": str(ESPN_TEAMS[t.tricode][0]), "espn_code": ESPN_TEAMS[t.tricode][1]}
            for t in all_teams()
        ]
    rows = wh.execute(
        "SELECT espn_game_id FROM raw.espn_games WHERE game_date = ? ORDER BY start_utc, espn_game_id", [day]
    ).fetchall()
    return [{"espn_game_id": r[0]} for r in rows]


def finish(wh: Warehouse, day: date) -> tuple[int, str]:
    """After the run's merges: NBA.com player ids for the names this source wrote."""
    return resolve_after_scrape(wh, SOURCE, espn.PLAYER_NAMES)
