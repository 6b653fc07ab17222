"""Acceptance of issue 4: the captured 2024-01-15 payloads run scrape -> ingest end to end, with no network.

The captures of that date in ../shared/data/samples (read from the files themselves):

- ``nbac_scoreboard_v2/raw_055ff78d.json``: stats.nba.com scoreboardv2, its own ``parameters`` say
  GameDate=2024-01-15 — 11 games, 22 line scores;
- ``espn_scoreboard_api/raw_92de7c9a.json`` and ``raw_c0c50c83.json``: ESPN's scoreboard of that day,
  twice (the same 11 events, keys in another order);
- ``espn_game_boxscore/raw_6f34c64b|raw_da177814|raw_fbd5b07e.html.gz``: ESPN's box score page of
  HOU @ PHI (ESPN game 401585183), fetched three times on 2025-08-24 (each page prints when);
- ``bdl_box_scores/raw_7a649e12.json``: balldontlie ``/box_scores`` of 2024-01-15, 11 games, 384 lines.

Every other capture is of another date, or of no date at all (the balldontlie empty answer
``bdl_box_scores/raw_d62cc934.json``, the player-movement and player-list snapshots), so it is not
filed. Each capture is filed with ``RawStore.file`` under the request nbaprops itself makes for
``--date 2024-01-15``; then the day is scraped from that folder, through the function the CLI calls
and through the CLI, on a warehouse holding the 2023-24 NBA.com logs (the player registry).
"""

from __future__ import annotations

import email.utils
import json
import re
import shutil
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from captures import body, endpoint, parse
from conftest import HISTORY_DIR, SAMPLES_DIR, make_settings
from nbaprops.cli import app
from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.rawstore import RawStore
from nbaprops.sources import balldontlie, espn, nbacom
from nbaprops.sources import scrape as scrape_module
from nbaprops.sources.scrape import ScrapeReport, day_values, make_request, scrape
from nbaprops.warehouse.db import Warehouse

pytestmark = pytest.mark.skipif(
    not (SAMPLES_DIR.exists() and HISTORY_DIR.exists()), reason="../shared/data is not beside the checkout"
)

DAY = date(2024, 1, 15)
# The JSON captures do not record when they were fetched. Nothing parsed from them depends on it (it
# only dates the manifest row), so they are filed as fetched the morning after the games.
NOT_RECORDED_FETCH = datetime(2024, 1, 16, 12, 0)
HOU_PHI = "espn_game_boxscore/raw_6f34c64b.html.gz"  # the latest of the three fetches of that page


@dataclass(frozen=True)
class Capture:
    module: ModuleType
    endpoint: str
    file: str
    content_type: str = "application/json"
    keys: dict[str, str] = field(default_factory=dict)


def espn_page(file: str) -> Capture:
    """An ESPN box score page, filed under the request for the game the page is about."""
    ep = endpoint(espn, "boxscore")
    game_ids = parse(ep, file).tables["raw.espn_boxscore_players"]["espn_game_id"].unique().tolist()
    assert len(game_ids) == 1, file
    return Capture(espn, "boxscore", file, "text/html; charset=utf-8", {"espn_game_id": game_ids[0]})


def captures_of_the_day() -> list[Capture]:
    return [
        Capture(nbacom, "scoreboard", "nbac_scoreboard_v2/raw_055ff78d.json"),
        Capture(espn, "scoreboard", "espn_scoreboard_api/raw_92de7c9a.json"),
        Capture(espn, "scoreboard", "espn_scoreboard_api/raw_c0c50c83.json"),
        espn_page("espn_game_boxscore/raw_6f34c64b.html.gz"),
        espn_page("espn_game_boxscore/raw_da177814.html.gz"),
        espn_page("espn_game_boxscore/raw_fbd5b07e.html.gz"),
        Capture(balldontlie, "box_scores", "bdl_box_scores/raw_7a649e12.json"),
    ]


_ESPN_SERVED_AT = re.compile(rb"ESPNFITT(?: \|[^|]*){4}\| ([^|<>-]+GMT)")


def fetched_at(data: bytes) -> datetime:
    """When the capture was fetched, if it says so (ESPN pages print it), else the stand-in."""
    served = _ESPN_SERVED_AT.search(data)
    if served is None:
        return NOT_RECORDED_FETCH
    return email.utils.parsedate_to_datetime(served.group(1).decode().strip()).astimezone(UTC).replace(tzinfo=None)


def build_replay_folder(root: Path) -> Path:
    """The day's captures, filed as a live scrape of 2024-01-15 would have left them."""
    store = RawStore(str(root))
    values = day_values(DAY)
    for capture in captures_of_the_day():
        request = make_request(endpoint(capture.module, capture.endpoint), {**values, **capture.keys}, DAY)
        data = body(capture.file)
        store.file(request, data, fetched_at(data), content_type=capture.content_type)
    return root


# ---------------------------------------------------------------------------- no network, ever
class NetworkGuard:
    """Refuses (and remembers) any attempt to reach the network: a live client, an httpx transport, a socket."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def install(self, patch: pytest.MonkeyPatch) -> None:
        def refuse(what: str) -> Callable[..., None]:
            def refused(*args: object, **kwargs: object) -> None:
                self.attempts.append(f"{what}{args[1:2]}")
                raise AssertionError(f"the replay tried to use the network ({what})")

            return refused

        patch.setattr(scrape_module, "HttpClient", refuse("HttpClient"))
        patch.setattr(httpx.HTTPTransport, "handle_request", refuse("httpx transport"))
        patch.setattr(socket.socket, "connect", refuse("socket.connect"))
        patch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))


# ---------------------------------------------------------------------------- the runs
@pytest.fixture(scope="module")
def registry_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose warehouse holds the 2023-24 NBA.com player and team logs, and the registry built from them."""
    home = tmp_path_factory.mktemp("registry") / "home"
    settings = make_settings(home)
    settings.ensure_dirs()
    logs = HISTORY_DIR / "nbacom"
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        report = import_history(
            wh, settings, history, [logs / "player_game_logs_2023-24.csv", logs / "team_game_logs_2023-24.csv"]
        )
        history.close()
        assert report.category is Category.SUCCESS
        assert wh.count("ref.players") == wh.scalar("SELECT count(DISTINCT player_id) FROM raw.player_game_logs")
    return home


def copy_home(registry_home: Path, to: Path) -> Settings:
    shutil.copytree(registry_home, to)
    return make_settings(to)


@dataclass
class Replayed:
    settings: Settings
    folder: Path
    first: ScrapeReport
    second: ScrapeReport
    before_second: dict[str, pd.DataFrame]
    guard: NetworkGuard


# What the replay writes, and how to compare it across runs (bookkeeping columns left out).
SNAPSHOTS = {
    "raw.nbac_scoreboard_games": "SELECT * FROM raw.nbac_scoreboard_games ORDER BY ALL",
    "raw.nbac_scoreboard_line_scores": "SELECT * FROM raw.nbac_scoreboard_line_scores ORDER BY ALL",
    "raw.espn_games": "SELECT * FROM raw.espn_games ORDER BY ALL",
    "raw.espn_boxscore_players": "SELECT * FROM raw.espn_boxscore_players ORDER BY ALL",
    "raw.bdl_player_boxscores": "SELECT * FROM raw.bdl_player_boxscores ORDER BY ALL",
    "ref.players": "SELECT * FROM ref.players ORDER BY ALL",
    "ref.player_aliases": "SELECT * FROM ref.player_aliases ORDER BY ALL",
    "ref.unresolved_players": "SELECT * EXCLUDE (updated_utc) FROM ref.unresolved_players ORDER BY ALL",
    "raw.payloads": "SELECT * EXCLUDE (last_seen_utc, times_seen, message) FROM raw.payloads ORDER BY ALL",
}


@pytest.fixture(scope="module")
def replayed(registry_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replayed]:
    """``scrape(--date 2024-01-15 --replay DIR)`` twice on one warehouse, the network refused throughout."""
    root = tmp_path_factory.mktemp("replay")
    folder = build_replay_folder(root / "recorded")
    settings = copy_home(registry_home, root / "home")
    guard = NetworkGuard()
    with pytest.MonkeyPatch.context() as patch, Warehouse(settings.warehouse_path) as wh:
        guard.install(patch)
        history = RunHistory(settings.run_history_path)
        first = scrape(wh, settings, history, DAY, replay=str(folder))
        before = {name: wh.df(query) for name, query in SNAPSHOTS.items()}
        second = scrape(wh, settings, history, DAY, replay=str(folder))
        history.close()
    yield Replayed(settings, folder, first, second, before, guard)


def by_step(report: ScrapeReport) -> dict[str, tuple[Category, int, str]]:
    return {s.step: (s.category, s.rows_written, s.message) for s in report.steps}


def day_counts(wh: Warehouse) -> dict[str, int]:
    """Rows of 2024-01-15 in every raw table the day's captures feed."""
    tables = (
        "raw.nbac_scoreboard_games", "raw.nbac_scoreboard_line_scores", "raw.espn_games",
        "raw.espn_boxscore_players", "raw.bdl_player_boxscores",
    )  # fmt: skip
    return {t: int(wh.scalar(f"SELECT count(*) FROM {t} WHERE game_date = ?", [DAY])) for t in tables}


def capture_json(relative: str) -> dict:
    return json.loads(body(relative))


# ---------------------------------------------------------------------------- what the day yields
def test_the_replay_fills_the_raw_tables_with_what_the_captures_hold(replayed: Replayed) -> None:
    scoreboard = {r["name"]: r["rowSet"] for r in capture_json("nbac_scoreboard_v2/raw_055ff78d.json")["resultSets"]}
    espn_events = capture_json("espn_scoreboard_api/raw_92de7c9a.json")["events"]
    bdl_games = capture_json("bdl_box_scores/raw_7a649e12.json")["data"]
    bdl_lines = sum(len(g[side]["players"]) for g in bdl_games for side in ("home_team", "visitor_team"))
    games, line_scores = len(scoreboard["GameHeader"]), len(scoreboard["LineScore"])
    assert (games, line_scores, len(espn_events), bdl_lines) == (11, 22, 11, 384)
    with Warehouse(replayed.settings.warehouse_path) as wh:
        assert day_counts(wh) == {
            "raw.nbac_scoreboard_games": games,
            "raw.nbac_scoreboard_line_scores": line_scores,
            "raw.espn_games": len(espn_events),
            "raw.espn_boxscore_players": 25,  # HOU @ PHI: 14 Rockets, 11 76ers (two DNP)
            "raw.bdl_player_boxscores": bdl_lines,
        }
        # The sources agree with each other: the same eleven games, the same final scores.
        nba_games = wh.df(
            "SELECT g.away, g.home, a.pts AS away_pts, h.pts AS home_pts FROM raw.nbac_scoreboard_games g"
            " JOIN raw.nbac_scoreboard_line_scores h ON h.game_id = g.game_id AND h.team = g.home"
            " JOIN raw.nbac_scoreboard_line_scores a ON a.game_id = g.game_id AND a.team = g.away ORDER BY ALL"
        )
        espn_games = wh.df("SELECT away, home, away_pts, home_pts FROM raw.espn_games ORDER BY ALL")
        pd.testing.assert_frame_equal(nba_games, espn_games, check_dtype=False)
        team_points = wh.df(
            "SELECT team, sum(pts) AS pts FROM raw.bdl_player_boxscores WHERE game_date = ? GROUP BY team"
            " ORDER BY team",
            [DAY],
        )
        line_points = wh.df("SELECT team, pts FROM raw.nbac_scoreboard_line_scores ORDER BY team")
        pd.testing.assert_frame_equal(team_points, line_points, check_dtype=False)
        espn_box = wh.df("SELECT team, sum(pts) AS pts FROM raw.espn_boxscore_players GROUP BY team ORDER BY team")
        assert espn_box.values.tolist() == [["HOU", 115], ["PHI", 124]]
        # Four payloads kept, one per request that had an answer; of the three fetches of the box
        # score page, the replay served the latest (05:30:16 UTC), as the raw store promises.
        kept = wh.df("SELECT source, endpoint, path, category, status, fetched_utc FROM raw.payloads ORDER BY path")
        assert kept[["source", "endpoint", "category", "status"]].values.tolist() == [
            ["balldontlie", "box_scores", "success", 200],
            ["espn", "boxscore", "success", 200],
            ["espn", "scoreboard", "success", 200],
            ["nbacom", "scoreboard", "success", 200],
        ]
        page = kept.set_index("endpoint").loc["boxscore"]
        assert page["path"].startswith("espn/boxscore/2024-01-15/espn_game_id=401585183-")
        assert page["fetched_utc"] == pd.Timestamp("2025-08-24 05:30:16")
        assert RawStore(replayed.settings.raw_store_url).read(page["path"]) == body(HOU_PHI)
    steps = by_step(replayed.first)
    assert {name: rows for name, (category, rows, _) in steps.items() if category is Category.SUCCESS and rows} == {
        "scrape:nbacom.scoreboard": 11 + 22,
        "scrape:espn.scoreboard": 11,
        "scrape:espn.boxscore:espn_game_id=401585183": 25,
        "scrape:espn:finish": 25,
        "scrape:balldontlie.box_scores": 384,
        "scrape:balldontlie:finish": 379,
    }
    # Per-game endpoints were planned from the games the same run merged.
    for plan in ("nbacom.boxscore", "nbacom.play_by_play", "nbacom.gamebook_pdf", "espn.boxscore"):
        assert steps[f"scrape:{plan}:plan"] == (Category.SUCCESS, 0, f"{plan}: 11 games to fetch")


def test_requests_with_nothing_recorded_end_as_no_data_not_errors(replayed: Replayed) -> None:
    report = replayed.first
    assert report.category is Category.NO_DATA
    assert {s.category for s in report.steps} == {Category.SUCCESS, Category.NO_DATA}
    not_recorded = [s for s in report.steps if "has nothing for" in s.message]
    assert all(s.category is Category.NO_DATA and s.rows_written == 0 for s in not_recorded)
    per_endpoint = Counter(s.step.split(":")[1] for s in not_recorded)
    assert per_endpoint == {
        # once or per day / season
        "nbacom.schedule": 1, "nbacom.player_game_log": 1, "nbacom.team_game_log": 1, "nbacom.player_index": 1,
        "nbacom.player_movement": 1, "nbacom.referee_assignments": 1, "nbacom.injury_report": 1,
        "balldontlie.games": 1, "balldontlie.players": 1, "balldontlie.injuries": 1,
        "odds_api.events_historical": 1, "odds_api.game_lines_historical": 1, "bettingpros.events": 1,
        # per game: the 11 games of the day (ESPN's box score of HOU @ PHI was recorded)
        "nbacom.boxscore": 11, "nbacom.play_by_play": 11, "nbacom.gamebook_pdf": 11, "espn.boxscore": 10,
        # per team: the 30 teams
        "nbacom.roster": 30, "espn.roster_api": 30, "bbref.roster": 30,
    }  # fmt: skip
    assert sum(per_endpoint.values()) == 146
    # With no events recorded, per-event endpoints have nothing to plan, and BettingPros nothing to promote.
    steps = by_step(report)
    for plan in (
        "odds_api.player_props_historical", "bettingpros.offers_points", "bettingpros.offers_rebounds",
        "bettingpros.offers_assists",
    ):  # fmt: skip
        assert steps[f"scrape:{plan}:plan"] == (Category.NO_DATA, 0, f"{plan}: no events on 2024-01-15 to fetch for")
    assert steps["scrape:bettingpros:finish"][0] is Category.NO_DATA
    # Not-recorded requests leave nothing in the manifest: only the four answers are there.
    with Warehouse(replayed.settings.warehouse_path) as wh:
        assert wh.count("raw.payloads") == 4


def test_espn_and_balldontlie_names_resolve_to_nba_com_ids(replayed: Replayed) -> None:
    steps = by_step(replayed.first)
    assert steps["scrape:espn:finish"][2] == "espn: 25/25 rows (100.0%) resolved to NBA.com players, 0 names unresolved"
    assert steps["scrape:balldontlie:finish"][2] == (
        "balldontlie: 379/384 rows (98.7%) resolved to NBA.com players, 5 names unresolved"
    )
    with Warehouse(replayed.settings.warehouse_path) as wh:
        # The five not resolved sat out that whole season: 0 minutes here, no line in the 2023-24 NBA.com logs.
        missing = wh.df("SELECT player_name, team, minutes FROM raw.bdl_player_boxscores WHERE player_id IS NULL")
        assert sorted(missing[["player_name", "team"]].values.tolist()) == [
            ["Christian Koloko", "TOR"], ["Duane Washington Jr.", "NYK"], ["Lonzo Ball", "CHI"],
            ["Steven Adams", "MEM"], ["Victor Oladipo", "HOU"],
        ]  # fmt: skip
        assert (missing["minutes"] == 0).all()
        queue = wh.df("SELECT source, name, occurrences FROM ref.unresolved_players ORDER BY name")
        assert queue.values.tolist() == [["balldontlie", n, 1] for n in sorted(missing["player_name"])]
        # Every player who got on the floor resolved; ESPN and balldontlie agree on who is who.
        assert wh.scalar("SELECT count(*) FROM raw.bdl_player_boxscores WHERE player_id IS NULL AND minutes > 0") == 0
        both = wh.df(
            "SELECT e.player_name, e.player_id AS espn_id, b.player_id AS bdl_id, p.full_name"
            " FROM raw.espn_boxscore_players e JOIN raw.bdl_player_boxscores b"
            "   ON b.game_date = e.game_date AND b.team = e.team AND b.player_name = e.player_name"
            " JOIN ref.players p ON p.player_id = e.player_id"
        )
        assert len(both) >= 20 and (both["espn_id"] == both["bdl_id"]).all()
        embiid = both.set_index("player_name").loc["Joel Embiid"]
        assert embiid["full_name"] == "Joel Embiid"
        assert embiid["espn_id"] == wh.scalar("SELECT player_id FROM ref.players WHERE full_name = 'Joel Embiid'")


def test_a_second_replay_changes_nothing(replayed: Replayed) -> None:
    steps = by_step(replayed.second)
    assert steps["scrape:nbacom.scoreboard"][2] == (
        "raw.nbac_scoreboard_games: 0 new, 0 updated, 11 unchanged; "
        "raw.nbac_scoreboard_line_scores: 0 new, 0 updated, 22 unchanged"
    )
    assert steps["scrape:balldontlie.box_scores"][2] == "raw.bdl_player_boxscores: 0 new, 0 updated, 384 unchanged"
    assert steps["scrape:espn.boxscore:espn_game_id=401585183"][2].endswith("0 new, 0 updated, 25 unchanged")
    assert [(s.step, s.category) for s in replayed.second.steps] == [(s.step, s.category) for s in replayed.first.steps]
    with Warehouse(replayed.settings.warehouse_path) as wh:
        for name, query in SNAPSHOTS.items():
            pd.testing.assert_frame_equal(wh.df(query), replayed.before_second[name], obj=name)
        assert wh.df("SELECT times_seen FROM raw.payloads")["times_seen"].tolist() == [2, 2, 2, 2]
    stored = [p for p in Path(replayed.settings.raw_store_url).rglob("*") if p.is_file()]
    assert len(stored) == 4 * 2  # each payload once, beside its .meta.json


def test_the_replay_never_touches_the_network(replayed: Replayed) -> None:
    assert replayed.guard.attempts == []
    assert not any(s.category is Category.ERROR for s in (*replayed.first.steps, *replayed.second.steps))


def test_the_cli_replays_the_day(
    registry_home: Path, replayed: Replayed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = copy_home(registry_home, tmp_path / "home")
    guard = NetworkGuard()
    guard.install(monkeypatch)
    monkeypatch.setenv("NBAPROPS_HOME", str(settings.home))
    result = CliRunner().invoke(app, ["scrape", "--date", "2024-01-15", "--replay", str(replayed.folder)])
    assert result.exit_code == 0, result.output  # no_data_available for the unrecorded rest needs no one
    assert "scrape:balldontlie.box_scores" in result.output and "no_data_available" in result.output
    assert guard.attempts == []
    with Warehouse(settings.warehouse_path) as wh, Warehouse(replayed.settings.warehouse_path) as by_function:
        assert day_counts(wh) == day_counts(by_function)
        assert wh.count("ref.unresolved_players") == 5
