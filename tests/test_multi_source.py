"""Player game summaries from several sources: the best source wins, every source is on record,
players who did not play keep a row with the reason, and the sources agree where they overlap.

Real data only: the NBA.com 2024-25 history files plus the recorded NBA.com schedule and the box
score of NYK @ PHI on 2025-01-15 (an overtime game with eight players who did not play).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import captures
from conftest import HISTORY_DIR, needs_shared
from nbaprops.ingest.history import import_history
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import run_pipeline
from nbaprops.sources import nbacom
from nbaprops.warehouse.db import Warehouse

DAY = date(2025, 1, 15)
SCHEDULE = captures.endpoint(nbacom, "schedule")
BOXSCORE = captures.endpoint(nbacom, "boxscore")


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from conftest import make_settings

    settings = make_settings(tmp_path_factory.mktemp("multi"))
    settings.ensure_dirs()
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        nbacom_dir = HISTORY_DIR / "nbacom"
        files = [nbacom_dir / "player_game_logs_2024-25.csv", nbacom_dir / "team_game_logs_2024-25.csv"]
        import_history(wh, settings, history, files)
        captures.merge(wh, SCHEDULE, captures.parse(SCHEDULE, "nbac_schedule_api/raw_80cb1fd6.json.gz"))
        captures.merge(wh, BOXSCORE, captures.parse(BOXSCORE, "nbac_team_boxscore/raw_12f99055.json"))
        run_pipeline(wh, settings, history, date(2024, 10, 1), DAY, phases={"ingest", "analytics"})
        history.close()
        players = wh.df("SELECT * FROM analytics.player_game_summary WHERE game_date = ?", [DAY])
        teams = wh.df("SELECT * FROM analytics.team_game_summary WHERE game_date = ?", [DAY])
        games = wh.df("SELECT * FROM analytics.games WHERE game_date = ?", [DAY])
    return players, teams, games


pytestmark = [needs_shared, captures.needs_samples]


def game(players: pd.DataFrame) -> pd.DataFrame:
    return players.loc[players["team"].isin(["NYK", "PHI"])].set_index("player_name")


def test_the_box_score_wins_over_history_and_both_are_on_record(summary) -> None:
    players, _, _ = summary
    nyk_phi = game(players)
    played = nyk_phi.loc[nyk_phi["status"] == "played"]
    assert len(played) == 17 and (played["source"] == "nbacom_boxscore").all()
    assert played["sources_available"].str.contains("nbacom_history").all()
    assert played["fga"].notna().all() and played["ts_pct"].between(0, 1.5).all()
    assert played["usage_rate"].notna().all() and (played["completeness"] == 1.0).all()
    # Other games that day exist only in the history files: they keep that source, and say what it lacks.
    others = players.loc[~players["team"].isin(["NYK", "PHI"])]
    assert len(others) > 100 and (others["source"] == "nbacom_history").all()
    assert others["missing_fields"].str.contains("fga").all()


def test_the_sources_agree_where_they_overlap(summary, tmp_path) -> None:
    players, _, _ = summary
    played = game(players).loc[lambda f: f["status"] == "played"]
    history = pd.read_csv(HISTORY_DIR / "nbacom" / "player_game_logs_2024-25.csv")
    history = history.loc[history["GAME_DATE"] == DAY.isoformat()].set_index("PLAYER_ID")
    for row in played.itertuples():
        assert row.pts == history.loc[row.player_id, "PTS"]
        assert row.reb == history.loc[row.player_id, "REB"]
        assert abs(row.minutes - history.loc[row.player_id, "MIN"]) <= 1.0  # history rounds to whole minutes


def test_players_who_did_not_play_keep_a_row_with_the_reason(summary) -> None:
    players, _, _ = summary
    bench = game(players).loc[lambda f: f["status"] != "played"]
    assert len(bench) == 8
    assert (bench["status"] == "did_not_play").all()
    assert bench["status_reason"].str.contains("DNP|DND").all()
    assert bench["pts"].isna().all() and (bench["missing_fields"] == "no stats: did_not_play").all()


def test_team_rows_come_from_the_box_score_with_overtime_pace(summary) -> None:
    _, teams, games = summary
    box = teams.loc[teams["team"].isin(["NYK", "PHI"])].set_index("team")
    assert (box["source"] == "nbacom_boxscore").all()
    assert box["possessions"].notna().all() and box["possessions"].nunique() == 1  # one count for both
    # 265 minutes (one overtime): pace is per 48 minutes, so below possessions.
    assert (box["pace"] < box["possessions"]).all()
    started = games.set_index("home").loc["PHI", "start_utc"]
    assert started == pd.Timestamp("2025-01-16 00:00:00")  # 7 PM Eastern, from the NBA.com schedule
