"""Names from ESPN, balldontlie, Basketball Reference and the NBA.com PDFs resolve to NBA.com ids.

A warehouse holding the real 2023-24 and 2024-25 NBA.com player logs (the registry) receives the
parsed captures exactly as the scrape step merges them; then each source's names are resolved.
What cannot resolve — 2025-26 rookies the registry has never seen, players who never got into a
game — is queued in ref.unresolved_players with counts and an example row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from captures import MEM_CLE_LINES, endpoint, merge, needs_samples, parse
from conftest import HISTORY_DIR
from nbaprops.ingest import balldontlie as bdl_ingest
from nbaprops.ingest import bbref as bbref_ingest
from nbaprops.ingest import espn as espn_ingest
from nbaprops.ingest import nbacom_pdf
from nbaprops.ingest.history import import_file, recognise
from nbaprops.ingest.players import refresh_players, resolve_names, resolve_source_tables
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.sources import balldontlie, bbref, espn, nbacom
from nbaprops.warehouse.db import Warehouse

pytestmark = [needs_samples, pytest.mark.skipif(not HISTORY_DIR.exists(), reason="../shared/data/history absent")]

CAPTURES = [
    (nbacom, "injury_report", "nbac_injury_report/raw_f4391904.pdf", {}),
    (espn, "boxscore", "espn_game_boxscore/raw_6f34c64b.html.gz", {}),
    (espn, "roster_api", "espn_roster_api/raw_2.json", {}),
    (balldontlie, "box_scores", "bdl_box_scores/raw_7a649e12.json", {}),
    (balldontlie, "box_scores", "bdl_box_scores/raw_71b3c5b2.json", {}),
    (balldontlie, "stats", "bdl_player_box_scores/raw_1db4c01e.json", {}),
    (balldontlie, "injuries", "bdl_injuries/raw_49fd60fb.json", {}),
    (bbref, "roster", "handmade/basketball_ref/br_roster_raw.html", {}),
    (bbref, "roster", "handmade/basketball_ref/br_roster_unicode.html", {}),
    (bbref, "roster", "handmade/basketball_ref/br_roster_suffix.html", {"url": "https://www.basketball-reference.com/teams/SAC/2025.html"}),
]  # fmt: skip
SPECS = {
    "nbacom": nbacom_pdf.PLAYER_NAMES,
    "espn": espn_ingest.PLAYER_NAMES,
    "balldontlie": bdl_ingest.PLAYER_NAMES,
    "bbref": bbref_ingest.PLAYER_NAMES,
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The two seasons of NBA.com player logs, the registry built from them, the captures merged."""
    wh = Warehouse(str(tmp_path_factory.mktemp("resolution") / "w.duckdb"))
    for season in ("2023-24", "2024-25"):
        path = HISTORY_DIR / "nbacom" / f"player_game_logs_{season}.csv"
        import_file(wh, path, recognise(Path(path)))
    refresh_players(wh)
    for module, name, capture_file, kwargs in CAPTURES:
        ep = endpoint(module, name)
        merge(wh, ep, parse(ep, capture_file, **kwargs))
    yield wh
    wh.close()


@pytest.fixture(scope="module")
def resolved(registry: Warehouse) -> dict[str, object]:
    return {source: resolve_source_tables(registry, source, specs) for source, specs in SPECS.items()}


def nba_id(wh: Warehouse, full_name: str) -> int:
    ids = wh.execute("SELECT player_id FROM ref.players WHERE full_name = ?", [full_name]).fetchall()
    assert len(ids) == 1, full_name
    return int(ids[0][0])


def ids_of(wh: Warehouse, table: str, name_column: str = "player_name") -> dict[str, int | None]:
    rows = wh.execute(f"SELECT DISTINCT {name_column}, player_id FROM {table}").fetchall()
    return {name: (None if pid is None else int(pid)) for name, pid in rows}


def test_every_injury_report_name_resolves(registry: Warehouse, resolved: dict) -> None:
    assert resolved["nbacom"].rows == 14 and resolved["nbacom"].rate == 1.0
    ids = ids_of(registry, "raw.nbac_injury_report")
    assert ids["David Duke Jr."] == nba_id(registry, "David Duke Jr.")  # printed 'Duke Jr., David'
    assert ids["Gary Payton II"] == nba_id(registry, "Gary Payton II")
    assert ids["Vlatko Cancar"] == nba_id(registry, "Vlatko Čančar")  # accents differ between sources


def test_espn_box_score_and_roster_names_all_resolve(registry: Warehouse, resolved: dict) -> None:
    assert resolved["espn"].rows == 25 + 17 and resolved["espn"].rate == 1.0
    box = ids_of(registry, "raw.espn_boxscore_players")
    assert box["Joel Embiid"] == nba_id(registry, "Joel Embiid")
    assert box["Boban Marjanovic"] == nba_id(registry, "Boban Marjanovic")  # DNP, still identified
    assert ids_of(registry, "raw.espn_rosters")["Jayson Tatum"] == nba_id(registry, "Jayson Tatum")


def test_basketball_reference_suffix_unicode_and_alias_names_resolve(registry: Warehouse, resolved: dict) -> None:
    assert resolved["bbref"].rows == 16 and resolved["bbref"].rate == 1.0
    ids = ids_of(registry, "raw.bbref_rosters")
    assert ids["Nikola Jokić"] == nba_id(registry, "Nikola Jokić")
    assert ids["Dāvis Bertāns"] == nba_id(registry, "Davis Bertans")
    assert ids["Kevin Porter Jr."] == nba_id(registry, "Kevin Porter Jr.")
    assert ids["Moe Wagner"] == nba_id(registry, "Moritz Wagner")  # the curated alias
    assert ids["Jayson Tatum Jr."] == nba_id(registry, "Jayson Tatum")  # suffixes are ignored by design


def test_balldontlie_names_resolve_in_the_seasons_the_registry_holds(registry: Warehouse, resolved: dict) -> None:
    covered = registry.df(
        "SELECT count(*) AS n, count(player_id) AS r FROM raw.bdl_player_boxscores WHERE game_date < DATE '2025-07-01'"
    ).iloc[0]
    assert covered["n"] == 414 and covered["r"] / covered["n"] >= 0.99
    ids = ids_of(registry, "raw.bdl_player_boxscores")
    assert ids["Nicolas Batum"] == nba_id(registry, "Nicolas Batum")
    assert ids["Kelly Oubre Jr."] == nba_id(registry, "Kelly Oubre Jr.")
    assert ids["Shai Gilgeous-Alexander"] == nba_id(registry, "Shai Gilgeous-Alexander")
    assert resolved["balldontlie"].rate > 0.85  # the rest: 2025-26 rookies, unknown to this registry


def test_unresolved_names_are_queued_with_counts_and_an_example(registry: Warehouse, resolved: dict) -> None:
    queue = registry.df("SELECT * FROM ref.unresolved_players WHERE source = 'balldontlie'").set_index("name")
    assert len(queue) == len(resolved["balldontlie"].unresolved) > 0
    unresolved_rows = registry.scalar("SELECT count(*) FROM raw.bdl_player_boxscores WHERE player_id IS NULL")
    unresolved_rows += registry.scalar("SELECT count(*) FROM raw.bdl_injuries WHERE player_id IS NULL")
    assert queue["occurrences"].sum() == unresolved_rows  # every row without an id is counted, once
    edgecombe = queue.loc["VJ Edgecombe"]  # a 2025-26 rookie: in the box score of 2026-01-09 and injured
    assert (edgecombe["occurrences"], edgecombe["player_games"], edgecombe["teams"]) == (2, 2, "PHI")
    assert edgecombe["last_date"] == pd.Timestamp("2026-01-09")
    example = json.loads(edgecombe["example"])
    assert example["table"] in {"raw.bdl_player_boxscores", "raw.bdl_injuries"} and example["bdl_player_id"]
    oladipo = queue.loc["Victor Oladipo"]  # on Houston's 2024-01-15 box score, never in an NBA.com log then
    assert (oladipo["occurrences"], oladipo["teams"]) == (1, "HOU") and json.loads(oladipo["example"])["minutes"] == 0.0
    assert set(registry.df("SELECT DISTINCT source FROM ref.unresolved_players")["source"]) == {"balldontlie"}


def test_resolving_again_changes_nothing_and_counts_do_not_double(registry: Warehouse, resolved: dict) -> None:
    before = registry.df("SELECT name, occurrences, player_games FROM ref.unresolved_players ORDER BY name")
    again = resolve_source_tables(registry, "balldontlie", bdl_ingest.PLAYER_NAMES)
    after = registry.df("SELECT name, occurrences, player_games FROM ref.unresolved_players ORDER BY name")
    pd.testing.assert_frame_equal(before, after)
    assert again.rows_resolved == 0 and again.rows == int(before["occurrences"].sum())


def test_game_book_surnames_resolve_on_the_teams_roster(registry: Warehouse) -> None:
    book = nbacom_pdf.gamebook_rows(MEM_CLE_LINES, "20240410/MEMCLE", "nbacom.gamebook_pdf")
    rows = pd.DataFrame({"player_name": book["player_name"], "teams": book["team"], "game_date": book["game_date"]})
    out, summary = resolve_names(registry, "nbacom_gamebook_test", rows, rebuild_queue=True)
    assert summary.rows == 15 and summary.rate == 1.0
    ids = dict(zip(out["player_name"], out["player_id"], strict=True))
    assert ids["Bane"] == nba_id(registry, "Desmond Bane")
    assert ids["Jackson Jr."] == nba_id(registry, "Jaren Jackson Jr.")  # not GG Jackson, his teammate
    assert ids["GG Jackson"] == nba_id(registry, "GG Jackson")
    assert ids["Williams Jr."] == nba_id(registry, "Vince Williams Jr.")  # not Ziaire Williams
    assert ids["Jerome"] == nba_id(registry, "Ty Jerome")
    assert ids["Marcus Morris Sr."] == nba_id(registry, "Marcus Morris Sr.")
    surname_aliases = registry.scalar("SELECT count(*) FROM ref.player_aliases WHERE alias_key IN ('bane', 'jerome')")
    assert surname_aliases == 0  # a surname is never learned as an alias


def test_a_name_nobody_has_is_queued_never_dropped(registry: Warehouse) -> None:
    rows = pd.DataFrame({"player_name": ["Definitely Notaplayer"], "teams": ["BOS"], "game_date": [date(2025, 1, 15)]})
    out, summary = resolve_names(registry, "resolution_test", rows)
    assert out["player_id"].isna().all() and summary.rate == 0.0
    queued = registry.df("SELECT * FROM ref.unresolved_players WHERE source = 'resolution_test'").iloc[0]
    assert (queued["name"], queued["occurrences"], queued["teams"]) == ("Definitely Notaplayer", 1, "BOS")
    assert json.loads(queued["example"])["player_name"] == "Definitely Notaplayer"
    registry.execute("DELETE FROM ref.unresolved_players WHERE source = 'resolution_test'")


def test_the_finish_step_waits_for_a_registry(wh: Warehouse) -> None:
    with pytest.raises(StepFailure) as failure:
        balldontlie.finish(wh, date(2025, 1, 15))
    assert failure.value.category is Category.DEPENDENCY_MISSING and "registry is empty" in failure.value.message
