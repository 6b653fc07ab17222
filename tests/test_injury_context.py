"""Availability from the official injury report, known before tip-off: the player's own status and
how many teammates are out, on the real NBA.com report of 2024-01-04 12:30 PM ET."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import captures
from conftest import HISTORY_DIR, make_settings, needs_shared
from nbaprops.ingest.history import import_history
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import run_pipeline
from nbaprops.sources import nbacom
from nbaprops.warehouse.db import Warehouse

DAY = date(2024, 1, 4)
REPORT = captures.endpoint(nbacom, "injury_report")
pytestmark = [needs_shared, captures.needs_samples]


def build(tmp_path, report_shift_hours: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = make_settings(tmp_path)
    settings.ensure_dirs()
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        nbacom_dir = HISTORY_DIR / "nbacom"
        import_history(wh, settings, history, [nbacom_dir / "player_game_logs_2023-24.csv",
                                               nbacom_dir / "team_game_logs_2023-24.csv"])  # fmt: skip
        result = captures.parse(REPORT, "nbac_injury_report/raw_f4391904.pdf")
        for frame in result.tables.values():
            frame["report_utc"] = frame["report_utc"] + pd.Timedelta(hours=report_shift_hours)
        captures.merge(wh, REPORT, result)
        nbacom.finish(wh, DAY)  # what the scrape does after merging: resolve the report's names
        run_pipeline(wh, settings, history, date(2023, 10, 1), DAY, phases={"ingest", "analytics", "features"})
        history.close()
        context = wh.df(
            "SELECT c.*, p.full_name FROM analytics.player_game_context c JOIN ref.players p USING (player_id)"
            " WHERE c.game_date = ?",
            [DAY],
        )
        features = wh.df("SELECT * FROM features.player_game WHERE game_date = ?", [DAY])
    return context, features


@pytest.fixture(scope="module")
def on_time(tmp_path_factory):
    return build(tmp_path_factory.mktemp("injury"))


def test_listed_players_carry_their_status_and_teammates_out_are_counted(on_time) -> None:
    context, _ = on_time
    by_name = context.set_index("full_name")
    # Draymond Green was suspended and Gary Payton II hurt: both Out for Golden State that night.
    assert by_name.loc["Draymond Green", "injury_status"] == "Out"
    assert "Suspension" in by_name.loc["Draymond Green", "injury_reason"]
    gsw = context.loc[context["team"] == "GSW"]
    assert (gsw.loc[gsw["injury_status"] == "Not listed", "teammates_out"] == 2).all()
    assert by_name.loc["Draymond Green", "teammates_out"] == 1  # himself not counted
    # San Antonio listed 8: Out, Doubtful and Questionable players.
    assert by_name.loc["Malaki Branham", "injury_status"] == "Doubtful"
    # Milwaukee had not submitted yet: no status rather than a guess.
    assert context.loc[context["team"] == "MIL", "injury_status"].isna().all()


def test_the_features_read_the_report(on_time) -> None:
    context, features = on_time
    merged = features.merge(context[["player_id", "game_id", "full_name"]], on=["player_id", "game_id"])
    branham = merged.set_index("full_name").loc["Malaki Branham"]
    assert branham["injury_questionable"] == 1.0
    assert "injury_questionable" not in (branham["defaulted_features"] or "")
    milwaukee = merged.loc[merged["team"] == "MIL"]
    assert milwaukee["defaulted_features"].str.contains("teammates_out").all()


def test_a_report_published_after_tip_off_is_ignored(tmp_path) -> None:
    # The same report, as if published at 8:30 PM ET: after the 7:30 PM tip in San Antonio, before
    # the 10 PM tip in San Francisco.
    context, _ = build(tmp_path, report_shift_hours=8.0)
    assert context.loc[context["team"] == "SAS", "injury_status"].isna().all()
    assert (context.loc[context["team"] == "GSW", "injury_status"].notna()).all()
