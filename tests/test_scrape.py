"""Scrape orchestration: live through a mock transport serving recorded payloads, faults, replay, idempotency.

No test reaches a live host: every answer comes from ``httpx.MockTransport`` (recorded captures from
../shared/data/samples, or a scripted fault) or from a replay folder built from those captures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pandas as pd
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from conftest import SAMPLES_DIR
from nbaprops.cli import app
from nbaprops.config import Settings
from nbaprops.http import HttpClient, HttpSettings, ManualClock
from nbaprops.ingest.players import resolve_prop_lines
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.rawstore import RawStore
from nbaprops.sources import odds_api
from nbaprops.sources import scrape as scrape_module
from nbaprops.sources.scrape import ScrapeReport, day_values, load_catalog, make_request, scrape
from nbaprops.warehouse.db import Warehouse

pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
SECRET = "sk-live-0ddsKEY-9f8e7d6c"
BP_SECRET = "bp-KEY-5150-abcdef"
EVENTS_2024 = SAMPLES_DIR / "oddsa_events_his" / "raw_4c3bc8f6.json"
BP_EVENTS = SAMPLES_DIR / "bp_events" / "raw_75470647.json"
HANDMADE = SAMPLES_DIR / "handmade" / "oddsapi"
BP_DAY = date(2021, 10, 21)  # the day of the BettingPros capture
ODDS_PATH = "/v4/historical/sports/basketball_nba/events"
BP_PATH = "/v3/events"
Route = Callable[[httpx.Request], httpx.Response]


def answer(path: Path | bytes, status: int = 200, content_type: str = "application/json") -> Route:
    body = path if isinstance(path, bytes) else path.read_bytes()
    quota = {"x-requests-remaining": "480", "x-requests-used": "20", "x-requests-last": "1"}
    return lambda _: httpx.Response(status, content=body, headers={"content-type": content_type, **quota})


class Server:
    """Routes by URL path; a path without a route answers 404, as a server without that page would."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        route = self.routes.get(request.url.path)
        return route(request) if route else httpx.Response(404, json={"message": "no recording for this path"})


def live_client(server: Server, clock: ManualClock | None = None) -> HttpClient:
    settings = Settings(home=Path("unused"), odds_api_key=SecretStr(SECRET), _env_file=None)  # type: ignore[call-arg]
    return HttpClient(
        settings,
        HttpSettings(_env_file=None, bettingpros_api_key=SecretStr(BP_SECRET)),  # type: ignore[call-arg]
        clock=clock or ManualClock(datetime(2025, 8, 12, tzinfo=UTC)),
        transport=httpx.MockTransport(server),
    )


def steps(report: ScrapeReport) -> dict[str, tuple[Category, str]]:
    return {s.step: (s.category, s.message) for s in report.steps}


def step_of(report: ScrapeReport, prefix: str) -> tuple[Category, str]:
    found = [v for k, v in steps(report).items() if k.startswith(prefix)]
    assert len(found) == 1, f"{prefix}: {sorted(steps(report))}"
    return found[0]


def run_day(
    wh: Warehouse, settings: Settings, history: RunHistory, server: Server, clock: ManualClock | None = None
) -> ScrapeReport:
    """The day of the BettingPros capture, Odds API events and BettingPros events only."""
    with live_client(server, clock) as http:
        return scrape(
            wh, settings, history, BP_DAY, sources=["odds_api.events_historical", "bettingpros.events"], fetcher=http
        )


def assert_the_rest_went_on(wh: Warehouse, report: ScrapeReport) -> None:
    category, message = step_of(report, "scrape:bettingpros.events")
    assert category is Category.SUCCESS and "raw.bp_events: 3 new" in message
    assert wh.count("raw.bp_events") == 3


def manifest(wh: Warehouse, endpoint: str) -> pd.DataFrame:
    return wh.df("SELECT * FROM raw.payloads WHERE endpoint = ? ORDER BY fetched_utc", [endpoint])


# ---------------------------------------------------------------------------- the happy path, live
def test_live_scrape_through_recorded_payloads(wh: Warehouse, settings: Settings, history: RunHistory) -> None:
    server = Server({ODDS_PATH: answer(EVENTS_2024), BP_PATH: answer(BP_EVENTS)})
    report = run_day(wh, settings, history, server)
    category, message = step_of(report, "scrape:odds_api.events_historical")
    assert category is Category.SUCCESS and message == "raw.odds_events: 10 new, 0 updated, 0 unchanged"
    assert_the_rest_went_on(wh, report)
    assert step_of(report, "scrape:bettingpros:finish")[0] is Category.NO_DATA  # no offers were asked for
    assert report.category is Category.NO_DATA
    # The run is on record with one step per request.
    recorded = {s["step"]: s["category"] for s in history.steps(report.run_id)}
    assert recorded == {s.step: s.category.value for s in report.steps}
    # Rows carry the payload they came from; the payload is in the store and the manifest.
    row = manifest(wh, "events_historical").iloc[0]
    assert row["category"] == "success" and row["status"] == 200
    assert set(wh.df("SELECT payload_sha256 FROM raw.odds_events")["payload_sha256"]) == {row["sha256"]}
    assert RawStore(settings.raw_store_url).read(row["path"]) == EVENTS_2024.read_bytes()
    # Keys went out as the sources want them, and were kept nowhere.
    odds, bp = server.seen[0], server.seen[1]
    assert odds.url.params["apiKey"] == SECRET and bp.headers["x-api-key"] == BP_SECRET
    assert SECRET not in wh.df("SELECT * FROM raw.payloads").to_json(date_format="iso")
    assert all(SECRET not in str(p) and BP_SECRET not in str(p) for p in Path(settings.raw_store_url).rglob("*"))


def test_scraping_the_same_answers_twice_changes_nothing(
    wh: Warehouse, settings: Settings, history: RunHistory
) -> None:
    server = Server({ODDS_PATH: answer(EVENTS_2024), BP_PATH: answer(BP_EVENTS)})
    run_day(wh, settings, history, server)
    before = {t: wh.df(f"SELECT * FROM {t} ORDER BY ALL") for t in ("raw.odds_events", "raw.bp_events")}
    again = run_day(wh, settings, history, server)
    assert "0 new, 0 updated, 10 unchanged" in step_of(again, "scrape:odds_api.events_historical")[1]
    for table, frame in before.items():
        pd.testing.assert_frame_equal(wh.df(f"SELECT * FROM {table} ORDER BY ALL"), frame)
    assert wh.df("SELECT times_seen FROM raw.payloads")["times_seen"].tolist() == [2, 2]


# ---------------------------------------------------------------------------- faults
def test_429_with_retry_after_is_waited_out(wh: Warehouse, settings: Settings, history: RunHistory) -> None:
    answers = [httpx.Response(429, headers={"retry-after": "9"}, text="Too many requests")]
    recorded = answer(EVENTS_2024)
    server = Server({ODDS_PATH: lambda r: answers.pop() if answers else recorded(r), BP_PATH: answer(BP_EVENTS)})
    clock = ManualClock()
    report = run_day(wh, settings, history, server, clock)
    assert step_of(report, "scrape:odds_api.events_historical")[0] is Category.SUCCESS
    assert 9.0 in clock.sleeps
    assert wh.count("raw.odds_events") == 10
    assert_the_rest_went_on(wh, report)


def test_a_run_of_500s_is_an_error_the_answer_kept_and_the_breaker_spares_the_host(
    wh: Warehouse, settings: Settings, history: RunHistory
) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head></html>"
    server = Server({ODDS_PATH: answer(page, 502, "text/html"), BP_PATH: answer(BP_EVENTS)})
    with live_client(server) as http:
        report = scrape(
            wh,
            settings,
            history,
            BP_DAY,
            sources=["odds_api.events_historical", "odds_api.game_lines_historical", "bettingpros.events"],
            fetcher=http,
        )
    category, message = step_of(report, "scrape:odds_api.events_historical")
    assert category is Category.ERROR
    assert "HTTP 502 on all 5 attempts" in message and "apiKey=***" in message and "answer kept at" in message
    kept = manifest(wh, "events_historical").iloc[0]
    assert (kept["status"], kept["category"]) == (502, "error") and kept["path"].endswith(".html")
    # Five failures opened the breaker: the next request to the same host is not sent at all.
    category, message = step_of(report, "scrape:odds_api.game_lines_historical")
    assert category is Category.ERROR and "circuit open for api.the-odds-api.com" in message
    assert sum(r.url.host == "api.the-odds-api.com" for r in server.seen) == 5
    assert_the_rest_went_on(wh, report)
    assert report.category is Category.ERROR


def test_read_timeouts_are_a_timeout(wh: Warehouse, settings: Settings, history: RunHistory) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("The read operation timed out", request=request)

    report = run_day(wh, settings, history, Server({ODDS_PATH: hang, BP_PATH: answer(BP_EVENTS)}))
    category, message = step_of(report, "scrape:odds_api.events_historical")
    assert category is Category.TIMEOUT and "ReadTimeout after 5 attempts" in message
    assert "odds_api.events_historical" in message and SECRET not in message
    assert manifest(wh, "events_historical").empty  # nothing came back, nothing to keep
    assert_the_rest_went_on(wh, report)
    assert report.category is Category.TIMEOUT


@pytest.mark.parametrize(
    ("make", "content_type", "expected"),
    [
        pytest.param(
            lambda: EVENTS_2024.read_bytes()[:1500], "application/json", "truncated JSON", id="truncated-json"
        ),
        pytest.param(
            lambda: b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>",
            "text/html",
            "expected JSON, got an HTML page ('Just a moment...')",
            id="html-error-page",
        ),
        pytest.param(
            lambda: EVENTS_2024.read_bytes().replace(b'"commence_time"', b'"start_time"'),
            "application/json",
            "field 'commence_time' is missing (fields present: away_team, home_team, id, sport_key, sport_title,"
            " start_time)",
            id="renamed-field",
        ),
    ],
)
def test_answers_that_are_not_what_the_endpoint_promises_fail_validation_and_are_kept(
    wh: Warehouse, settings: Settings, history: RunHistory, make: Callable[[], bytes], content_type: str, expected: str
) -> None:
    body = make()
    server = Server({ODDS_PATH: answer(body, 200, content_type), BP_PATH: answer(BP_EVENTS)})
    report = run_day(wh, settings, history, server)
    category, message = step_of(report, "scrape:odds_api.events_historical")
    assert category is Category.VALIDATION_FAILED
    assert expected in message
    assert message.startswith("odds_api.events_historical https://api.the-odds-api.com/v4/historical/")
    kept = manifest(wh, "events_historical").iloc[0]
    assert kept["category"] == "validation_failed" and expected in kept["message"]
    assert RawStore(settings.raw_store_url).read(kept["path"]) == body  # byte for byte, for a person to look at
    assert wh.count("raw.odds_events") == 0
    assert_the_rest_went_on(wh, report)
    assert report.category is Category.VALIDATION_FAILED


def test_a_provider_that_cannot_be_imported_is_a_failed_step_not_a_crash(
    wh: Warehouse, settings: Settings, history: RunHistory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "nbaprops_broken_provider.py").write_text("import nbaprops_module_that_does_not_exist\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = ("nbaprops_broken_provider", "nbaprops_provider_not_written_yet", "nbaprops.sources.bettingpros")
    monkeypatch.setattr(scrape_module, "PROVIDER_MODULES", modules)
    catalog = load_catalog(modules)
    assert [p.name for p in catalog.providers] == ["bettingpros"]
    assert "nbaprops_module_that_does_not_exist" in catalog.broken["nbaprops_broken_provider"]
    with live_client(Server({BP_PATH: answer(BP_EVENTS)})) as http:
        report = scrape(wh, settings, history, BP_DAY, sources=["bettingpros.events"], fetcher=http)
    assert_the_rest_went_on(wh, report)
    assert "scrape:nbaprops_broken_provider" not in steps(report)  # not selected
    with live_client(Server({BP_PATH: answer(BP_EVENTS)})) as http:
        report = scrape(wh, settings, history, BP_DAY, fetcher=http)
    assert steps(report)["scrape:nbaprops_broken_provider"][0] is Category.ERROR


def test_unknown_sources_are_refused_before_anything_runs(
    wh: Warehouse, settings: Settings, history: RunHistory
) -> None:
    with pytest.raises(ValueError, match="unknown source odds"):
        scrape(wh, settings, history, BP_DAY, sources=["odds"], fetcher=live_client(Server({})))
    assert history.recent_runs() == []


# ---------------------------------------------------------------------------- replay
LIVE_DAY = date(2025, 1, 20)  # the day of the hand-made live Odds API answers (tip-off 2025-01-21 00:30 UTC)
FETCHED = datetime(2025, 1, 20, 18, 0, 5)  # when our fixture says they were fetched (they carry no fetch time)


def replay_folder(root: Path) -> Path:
    """The hand-made live answers (events, and player props of event a1b2...), filed under the requests
    nbaprops makes for 2025-01-20, as a scrape of that day would have left them."""
    store = RawStore(str(root))
    endpoints = {e.name: e for e in odds_api.LIVE}
    for name, keys, body in (
        ("events", {}, HANDMADE / "oddsa_events_raw.json"),
        ("player_props", {"event_id": "a1b2c3d4e5f6g7h8i9j0"}, HANDMADE / "oddsa_player_props_raw.json"),
    ):
        request = make_request(endpoints[name], {**day_values(LIVE_DAY), **keys}, LIVE_DAY)
        store.file(request, body.read_bytes(), FETCHED, headers={"x-requests-remaining": "470"})
    return root


def replay_day(wh: Warehouse, settings: Settings, history: RunHistory, folder: Path) -> ScrapeReport:
    return scrape(wh, settings, history, LIVE_DAY, sources=["odds_api"], replay=str(folder), today=LIVE_DAY)


def test_replay_runs_the_same_pipeline_without_network(
    wh: Warehouse, settings: Settings, history: RunHistory, tmp_path: Path
) -> None:
    folder = replay_folder(tmp_path / "recorded")
    report = replay_day(wh, settings, history, folder)
    by_step = steps(report)
    assert by_step["scrape:odds_api.events"] == (Category.SUCCESS, "raw.odds_events: 3 new, 0 updated, 0 unchanged")
    assert by_step["scrape:odds_api.player_props:plan"][1] == "odds_api.player_props: 3 events to fetch"
    props = by_step["scrape:odds_api.player_props:event_id=a1b2c3d4e5f6g7h8i9j0"]
    assert props[0] is Category.SUCCESS and "raw.prop_lines: 5 new" in props[1]
    # What was never recorded is not a source failure.
    assert by_step["scrape:odds_api.player_props:event_id=k1l2m3n4o5p6q7r8s9t0"][0] is Category.NO_DATA
    assert by_step["scrape:odds_api.game_lines"][0] is Category.NO_DATA
    lines = wh.df("SELECT * FROM raw.prop_lines ORDER BY player_name, market, bookmaker")
    assert len(lines) == 5 and set(lines["snapshot_utc"]) == {pd.Timestamp(FETCHED)}
    assert lines["source_file"].str.startswith("odds_api/player_props/2025-01-20/event_id=a1b2c3d4e5f6g7h8i9j0").all()
    assert lines["payload_sha256"].notna().all()
    # The replayed payloads were kept in this home's raw store too, with their manifest rows.
    assert set(wh.df("SELECT endpoint FROM raw.payloads")["endpoint"]) == {"events", "player_props"}


def test_replaying_twice_leaves_the_same_tables(
    wh: Warehouse, settings: Settings, history: RunHistory, tmp_path: Path
) -> None:
    folder = replay_folder(tmp_path / "recorded")
    replay_day(wh, settings, history, folder)
    queries = {
        "raw.odds_events": "SELECT * FROM raw.odds_events",
        "raw.prop_lines": "SELECT * FROM raw.prop_lines",
        # the manifest counts repeats and says what the last ingest gave; everything else stays
        "raw.payloads": "SELECT * EXCLUDE (last_seen_utc, times_seen, message) FROM raw.payloads",
    }
    before = {table: wh.df(query) for table, query in queries.items()}
    report = replay_day(wh, settings, history, folder)
    props = steps(report)["scrape:odds_api.player_props:event_id=a1b2c3d4e5f6g7h8i9j0"]
    assert "0 new, 0 updated, 5 unchanged" in props[1]
    for table, query in queries.items():
        pd.testing.assert_frame_equal(wh.df(query), before[table])


def test_replayed_lines_resolve_through_the_player_registry(demo_copy: Settings, tmp_path: Path) -> None:
    folder = replay_folder(tmp_path / "recorded")
    with Warehouse(demo_copy.warehouse_path) as wh:
        history = RunHistory(demo_copy.run_history_path)
        before = wh.count("raw.prop_lines")
        replay_day(wh, demo_copy, history, folder)
        history.close()
        assert wh.count("raw.prop_lines") == before + 5
        resolve_prop_lines(wh)
        ids = wh.df(
            "SELECT DISTINCT player_name, player_id FROM raw.prop_lines WHERE event_id = 'a1b2c3d4e5f6g7h8i9j0'"
            " ORDER BY player_name"
        )
    assert ids.values.tolist() == [["Anthony Davis", 203076], ["LeBron James", 2544]]


def test_cli_scrape_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = replay_folder(tmp_path / "recorded")
    monkeypatch.setenv("NBAPROPS_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(
        app, ["scrape", "--date", "2025-01-20", "--source", "odds_api.events", "--replay", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert "scrape:odds_api.events" in result.output and "success" in result.output
    bad = CliRunner().invoke(app, ["scrape", "--date", "2025-01-20", "--source", "nope", "--replay", str(folder)])
    assert bad.exit_code == 2 and "unknown source nope" in bad.output
    with Warehouse(str(tmp_path / "home" / "warehouse.duckdb")) as wh:
        assert wh.count("raw.odds_events") == 3
        assert json.loads(wh.scalar("SELECT response_headers FROM raw.payloads")) == {"x-requests-remaining": "470"}
