"""The player registry learns players from scraped NBA.com game logs and box scores, not only from imports.

A warehouse holding only the 2023-24 NBA.com history logs receives the real scraped captures of the
next season — the league game log of 2025-03-15 and the box score of NYK @ PHI on 2025-01-15 (dated by
that day's scoreboard) — as the scrape merges them. Rookies of 2024-25 (and players who missed all of
2023-24) appear in no 2023-24 log; after the refresh they are in the registry and on their teams'
rosters, so names from other sources resolve.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from captures import endpoint, merge, needs_samples, parse
from conftest import HISTORY_DIR
from nbaprops.ingest.history import import_file, recognise
from nbaprops.ingest.players import PlayerIndex, refresh_players, resolve_names
from nbaprops.sources import nbacom
from nbaprops.warehouse.db import Warehouse

pytestmark = [needs_samples, pytest.mark.skipif(not HISTORY_DIR.exists(), reason="../shared/data/history absent")]

GAME_LOG = endpoint(nbacom, "player_game_log")
SCOREBOARD = endpoint(nbacom, "scoreboard")
BOXSCORE = endpoint(nbacom, "boxscore")
SEASON_2024 = 2024


def ids(wh: Warehouse, query: str) -> set[int]:
    return {int(r[0]) for r in wh.execute(query).fetchall()}


@pytest.fixture
def history_only(tmp_path: Path) -> Iterator[Warehouse]:
    wh = Warehouse(str(tmp_path / "w.duckdb"))
    path = HISTORY_DIR / "nbacom" / "player_game_logs_2023-24.csv"
    import_file(wh, path, recognise(path))
    yield wh
    wh.close()


def scrape_2024_25_captures(wh: Warehouse) -> None:
    merge(wh, GAME_LOG, parse(GAME_LOG, "nbac_player_boxscore/raw_2ad17718.json"))
    merge(wh, SCOREBOARD, parse(SCOREBOARD, "nbac_scoreboard_v2/raw_06a65a50.json"))
    merge(wh, BOXSCORE, parse(BOXSCORE, "nbac_team_boxscore/raw_12f99055.json"))


def test_history_alone_builds_the_registry_as_before(history_only: Warehouse) -> None:
    players = refresh_players(history_only)
    assert players == 572 == history_only.scalar("SELECT count(DISTINCT player_id) FROM raw.player_game_logs")
    index = PlayerIndex(history_only)
    assert sum(len(r) for (_team, season), r in index.rosters.items() if season == 2023) == history_only.scalar(
        "SELECT count(*) FROM (SELECT DISTINCT player_id, team FROM raw.player_game_logs)"
    )


def test_scraped_game_logs_and_box_scores_add_their_players(history_only: Warehouse) -> None:
    refresh_players(history_only)
    known = ids(history_only, "SELECT player_id FROM ref.players")
    scrape_2024_25_captures(history_only)
    from_log = ids(history_only, "SELECT player_id FROM raw.nbac_player_game_logs") - known
    from_box = ids(history_only, "SELECT player_id FROM raw.nbac_boxscore_players") - known - from_log
    assert (len(from_log), len(from_box)) == (22, 5)  # measured on the captures: in no 2023-24 log

    assert refresh_players(history_only) == 572 + 22 + 5
    registry = history_only.df("SELECT * FROM ref.players").set_index("full_name")
    assert set(registry["player_id"]) == known | from_log | from_box
    edey = registry.loc["Zach Edey"]  # a rookie, first seen in the scraped game log of 2025-03-15
    assert (edey["first_game"], edey["last_game"]) == (pd.Timestamp("2025-03-15"), pd.Timestamp("2025-03-15"))
    # A player who did not get in is still on his team's box score, and so in the registry.
    hukporti = history_only.df(
        "SELECT comment, minutes FROM raw.nbac_boxscore_players WHERE player_name = 'Ariel Hukporti'"
    ).iloc[0]
    assert hukporti["comment"] == "DNP - Coach's Decision" and pd.isna(hukporti["minutes"])
    assert registry.loc["Ariel Hukporti", "first_game"] == pd.Timestamp("2025-01-15")  # dated by the day's scoreboard
    # Each scraped spelling is an alias of its player, as the history logs' spellings are.
    assert (
        history_only.scalar(
            "SELECT player_id FROM ref.player_aliases WHERE alias_key = 'adem bona' AND method = 'box_score_name'"
        )
        == registry.loc["Adem Bona", "player_id"]
    )


def test_names_from_other_sources_resolve_on_the_scraped_rosters(history_only: Warehouse) -> None:
    scrape_2024_25_captures(history_only)
    refresh_players(history_only)
    index = PlayerIndex(history_only)
    assert index.roster(("PHI",), SEASON_2024).keys() >= ids(
        history_only, "SELECT player_id FROM raw.nbac_boxscore_players WHERE team = 'PHI'"
    )
    holland = history_only.scalar("SELECT player_id FROM ref.players WHERE full_name = 'Ronald Holland II'")
    rows = {
        "player_name": ["Ron Holland", "Zach Edey", "Adem Bona", "Ariel Hukporti"],
        "teams": ["DET", "MEM", "PHI", "NYK"],
        "game_date": [date(2025, 3, 15), date(2025, 3, 15), date(2025, 1, 15), date(2025, 1, 15)],
    }
    out, summary = resolve_names(history_only, "registry_test", pd.DataFrame(rows))
    assert summary.rate == 1.0
    resolved = dict(zip(out["player_name"], zip(out["player_id"], out["method"], strict=True), strict=True))
    assert resolved["Ron Holland"] == (holland, "first_name_variant")  # needs DET's scraped 2024-25 roster
    assert resolved["Zach Edey"][1] == resolved["Adem Bona"][1] == "exact"


def test_the_nbacom_finish_step_refreshes_the_registry_before_resolving(history_only: Warehouse) -> None:
    refresh_players(history_only)
    scrape_2024_25_captures(history_only)
    _rows, message = nbacom.finish(history_only, date(2025, 3, 15))
    assert message.startswith("registry: 599 players; nbacom: ")
    assert history_only.scalar("SELECT count(*) FROM ref.players WHERE full_name = 'Zach Edey'") == 1
