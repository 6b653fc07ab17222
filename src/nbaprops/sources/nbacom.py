"""NBA.com: stats.nba.com, the CDN (schedule, play-by-play), nba.com team pages, and the PDFs.

One ``Endpoint`` per endpoint; the parsers live in ``nbaprops.ingest.nbacom`` (JSON and pages) and
``nbaprops.ingest.nbacom_pdf`` (game book, injury report). The browser headers every NBA.com host
insists on (stats, CDN, www, official, the PDF hosts) come from the HTTP client's one host table
(``nbaprops.http.headers``), so no endpoint here declares headers of its own.

Per-game endpoints take the day's games from what the same run merged (``raw.nbac_scoreboard_games``
and ``raw.nbac_schedule``). The league game log needs its season type in the request, so it is
declared once per season type and ``select_endpoints`` keeps the types a calendar day can have.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from nbaprops.ingest import nbacom, nbacom_pdf
from nbaprops.ingest.players import refresh_players, resolve_after_scrape, season_of
from nbaprops.reference.season_types import (
    PLAY_IN,
    PLAYOFFS,
    REGULAR_SEASON,
    canonical_season_type,
    stats_api_season_type,
)
from nbaprops.sources.base import Endpoint
from nbaprops.warehouse.db import Warehouse

STATS = "https://stats.nba.com/stats"
CDN = "https://cdn.nba.com/static/json"
SOURCE = "nbacom"


def _game_log(who: str, season_type: str, label: str) -> Endpoint:
    player = who == "P"
    return Endpoint(
        source=SOURCE,
        name=f"{'player' if player else 'team'}_game_log{label}",
        url=f"{STATS}/leaguegamelog",
        parse=nbacom.parse_player_game_log if player else nbacom.parse_team_game_log,
        tables=(
            {"raw.nbac_player_game_logs": ("game_id", "player_id")}
            if player
            else {"raw.nbac_team_game_logs": ("game_id", "team_id")}
        ),
        params={
            "LeagueID": "00",
            "Season": "{season}",
            "SeasonType": stats_api_season_type(season_type),
            "PlayerOrTeam": who,
            "Counter": "1000",
            "Sorter": "DATE",
            "Direction": "DESC",
            "DateFrom": "{date}",
            "DateTo": "{date}",
        },
        per="date",
        description=f"{season_type} {'player' if player else 'team'} lines of the day's games (league game log)",
    )


GAME_LOG_SEASON_TYPES = {"": REGULAR_SEASON, "_playin": PLAY_IN, "_playoffs": PLAYOFFS}
GAME_LOGS = tuple(
    _game_log(who, season_type, label) for label, season_type in GAME_LOG_SEASON_TYPES.items() for who in ("P", "T")
)
BOXSCORE_TABLES = {nbacom.BOXSCORE_PLAYERS: ("game_id", "player_id"), nbacom.BOXSCORE_TEAMS: ("game_id", "team_id")}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        source=SOURCE,
        name="schedule",
        url=f"{STATS}/scheduleleaguev2",
        parse=nbacom.parse_schedule,
        tables={"raw.nbac_schedule": ("game_id",)},
        params={"LeagueID": "00", "Season": "{season}"},
        per="season",
        description="every game of the season with status, tip-off and score",
    ),
    Endpoint(
        source=SOURCE,
        name="schedule_cdn",
        url=f"{CDN}/staticData/scheduleLeagueV2.json",
        parse=nbacom.parse_schedule,
        tables={"raw.nbac_schedule": ("game_id",)},
        per="once",
        description="the current season's schedule from the CDN (same rows as the stats schedule)",
    ),
    Endpoint(
        source=SOURCE,
        name="scoreboard",
        url=f"{STATS}/scoreboardv2",
        parse=nbacom.parse_scoreboard,
        tables={"raw.nbac_scoreboard_games": ("game_id",), "raw.nbac_scoreboard_line_scores": ("game_id", "team_id")},
        params={"GameDate": "{date}", "LeagueID": "00", "DayOffset": "0"},
        per="date",
        description="the day's games and points by quarter",
    ),
    *GAME_LOGS,
    Endpoint(
        source=SOURCE,
        name="boxscore",
        url=f"{STATS}/boxscoretraditionalv3",
        parse=nbacom.parse_boxscore,
        tables=BOXSCORE_TABLES,
        params={
            "GameID": "{game_id}",
            "LeagueID": "00",
            "StartPeriod": "0",
            "EndPeriod": "0",
            "StartRange": "0",
            "EndRange": "0",
            "RangeType": "0",
        },
        per="game",
        description="traditional box score of one game: players (with DNP comments) and teams",
    ),
    Endpoint(
        source=SOURCE,
        name="play_by_play",
        url=f"{CDN}/liveData/playbyplay/playbyplay_{{game_id}}.json",
        parse=nbacom.parse_play_by_play,
        tables={"raw.nbac_play_by_play": ("game_id", "action_number")},
        per="game",
        description="every action of one game",
    ),
    Endpoint(
        source=SOURCE,
        name="player_index",
        url=f"{STATS}/playerindex",
        parse=nbacom.parse_player_index,
        tables={"raw.nbac_players": ("player_id",)},
        params={"LeagueID": "00", "Season": "{season}", "Historical": "0"},
        per="season",
        description="every player of the season with id, team and bio",
    ),
    Endpoint(
        source=SOURCE,
        name="roster",
        url="https://www.nba.com/team/{team_id}",
        parse=nbacom.parse_roster_page,
        tables={"raw.nbac_rosters": ("season", "team_id", "player_id")},
        format="html",
        per="team",
        description="a team's roster from its nba.com page",
    ),
    Endpoint(
        source=SOURCE,
        name="player_movement",
        url="https://stats.nba.com/js/data/playermovement/NBA_Player_Movement.json",
        parse=nbacom.parse_player_movement,
        tables={"raw.nbac_player_movement": ("group_sort", "player_id", "team_id", "additional_sort")},
        per="once",
        description="signings, trades and waivers since 2015",
    ),
    Endpoint(
        source=SOURCE,
        name="referee_assignments",
        url="https://official.nba.com/wp-json/api/v1/get-game-officials",
        parse=nbacom.parse_referee_assignments,
        tables={"raw.nbac_referee_assignments": ("game_id", "slot")},
        params={"date": "{date}"},
        per="date",
        description="the officials of the day's games",
    ),
    Endpoint(
        source=SOURCE,
        name="gamebook_pdf",
        # .../pdfs/20240115/20240115_HOUPHI.pdf; the file name comes whole from request_keys, because
        # a placeholder may appear only once in a template (the raw store names payloads by them).
        url="https://statsdmz.nba.com/pdfs/{date_compact}/{gamebook}.pdf",
        parse=nbacom_pdf.parse_gamebook,
        tables={nbacom_pdf.GAMEBOOK_TABLE: nbacom_pdf.GAMEBOOK_KEY},
        format="pdf",
        per="game",
        description="official game book: box-score lines, who did not play and why, inactive players",
    ),
    Endpoint(
        source=SOURCE,
        name="injury_report",
        url="https://ak-static.cms.nba.com/referee/injury/Injury-Report_{date}_05PM.pdf",
        parse=nbacom_pdf.parse_injury_report,
        tables=nbacom_pdf.INJURY_TABLES,
        format="pdf",
        per="date",
        description="official 5 pm injury report: status and reason per player, teams not yet submitted",
    ),
)


def select_endpoints(day: date, today: date) -> Sequence[Endpoint]:
    """What a day needs: the schedule from the CDN for the current season (stats.nba.com for past
    seasons), and game logs only of the season types the calendar day can have (regular season
    October to April, play-in and playoffs April to June). Everything else every day; any endpoint
    can still be asked for by name."""
    month = day.month
    wanted = {REGULAR_SEASON: month >= 10 or month <= 4, PLAY_IN: month in (4, 5), PLAYOFFS: 4 <= month <= 6}
    schedule = "schedule_cdn" if season_of(day) == season_of(today) else "schedule"
    return tuple(
        e
        for e in ENDPOINTS
        if (e not in GAME_LOGS or wanted[canonical_season_type(e.params["SeasonType"])])
        and (e.name not in ("schedule", "schedule_cdn") or e.name == schedule)
    )


def request_keys(endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]] | None:
    """The day's games (``{game_id}``, ``{away}``, ``{home}``, ``{game_code}``, ``{gamebook}``) for
    per-game endpoints."""
    if endpoint.per != "game":
        return None  # per-team endpoints: the 30 teams ({team}, {team_id})
    rows = wh.execute(
        """
        SELECT game_id, any_value(away), any_value(home), any_value(game_code) FROM (
            SELECT game_id, away, home, game_code FROM raw.nbac_scoreboard_games WHERE game_date = ?
            UNION ALL
            SELECT game_id, away, home, game_code FROM raw.nbac_schedule WHERE game_date = ?
        ) GROUP BY game_id ORDER BY game_id
        """,
        [day, day],
    ).fetchall()
    compact = day.strftime("%Y%m%d")
    return [
        {"game_id": g, "away": a, "home": h, "game_code": c or "", "gamebook": f"{compact}_{a}{h}"}
        for g, a, h, c in rows
    ]


def finish(wh: Warehouse, day: date) -> tuple[int, str]:
    """After the run's merges: the registry learns the players of the day's NBA.com game logs and box
    scores (a rookie's first game), then the names this source wrote get their NBA.com ids.

    NBA.com runs first among the providers, so the names ESPN, balldontlie and the others write in the
    same run resolve against a registry that already knows that day's players.
    """
    players = refresh_players(wh)
    rows, message = resolve_after_scrape(wh, SOURCE, nbacom_pdf.PLAYER_NAMES)
    return rows, f"registry: {players} players; {message}"
