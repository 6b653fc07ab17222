"""Every prop line resolves to an NBA player id and game id; what does not is queued, never dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import HISTORY_DIR, make_settings, needs_shared
from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.ingest.players import resolve_prop_lines, summarize_resolution
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.predict.odds import implied_probability
from nbaprops.warehouse.db import Warehouse


def naive_played_coverage(wh: Warehouse) -> float:
    """What joining sportsbook names to NBA.com names verbatim achieves, on the same player-games."""
    return float(
        wh.scalar(
            """
            WITH pg AS (SELECT DISTINCT player_name, game_date, player_id FROM raw.prop_lines),
            played AS (
                SELECT pg.*, EXISTS (SELECT 1 FROM raw.player_game_logs b
                                     WHERE b.player_id = pg.player_id AND b.game_date = pg.game_date) AS played
                FROM pg)
            SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM raw.player_game_logs b
                                         WHERE b.player_name = played.player_name AND b.game_date = played.game_date)
                       THEN 1.0 ELSE 0.0 END)
            FROM played WHERE played
            """
        )
    )


def test_demo_props_resolve_far_beyond_a_naive_name_join(demo_home) -> None:
    with Warehouse(make_settings(demo_home).warehouse_path) as wh:
        summary = summarize_resolution(wh)
        naive = naive_played_coverage(wh)
    assert summary.player_games > 3000
    assert summary.played_coverage >= 0.97
    assert naive < 0.95  # the names really do differ between the sources
    assert summary.lines_resolved == summary.lines


@pytest.mark.parametrize(
    ("book_name", "nba_name"),
    [("Herb Jones", "Herbert Jones"), ("Nicolas Claxton", "Nic Claxton"), ("Carlton Carrington", "Bub Carrington"),
     ("Jimmy Butler", "Jimmy Butler III"), ("Nikola Jokic", "Nikola Jokić")],
)  # fmt: skip
def test_known_spelling_differences_resolve_to_the_right_player(demo_home, book_name: str, nba_name: str) -> None:
    with Warehouse(make_settings(demo_home).warehouse_path) as wh:
        ids = wh.execute("SELECT DISTINCT player_id FROM raw.prop_lines WHERE player_name = ?", [book_name]).fetchall()
        expected = wh.execute("SELECT player_id FROM ref.players WHERE full_name = ?", [nba_name]).fetchall()
    assert len(expected) == 1
    assert ids == expected


def test_ladders_reduce_to_the_line_priced_closest_to_even(demo_home) -> None:
    with Warehouse(make_settings(demo_home).warehouse_path) as wh:
        raw = wh.df(
            "SELECT * FROM raw.prop_lines WHERE bookmaker = 'bovada' AND market = 'player_points'"
            " AND player_id IS NOT NULL AND snapshot_utc < commence_utc"
        )
        main = wh.df("SELECT * FROM analytics.book_lines WHERE bookmaker = 'bovada' AND market = 'player_points'")
    ladder_sizes = raw.groupby(["player_id", "game_id"]).size()
    assert ladder_sizes.max() >= 5  # bovada really posts ladders
    raw["gap"] = np.abs(implied_probability(raw["over_odds"]) - implied_probability(raw["under_odds"]))
    expected = raw.sort_values(["gap", "line"]).groupby(["player_id", "game_id"]).head(1)
    merged = expected.merge(main, on=["player_id", "game_id"], suffixes=("_expected", "_main"))
    assert len(merged) == len(main) == ladder_sizes.size
    assert (merged["line_expected"] == merged["line_main"]).all()


def test_an_unknown_name_is_queued_with_counts_and_an_example(demo_copy: Settings) -> None:
    with Warehouse(demo_copy.warehouse_path) as wh:
        sample = wh.df("SELECT * FROM raw.prop_lines WHERE market = 'player_points' LIMIT 3")
        sample["player_name"] = "Zzyzx Unheardof"
        sample["player_id"] = pd.NA
        sample["line"] = sample["line"] + 1000  # keep the natural key distinct from the real rows
        wh.con.register("_extra", sample)
        wh.execute("INSERT INTO raw.prop_lines SELECT * FROM _extra")
        summary = resolve_prop_lines(wh)
        row = wh.execute(
            "SELECT occurrences, player_games, example FROM ref.unresolved_players WHERE name = 'Zzyzx Unheardof'"
        ).fetchone()
        again = resolve_prop_lines(wh)  # rebuilding the queue must not double the counts
        count_again = wh.scalar("SELECT occurrences FROM ref.unresolved_players WHERE name = 'Zzyzx Unheardof'")
    assert summary.unresolved_names == 1 and again.unresolved_names == 1
    assert row is not None and row[0] == 3 and count_again == 3
    assert "Zzyzx Unheardof" in row[2] and "event_id" in row[2]


@pytest.mark.integration
@needs_shared
def test_all_shared_history_resolves_at_least_97_percent(tmp_path) -> None:
    settings = make_settings(tmp_path)
    settings.ensure_dirs()
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_path)
        report = import_history(wh, settings, history, [HISTORY_DIR])
        history.close()
        summary = summarize_resolution(wh)
        unresolved = wh.df("SELECT name, occurrences, example FROM ref.unresolved_players")
        assert report.category.value == "success"
        assert summary.lines > 180_000
        assert summary.played_coverage >= 0.97
        assert naive_played_coverage(wh) < summary.played_coverage
        orphans = wh.scalar(
            "SELECT count(*) FROM analytics.player_game_summary"
            " WHERE game_id NOT IN (SELECT game_id FROM analytics.games)"
        )
        # Lines without a game are games with no box score at all in the export (Play-In games).
        unmatched_with_box = wh.scalar(
            """
            SELECT count(DISTINCT p.event_id) FROM raw.prop_lines p
            JOIN raw.player_game_logs b ON b.game_date = p.game_date AND b.team IN (p.home, p.away)
            WHERE p.game_id IS NULL
            """
        )
        assert orphans == 0 and unmatched_with_box == 0
        # Neutral-site games (both teams listed as away) are games too: NBA Cup semifinal, Paris.
        assert wh.count("analytics.games", "game_id IN ('0022401229', '0022400621')") == 2
        # Ambiguous initials stay unresolved rather than being guessed: two Greens played for Houston.
        assert "J. Green" in set(unresolved["name"])
        assert unresolved["example"].str.len().gt(0).all()
