"""The read-only API over real published files (the demo window, backtested and published).

Every answer is checked for what a client relies on: real content, clear 422/404/503 messages
(never a traceback), pagination bounds and links, ETag/304 and Cache-Control, the OpenAPI schema.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import make_settings
from nbaprops.web.app import create_app
from nbaprops.web.caching import LONG, MEDIUM, SHORT, max_age_for
from nbaprops.web.store import PublishedStore

FIRST, LAST = date(2025, 10, 21), date(2025, 11, 19)
JOKIC = 203999


@pytest.fixture(scope="module")
def client(published_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(published_home))) as test_client:
        yield test_client


@pytest.fixture
def scratch(published_home: Path, tmp_path: Path) -> Path:
    """A home with a private copy of the published files (and run history), for tests that break them."""
    home = tmp_path / "home"
    shutil.copytree(published_home / "publish", home / "publish")
    shutil.copy(published_home / "runs.sqlite", home / "runs.sqlite")
    return home


def _v1(home: Path) -> Path:
    return home / "publish" / "v1"


# ---------------------------------------------------------------------------- content
def test_dates_are_the_published_files(client: TestClient, published_home: Path) -> None:
    body = client.get("/api/v1/dates").json()
    assert body["dates"]["results"] == [(FIRST + timedelta(days=i)).isoformat() for i in range((LAST - FIRST).days + 1)]
    for kind, days in body["dates"].items():
        on_disk = sorted(p.stem for p in (_v1(published_home) / kind).glob("????-??-??.json"))
        assert days == on_disk, kind
        assert body["latest"][kind] == (days[-1] if days else None)


def test_results_are_served_byte_for_byte(client: TestClient, published_home: Path) -> None:
    response = client.get(f"/api/v1/results/{LAST}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == (_v1(published_home) / "results" / f"{LAST}.json").read_bytes()
    body = response.json()
    assert body["schema"] == "nbaprops.results.v1" and body["date"] == LAST.isoformat()
    assert body["summary"]["baseline/player_points"]["graded"] > 50
    assert "Nikola Jokić" in {row["player"] for row in body["predictions"]}


def test_every_published_kind_answers_200_or_a_clear_404(client: TestClient) -> None:
    """Whatever the publishers wrote is served; a kind with no file yet says so."""
    dates = client.get("/api/v1/dates").json()["dates"]
    for kind, days in dates.items():
        if days:
            response = client.get(f"/api/v1/{kind}/{days[-1]}")
            assert response.status_code == 200, kind
            assert response.json()["schema"].startswith("nbaprops."), kind
        else:
            response = client.get(f"/api/v1/{kind}/{LAST}")
            assert response.status_code == 404
            assert "none published yet" in response.json()["detail"]
    for path in ("/api/v1/status", "/api/v1/systems/performance"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if response.status_code == 200:
            assert response.json()["schema"].startswith("nbaprops."), path
        else:
            assert "published" in response.json()["detail"]


@pytest.mark.parametrize("kind", ["tonight", "results", "best-bets"])
@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "20251119", "tomorrow", "1700000000"])
def test_a_bad_date_is_422_with_a_clear_message(client: TestClient, kind: str, bad: str) -> None:
    response = client.get(f"/api/v1/{kind}/{bad}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("path parameter 'day': ") and repr(bad) in detail and "date" in detail
    assert response.json()["errors"][0]["loc"] == ["path", "day"]


def test_a_date_without_a_file_is_404_saying_what_exists(client: TestClient) -> None:
    response = client.get("/api/v1/results/2025-12-25")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"no results file for 2025-12-25 (published results dates: {FIRST} .. {LAST}, 30 in all)"
    }


# ---------------------------------------------------------------------------- players
def test_player_search_ignores_accents_and_case(client: TestClient) -> None:
    body = client.get("/api/v1/players", params={"q": "JOKIC"}).json()
    assert body["total"] == 1
    assert body["players"][0]["player_id"] == JOKIC and body["players"][0]["name"] == "Nikola Jokić"
    assert client.get("/api/v1/players", params={"q": "no such player zz"}).json()["total"] == 0


def test_player_pages_paginate_with_links(client: TestClient) -> None:
    first = client.get("/api/v1/players", params={"limit": 100})
    total = first.json()["total"]
    assert total > 300  # every player with a line in the demo window
    assert first.headers["x-total-count"] == str(total)
    assert 'rel="next"' in first.headers["link"] and 'rel="prev"' not in first.headers["link"]
    seen, offset = [], 0
    while offset < total:
        page = client.get("/api/v1/players", params={"limit": 100, "offset": offset}).json()
        assert page["offset"] == offset and len(page["players"]) == min(100, total - offset)
        seen += [p["player_id"] for p in page["players"]]
        offset += 100
    assert len(seen) == len(set(seen)) == total
    last = client.get("/api/v1/players", params={"limit": 100, "offset": offset - 100})
    assert 'rel="next"' not in last.headers["link"] and 'rel="prev"' in last.headers["link"]
    past_the_end = client.get("/api/v1/players", params={"limit": 100, "offset": total + 5})
    assert past_the_end.status_code == 200 and past_the_end.json()["players"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "query parameter 'limit': Input should be greater than or equal to 1"),
        ({"limit": 501}, "query parameter 'limit': Input should be less than or equal to 500"),
        ({"offset": -1}, "query parameter 'offset': Input should be greater than or equal to 0"),
        ({"limit": "ten"}, "query parameter 'limit': Input should be a valid integer"),
    ],
)
def test_pagination_bounds_are_422(client: TestClient, params: dict[str, object], message: str) -> None:
    for path in ("/api/v1/players", "/api/v1/runs"):
        response = client.get(path, params=params)
        assert response.status_code == 422
        assert response.json()["detail"].startswith(message)


def test_a_known_player_has_his_page_or_a_404_naming_him(client: TestClient, published_home: Path) -> None:
    response = client.get(f"/api/v1/players/{JOKIC}")
    if (_v1(published_home) / "players" / f"{JOKIC}.json").exists():
        assert response.status_code == 200 and response.json()["schema"].startswith("nbaprops.")
    else:
        assert response.status_code == 404
        assert response.json()["detail"] == f"player {JOKIC} (Nikola Jokić) has no published page yet"


def test_an_unknown_player_is_404_and_a_bad_id_422(client: TestClient) -> None:
    response = client.get("/api/v1/players/1")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("no player 1: not in the published player index")
    assert client.get("/api/v1/players/jokic").status_code == 422
    assert client.get("/api/v1/players/0").status_code == 422


# ---------------------------------------------------------------------------- caching
def test_etag_and_if_none_match(client: TestClient) -> None:
    for path in (f"/api/v1/results/{LAST}", "/api/v1/players?q=jokic", "/api/v1/runs", "/api/v1/accuracy"):
        first = client.get(path)
        etag = first.headers["etag"]
        assert etag.startswith('"') and first.status_code == 200
        assert client.get(path).headers["etag"] == etag, "same data, same ETag"
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag, path
        assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_republished_file_gets_a_new_etag(scratch: Path) -> None:
    path = _v1(scratch) / "results" / f"{LAST}.json"
    with TestClient(create_app(make_settings(scratch))) as client:
        before = client.get(f"/api/v1/results/{LAST}").headers["etag"]
        data = json.loads(path.read_text())
        data["generated_utc"] = "2030-01-01T00:00:00"
        path.write_text(json.dumps(data))
        response = client.get(f"/api/v1/results/{LAST}", headers={"If-None-Match": before})
        assert response.status_code == 200 and response.headers["etag"] != before
        assert response.json()["generated_utc"] == "2030-01-01T00:00:00"


def test_cache_control_by_kind(client: TestClient) -> None:
    assert client.get(f"/api/v1/results/{LAST}").headers["cache-control"] == f"public, max-age={LONG}"
    for path in ("/api/v1/dates", "/api/v1/runs", "/api/v1/pipeline", "/api/v1/unresolved"):
        assert client.get(path).headers["cache-control"] == f"public, max-age={SHORT}", path
    assert client.get("/api/v1/accuracy").headers["cache-control"] == f"public, max-age={MEDIUM}"
    assert "last-modified" in client.get(f"/api/v1/results/{LAST}").headers
    today = date(2025, 11, 20)
    assert max_age_for(today, today) == max_age_for(today - timedelta(days=2), today) == MEDIUM
    assert max_age_for(today - timedelta(days=3), today) == LONG


# ---------------------------------------------------------------------------- run history, status, accuracy
def test_runs_are_paginated_newest_first_with_their_steps(client: TestClient) -> None:
    body = client.get("/api/v1/runs").json()
    commands = [r["command"] for r in body["runs"]]
    assert body["total"] == len(commands) >= 3 and commands[0] == "publish" and commands[-1] == "import-history"
    assert "backtest" in commands
    one = client.get("/api/v1/runs", params={"limit": 1, "offset": 1})
    assert [r["run_id"] for r in one.json()["runs"]] == [body["runs"][1]["run_id"]]
    assert 'rel="next"' in one.headers["link"] and 'rel="prev"' in one.headers["link"]
    publish_run = body["runs"][0]["run_id"]
    steps = client.get(f"/api/v1/runs/{publish_run[:17]}").json()  # a unique prefix is enough
    assert steps["run_id"] == publish_run
    assert "publish.results" in {s["step"] for s in steps["steps"]}
    missing = client.get("/api/v1/runs/20000101T000000")
    assert missing.status_code == 404 and missing.json()["detail"] == "no run '20000101T000000' in the run history"


def test_pipeline_status_per_date_and_phase(client: TestClient) -> None:
    grid = client.get("/api/v1/pipeline", params={"days": 5}).json()
    assert grid["phases"][:7] == ["sources", "ingest", "analytics", "features", "predictions", "grading", "publish"]
    assert [d["date"] for d in grid["dates"]] == [(LAST - timedelta(days=i)).isoformat() for i in range(5)]
    newest = grid["dates"][0]["phases"]
    assert newest["publish"]["category"] == "success" and "publish.results" in newest["publish"]["steps"]
    assert newest["grading"]["category"] == "success"
    assert newest["sources"]["category"] is None  # a backtest scrapes nothing
    earlier = client.get("/api/v1/pipeline", params={"days": 2, "end": "2025-11-01"}).json()
    assert [d["date"] for d in earlier["dates"]] == ["2025-11-01", "2025-10-31"]
    assert client.get("/api/v1/pipeline", params={"days": 91}).status_code == 422


def test_accuracy_equals_the_backtest(client: TestClient, published_home: Path) -> None:
    """Recomputed from the results files, the totals are the backtest's own numbers."""
    backtest = json.loads(next((_v1(published_home) / "backtests").glob("baseline_player_points_*.json")).read_text())
    body = client.get("/api/v1/accuracy").json()
    assert body["market"] == "player_points"
    totals = body["totals"]["baseline"]
    for key in ("graded", "voids", "picks", "wins", "losses", "pushes", "hit_rate", "model_mae", "market_mae", "roi"):
        assert totals[key] == backtest[key], key
    daily = body["daily"]["baseline"]
    assert len(daily) == 30 and daily[-1]["cumulative_hit_rate"] == backtest["hit_rate"]
    bins = body["calibration"]["baseline"]
    assert all(0 <= b["low"] <= b["mean_p_over"] <= b["high"] <= 1 for b in bins)
    assert sum(b["n"] for b in bins) <= backtest["graded"]
    unknown = client.get("/api/v1/accuracy", params={"market": "player_steals"})
    assert unknown.status_code == 404 and "player_points" in unknown.json()["detail"]


def test_unresolved_queue_is_published(client: TestClient) -> None:
    body = client.get("/api/v1/unresolved").json()
    assert body["schema"] == "nbaprops.unresolved.v1"
    assert body["count"] == len(body["players"]) == 0  # the demo resolves every name (README)


# ---------------------------------------------------------------------------- docs, metrics
def test_openapi_lists_every_route_and_docs_need_no_cdn(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/v1/dates", "/api/v1/tonight/{day}", "/api/v1/results/{day}", "/api/v1/best-bets/{day}",
        "/api/v1/players", "/api/v1/players/{player_id}", "/api/v1/systems/performance", "/api/v1/status",
        "/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/unresolved", "/api/v1/accuracy", "/api/v1/pipeline",
    } <= paths  # fmt: skip
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert 'nbaprops_runs_total{category="success",command="backtest",status="finished"} 1.0' in response.text


# ---------------------------------------------------------------------------- failures: clear, never a traceback
def test_an_unreadable_file_is_503_naming_it(scratch: Path) -> None:
    (_v1(scratch) / "results" / f"{LAST}.json").write_text('{"schema": "nbaprops.results.v1", "predictions": [')
    (_v1(scratch) / "results" / "2025-11-18.json").write_text("[1, 2, 3]")
    with TestClient(create_app(make_settings(scratch))) as client:
        broken = client.get(f"/api/v1/results/{LAST}")
        assert broken.status_code == 503 and broken.headers["retry-after"] == "60"
        detail = broken.json()["detail"]
        assert detail.startswith(f"the published file results/{LAST}.json is not valid JSON (")
        assert "publish again to repair it" in detail and "Traceback" not in broken.text
        not_an_object = client.get("/api/v1/results/2025-11-18")
        assert not_an_object.status_code == 503
        assert (
            not_an_object.json()["detail"]
            == "the published file results/2025-11-18.json holds a JSON list, not an object"
        )
        assert client.get("/api/v1/results/2025-11-17").status_code == 200  # the others are still served
        assert len(client.get("/api/v1/accuracy").json()["daily"]["baseline"]) == 28  # computed without them
        page = client.get(f"/tonight?date={LAST}")
        assert page.status_code == 503 and "is not valid JSON" in page.text and "<html" in page.text


def test_an_unexpected_error_is_a_clean_500(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: PublishedStore, kind: str) -> list[date]:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(PublishedStore, "dates", explode)
    with TestClient(create_app(make_settings(scratch)), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/dates")
        assert response.status_code == 500
        assert response.json()["detail"].startswith("internal error (reference ")
        assert "secret" not in response.text and "Traceback" not in response.text
        page = client.get("/")
        assert page.status_code == 500 and "internal error (reference " in page.text and "secret" not in page.text


def test_an_empty_home_is_served_without_creating_anything(tmp_path: Path) -> None:
    home = tmp_path / "empty"
    with TestClient(create_app(make_settings(home))) as client:
        assert client.get("/api/v1/dates").json()["dates"] == {"tonight": [], "results": [], "best-bets": []}
        assert client.get("/api/v1/runs").json() == {"total": 0, "limit": 50, "offset": 0, "runs": []}
        assert client.get("/api/v1/players").json()["total"] == 0
        assert client.get("/api/v1/accuracy").status_code == 404
        unresolved = client.get("/api/v1/unresolved")
        assert unresolved.status_code == 404 and "not published" in unresolved.json()["detail"]
        assert "no run history yet" in client.get("/").text
        assert client.get("/tonight").status_code == 404
        assert "not published" in client.get("/unresolved").text
        assert "no results published yet" in client.get("/accuracy").text
    assert not home.exists(), "a read-only server creates no files"
