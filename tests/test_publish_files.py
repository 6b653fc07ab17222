"""The published JSON files (issue 8), on the real demo data: every file valid against its JSON Schema,
its numbers equal to the warehouse's, best bets within their caps, and an unhealthy date flagged with
no picks — never silently stale.

Built on a copy of ``built_home`` (the demo window backtested with the baseline): only the best bets
(for the baseline) and the publish phase run here, for three dates.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import make_settings
from nbaprops.config import Settings
from nbaprops.grading.summary import summarize
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.daemon import republish
from nbaprops.pipeline.registry import REGISTRY
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, RunReport, StepOutcome, run_pipeline
from nbaprops.publish import schema
from nbaprops.publish.files import published_health
from nbaprops.publish.health import WITHHELD
from nbaprops.publish.summaries import summarize_by
from nbaprops.warehouse.db import Warehouse

START, DAY, END = date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12)
PUBLISH = {p.name for p in REGISTRY if p.phase == "publish"}
INLINE = RunOptions(isolation="inline")


def _home(built_home: Path, target: Path, **overrides: Any) -> Settings:
    """A private copy of the built home with an empty publish folder, so only this test's files are there."""
    shutil.copytree(built_home, target)
    settings = make_settings(target, **overrides)
    assert settings.publish_dir is not None
    shutil.rmtree(settings.publish_dir / "v1", ignore_errors=True)
    return settings


def _read(settings: Settings, relpath: str) -> dict[str, Any]:
    assert settings.publish_dir is not None
    return json.loads((settings.publish_dir / "v1" / relpath).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Best bets for the baseline, then every publish step, over 2025-11-10..12."""
    settings = _home(built_home, tmp_path_factory.mktemp("published") / "home", best_bets_system="baseline")
    history = RunHistory(settings.run_history_url)
    with Warehouse(settings.warehouse_path) as wh:
        report = run_pipeline(
            wh, settings, history, START, END, names={"predictions.best_bets", *PUBLISH}, options=INLINE
        )
    history.close()
    assert {s.name: s.category for s in report.steps} == dict.fromkeys(
        ["predictions.best_bets", *sorted(PUBLISH)], Category.SUCCESS
    ), [(s.name, s.message) for s in report.steps]
    return settings


def test_every_published_file_is_valid_against_its_schema(published: Settings) -> None:
    assert published.publish_dir is not None
    kinds: Counter[str] = Counter()
    for path in sorted((published.publish_dir / "v1").rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        kind = schema.kind_of(document)
        assert schema.errors(document) == [], path
        kinds[kind] += 1
    assert set(kinds) == set(schema.KINDS)
    assert kinds["tonight"] == kinds["results"] == kinds["best_bets"] == 3
    assert kinds["player"] > 150
    index = _read(published, "index.json")
    assert index["dates"]["tonight"] == index["dates"]["best-bets"] == ["2025-11-10", "2025-11-11", "2025-11-12"]
    assert index["latest"]["results"] == "2025-11-12" and index["files"]["status"] == "status.json"


def test_tonight_lists_the_slate_lines_per_book_and_every_system(published: Settings) -> None:
    tonight = _read(published, "tonight/2025-11-12.json")
    with Warehouse(published.warehouse_path) as wh:
        games = wh.scalar("SELECT count(*) FROM analytics.games WHERE game_date = ?", [END])
        predictions = wh.df("SELECT * FROM predictions.player_props WHERE game_date = ?", [END])
        books = wh.df("SELECT player_id, count(*) AS n FROM analytics.book_lines WHERE game_date = ? "
                      "AND market = 'player_points' GROUP BY 1", [END])  # fmt: skip
    assert tonight["health"]["status"] == "ok" and tonight["stale_or_incomplete"] is False
    assert len(tonight["games"]) == games >= 10
    assert tonight["systems"] == published.prediction_systems and tonight["systems_without_predictions"] == []
    assert {p["system_id"] for p in tonight["predictions"]} == set(published.prediction_systems)
    assert len(tonight["predictions"]) == len(predictions)
    # every book's line, as the warehouse has it
    by_player = {p["player_id"]: p for p in tonight["players"]}
    for player_id, n in zip(books["player_id"], books["n"], strict=True):
        assert len(by_player[int(player_id)]["lines"]["player_points"]["books"]) == n
    assert max(len(p["lines"]["player_points"]["books"]) for p in tonight["players"]) >= 5
    # recent form is point-in-time: only games before the date
    form = [g for p in tonight["players"] for g in p["recent_form"]["last_games"]]
    assert form and all(g["game_date"] < "2025-11-12" for g in form)
    # the picks are exactly the actionable predictions
    actionable = predictions.loc[predictions["actionable"]]
    assert len(tonight["picks"]) == len(actionable) > 0
    assert {(p["player_id"], p["recommendation"]) for p in tonight["picks"]} == set(
        zip(actionable["player_id"], actionable["recommendation"], strict=True)
    )


def test_results_agree_with_the_graded_predictions(published: Settings) -> None:
    results = _read(published, "results/2025-11-12.json")
    with Warehouse(published.warehouse_path) as wh:
        graded = wh.df("SELECT * FROM grading.player_props WHERE game_date = ?", [END])
    expected = summarize(graded)
    assert results["summary"]["baseline/player_points"] == pytest.approx(expected)
    assert len(results["predictions"]) == len(graded)
    assert Counter(p["outcome"] for p in results["predictions"]) == Counter(graded["outcome"])
    breakdown = results["breakdowns"]["baseline/player_points"]
    for dimension in ("p_side", "abs_edge", "player_tier"):  # every graded row lands in exactly one bucket
        buckets = breakdown[dimension].values()
        assert sum(b["graded"] for b in buckets) == expected["graded"], dimension
        assert sum(b["picks"] for b in buckets) == expected["picks"], dimension
        assert sum(b["wins"] for b in buckets) == expected["wins"], dimension
    assert set(breakdown["player_tier"]) <= {"starter", "rotation", "bench", "unknown"}
    assert breakdown["player_tier"]["starter"]["graded"] > 0


def test_summaries_in_one_pass_equal_summarize_group_by_group(published: Settings) -> None:
    with Warehouse(published.warehouse_path) as wh:
        graded = wh.df("SELECT * FROM grading.player_props WHERE game_date BETWEEN ? AND ?", [START, END])
    fast = summarize_by(graded, ["game_date", "player_id"])
    assert len(fast) == graded.groupby(["game_date", "player_id"]).ngroups > 300
    for key, rows in graded.groupby(["game_date", "player_id"]):
        assert fast[key] == pytest.approx(summarize(rows)), key


def test_best_bets_respect_their_caps(published: Settings) -> None:
    seen = 0
    for day in ("2025-11-10", "2025-11-11", "2025-11-12"):
        best = _read(published, f"best-bets/{day}.json")
        tonight = _read(published, f"tonight/{day}.json")
        bets, caps = best["bets"], best["caps"]
        assert best["system_id"] == "baseline" and len(bets) <= caps["per_day"]
        assert [b["rank"] for b in bets] == list(range(1, len(bets) + 1))
        assert max(Counter(b["game_id"] for b in bets).values(), default=0) <= caps["per_game"]
        assert max(Counter(b["team"] for b in bets).values(), default=0) <= caps["per_team"]
        assert len({b["player_id"] for b in bets}) == len(bets)
        picks = {(p["player_id"], p["market"], p["recommendation"]) for p in tonight["picks"]}
        assert {(b["player_id"], b["market"], b["recommendation"]) for b in bets} <= picks
        graded = [b for b in bets if b["outcome"] is not None]
        if graded:  # a bet on a player who did not play is void: refunded, not a pick
            record = best["record"]
            assert record["picks"] + record["voids"] + record["ungraded"] == len(graded)
            assert record["wins"] == sum(1 for b in graded if (b["profit"] or 0) > 0)
        seen += len(bets)
    assert seen > 0


def test_player_pages_index_and_system_performance(published: Settings) -> None:
    index = _read(published, "players/index.json")
    assert index["count"] == len(index["players"]) > 150
    assert len({p["slug"] for p in index["players"]}) == index["count"]
    entry = next(p for p in index["players"] if p["name"] == "Collin Sexton")
    page = _read(published, f"players/{entry['player_id']}.json")
    assert page["slug"] == entry["slug"] == "collin-sexton"
    with Warehouse(published.warehouse_path) as wh:
        graded = wh.df("SELECT * FROM grading.player_props WHERE player_id = ? AND game_date <= ?",
                       [entry["player_id"], END])  # fmt: skip
        rolling = wh.df("SELECT * FROM grading.daily_performance WHERE game_date = (SELECT max(game_date) "
                        "FROM grading.daily_performance) AND window_days = 7")  # fmt: skip
        all_graded = wh.df("SELECT * FROM grading.player_props")
        predicted = wh.df("SELECT game_date FROM predictions.player_props WHERE player_id = ? AND game_date <= ?",
                          [entry["player_id"], END])  # fmt: skip
    assert page["record"]["baseline/player_points"] == pytest.approx(summarize(graded))
    assert all(g["game_date"] <= "2025-11-12" for g in page["recent_games"]) and len(page["recent_games"]) == 20
    assert sorted(p["game_date"] for p in page["predictions"]) == sorted(predicted["game_date"].dt.strftime("%Y-%m-%d"))
    performance = _read(published, "systems/performance.json")
    system = performance["systems"][0]
    assert (system["system_id"], system["market"]) == ("baseline", "player_points")
    assert system["overall"] == pytest.approx(summarize(all_graded))
    assert system["rolling"]["7"]["picks"] == int(rolling["picks"].iloc[0])
    assert system["rolling"]["7"]["hit_rate"] == pytest.approx(float(rolling["hit_rate"].iloc[0]), abs=1e-4)
    status = _read(published, "status.json")
    assert status["dates"][0]["date"] == "2025-11-19" and len(status["dates"]) >= 10
    # only 11-10..12 were published in this home: the other dates' files are missing, which the status says
    assert status["overall"] == "degraded" and not any(d["health"]["problems"] for d in status["dates"])
    warnings = [w for d in status["dates"] for w in d["health"]["warnings"]]
    assert warnings and all(w.startswith("publish.") for w in warnings)
    assert not any(
        w for d in status["dates"] if "2025-11-10" <= d["date"] <= "2025-11-12" for w in d["health"]["warnings"]
    )
    assert status["dates"][0]["phases"]["grading"] == "success"


def test_an_unhealthy_date_is_flagged_and_lists_no_picks(built_home: Path, tmp_path: Path) -> None:
    """11-12: a critical step failed in its latest run; 11-10: an expected output is missing; 11-11 is fine.

    The publish steps a failing run would have skipped (dependency_missing) are re-run on their own,
    as the daemon does, and say so in the files.
    """
    settings = _home(built_home, tmp_path / "home")
    history = RunHistory(settings.run_history_url)
    run_id = history.start_run("run", END, END)
    history.start_step(run_id, "features.player_game", "features", True, END, END)
    history.finish_step(run_id, "features.player_game", Category.ERROR, 0, 0.1, "disk on fire")
    history.finish_run(run_id, Category.ERROR)
    blocked = RunReport(run_id, START, END, [
        StepOutcome(name, "publish", False, Category.DEPENDENCY_MISSING, 0, 0.0, "not run: upstream failed")
        for name in ("publish.tonight", "publish.results", "publish.best_bets", "publish.status")
    ])  # fmt: skip
    with Warehouse(settings.warehouse_path) as wh:
        wh.execute("DELETE FROM features.player_game WHERE game_date = ?", [START])
        rerun = republish(wh, settings, history, blocked, options=INLINE)
    history.close()
    assert rerun is not None and {s.name for s in rerun.steps} == {s.name for s in blocked.steps}
    assert all(s.category is Category.SUCCESS for s in rerun.steps), [(s.name, s.message) for s in rerun.steps]

    for day, cause in (("2025-11-12", "features.player_game: error — disk on fire"),
                       ("2025-11-10", "features.player_game: late")):  # fmt: skip
        tonight = _read(settings, f"tonight/{day}.json")
        assert tonight["health"]["status"] == "unhealthy" and tonight["stale_or_incomplete"] is True
        assert any(p.startswith(cause) for p in tonight["health"]["problems"]) and cause in tonight["reason"]
        assert tonight["picks"] == [] and len(tonight["players"]) > 50  # the slate stays, nothing to bet
        assert tonight["predictions"] and all(
            not p["actionable"] and p["recommendation"] == "PASS" and p["pass_reason"] == WITHHELD
            for p in tonight["predictions"]
        )
        results = _read(settings, f"results/{day}.json")
        assert results["stale_or_incomplete"] and results["predictions"] == [] and results["summary"] == {}
        assert _read(settings, f"best-bets/{day}.json")["bets"] == []
        assert published_health(settings.publish_dir / "v1" / "tonight" / f"{day}.json") == "unhealthy"
    healthy = _read(settings, "tonight/2025-11-11.json")
    assert healthy["health"]["status"] == "ok" and healthy["picks"] and not healthy["stale_or_incomplete"]
    assert published_health(settings.publish_dir / "v1" / "tonight" / "2025-11-11.json") == "ok"
    status = _read(settings, "status.json")
    levels = {d["date"]: d["level"] for d in status["dates"]}
    assert status["overall"] == "broken" and levels["2025-11-12"] == levels["2025-11-10"] == "broken"
    assert levels["2025-11-11"] == "healthy"
    for path in (settings.publish_dir / "v1").rglob("*.json"):
        assert schema.errors(json.loads(path.read_text(encoding="utf-8"))) == [], path


def test_the_schemas_reject_broken_documents(published: Settings) -> None:
    full = _read(published, "tonight/2025-11-12.json")
    actionable = next(p for p in full["predictions"] if p["actionable"])
    passed = next(p for p in full["predictions"] if not p["actionable"])
    tonight = {**full, "players": full["players"][:2], "predictions": [actionable, passed], "picks": full["picks"][:2]}
    full = _read(published, "results/2025-11-12.json")
    results = {**full, "predictions": full["predictions"][:3]}
    assert schema.errors(tonight) == [] and schema.errors(results) == []

    def broken(document: dict[str, Any], change: Any) -> list[str]:
        copied = copy.deepcopy(document)
        change(copied)
        return schema.errors(copied)

    assert broken(tonight, lambda d: d.pop("picks"))  # a required key
    assert broken(tonight, lambda d: d["predictions"][0].update(recommendation="BUY"))  # not OVER/UNDER/PASS
    assert broken(tonight, lambda d: d["picks"][0].update(p_side=1.2))  # not a probability
    assert broken(tonight, lambda d: d.update(extra=1))  # no unknown keys
    assert broken(tonight, lambda d: d["games"][0].update(game_id=22500213))  # an id is a string
    assert broken(results, lambda d: d["predictions"][0].update(outcome="won"))  # not an outcome
    assert broken(results, lambda d: d["summary"]["baseline/player_points"].pop("roi"))
    # unhealthy, but still listing picks: the one thing a published file must never do
    assert broken(tonight, lambda d: d["health"].update(status="unhealthy", problems=["x: error"]))
    # a pick that is not actionable, or a pass without its reason
    assert broken(tonight, lambda d: d["predictions"][0].update(actionable=False))
    assert broken(tonight, lambda d: d["predictions"][1].update(pass_reason=None))
    with pytest.raises(ValueError, match="not a published v1 document"):
        schema.errors({"schema": "something else"})


def test_records_are_plain_json(published: Settings) -> None:
    """No NaN, no numpy scalars, ISO dates: the files load in any JSON reader, not just Python's."""
    assert published.publish_dir is not None
    text = (published.publish_dir / "v1" / "results" / "2025-11-12.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    rows = pd.DataFrame(json.loads(text)["predictions"])
    assert rows["player_tier"].isin(["starter", "rotation", "bench", "unknown"]).all()


def test_a_window_without_predictions_publishes_the_slate_without_picks() -> None:
    """A season without lines has games but no predictions: nothing to withhold, nothing to fail on."""
    import pandas as pd

    from nbaprops.publish.health import withhold

    empty = pd.DataFrame({"game_date": pd.Series([], dtype="datetime64[ns]"), "pass_reason": []})
    unhealthy = empty["game_date"].map(lambda d: True)
    assert withhold(empty, unhealthy).empty
