"""The raw store: predictable paths, a manifest row per payload, no duplicates, any fsspec URL, replay."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import fsspec
import httpx
import pytest
from pydantic import SecretStr

from conftest import SAMPLES_DIR, make_settings
from nbaprops.http import HttpClient, HttpSettings, HttpStatusError, ManualClock, NotRecorded, ReplayFetcher
from nbaprops.pipeline.categories import Category
from nbaprops.rawstore import RawStore, params_slug, request_fields
from nbaprops.sources import odds_api
from nbaprops.sources.base import Request
from nbaprops.sources.scrape import day_values, make_request
from nbaprops.warehouse.db import Warehouse

pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
SECRET = "sk-live-0ddsKEY-9f8e7d6c"
DAY = date(2024, 1, 24)
EVENTS_CAPTURE = SAMPLES_DIR / "oddsa_events_his" / "raw_4c3bc8f6.json"
QUOTA = {"x-requests-remaining": "19940", "x-requests-used": "60", "x-requests-last": "1"}


def request(name: str = "events_historical", **keys: str) -> Request:
    endpoint = next(e for e in odds_api.ENDPOINTS if e.name == name)
    return make_request(endpoint, {**day_values(DAY), **keys}, DAY)


def fetch(tmp_path: Path, req: Request, body: bytes, status: int = 200):
    """A payload exactly as the live client produces it, from a recorded body."""
    settings = make_settings(tmp_path / "home").model_copy(update={"odds_api_key": SecretStr(SECRET)})
    handler = httpx.MockTransport(
        lambda _: httpx.Response(status, content=body, headers={"content-type": "application/json", **QUOTA})
    )
    with HttpClient(settings, HttpSettings(_env_file=None), clock=ManualClock(), transport=handler) as http:  # type: ignore[call-arg]
        return http.fetch(req)


def test_payload_lands_under_a_predictable_path_with_its_manifest_row(wh: Warehouse, tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"), wh)
    req = request()
    payload = fetch(tmp_path, req, EVENTS_CAPTURE.read_bytes())
    stored = store.put(payload, DAY, request_fields(req))
    assert stored.new
    assert stored.path.startswith("odds_api/events_historical/2024-01-24/")
    assert stored.path.endswith(f"-{stored.sha256[:8]}.json")
    assert "date=2024-01-24T17-00-00Z" in stored.path  # the templated parameter names the file
    assert store.read(stored.path) == EVENTS_CAPTURE.read_bytes()  # byte for byte
    row = wh.df("SELECT * FROM raw.payloads").iloc[0]
    assert row["path"] == stored.path and row["sha256"] == stored.sha256
    assert row["status"] == 200 and row["bytes"] == EVENTS_CAPTURE.stat().st_size
    assert row["url"].startswith("https://api.the-odds-api.com/v4/historical/sports/basketball_nba/events?")
    assert "apiKey=***" in row["url"]
    assert json.loads(row["params"])["date"] == "2024-01-24T17:00:00Z"
    assert row["content_type"] == "application/json" and row["fetched_utc"] == payload.fetched_utc
    assert json.loads(row["response_headers"])["x-requests-remaining"] == "19940"
    quota = wh.df("SELECT * FROM raw.odds_api_quota")
    assert quota["requests_remaining"].tolist() == [19940.0] and quota["requests_last"].tolist() == [1.0]


def test_an_identical_payload_is_stored_once(wh: Warehouse, tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"), wh)
    req = request()
    payload = fetch(tmp_path, req, EVENTS_CAPTURE.read_bytes())
    first = store.put(payload, DAY, request_fields(req))
    again = store.put(replace(payload, fetched_utc=datetime(2024, 1, 24, 18, 0)), DAY, request_fields(req))
    assert again == replace(first, new=False)
    files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert len(files) == 2  # the payload and its .meta.json
    assert wh.df("SELECT times_seen FROM raw.payloads")["times_seen"].tolist() == [2]
    # A different answer to the same request is a new file beside it.
    other = fetch(tmp_path, req, (SAMPLES_DIR / "oddsa_events_his" / "raw_aaf97612.json").read_bytes())
    changed = store.put(other, DAY, request_fields(req))
    assert changed.new and changed.path != first.path
    assert changed.path.rsplit("/", 1)[0] == first.path.rsplit("/", 1)[0]
    assert wh.count("raw.payloads") == 2


def test_requests_that_differ_only_in_the_path_get_different_files(wh: Warehouse, tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"), wh)
    body = (SAMPLES_DIR / "handmade" / "oddsapi" / "oddsa_events_empty.json").read_bytes()
    paths = set()
    for event_id in ("f137689983933840bf2f2a91278eb03b", "071ee3e84d6e3ecce12d8c5e4ab4da0b"):
        req = request("player_props_historical", event_id=event_id)
        paths.add(store.put(fetch(tmp_path, req, body), DAY, request_fields(req)).path)
    assert len(paths) == 2 and all("event_id=" in p for p in paths)


def test_any_fsspec_url_works(tmp_path: Path) -> None:
    url = "memory://nbaprops-test/raw"
    store = RawStore(url)  # no warehouse: files only
    req = request()
    stored = store.put(fetch(tmp_path, req, EVENTS_CAPTURE.read_bytes()), DAY, request_fields(req))
    fs = fsspec.filesystem("memory")
    assert fs.cat_file(f"/nbaprops-test/raw/{stored.path}") == EVENTS_CAPTURE.read_bytes()
    replayed = ReplayFetcher(url).fetch(req)
    assert replayed.body == EVENTS_CAPTURE.read_bytes()
    fs.rm("/nbaprops-test", recursive=True)


def test_the_key_is_in_no_path_manifest_or_sidecar(wh: Warehouse, tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"), wh)
    req = request()
    store.put(fetch(tmp_path, req, EVENTS_CAPTURE.read_bytes()), DAY, request_fields(req))
    failed = fetch(tmp_path, req, b'{"message": "Invalid API key"}', status=200)
    store.put(replace(failed, status=401), DAY, request_fields(req))
    for path in (tmp_path / "raw").rglob("*"):
        assert SECRET not in str(path)
        if path.name.endswith(".meta.json"):
            assert SECRET not in path.read_text()
    assert SECRET not in wh.df("SELECT * FROM raw.payloads").to_json(date_format="iso")


def test_replay_serves_what_was_stored_and_errors_as_they_were(wh: Warehouse, tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"), wh)
    ok, bad = request(), request("game_lines_historical")
    live = fetch(tmp_path, ok, EVENTS_CAPTURE.read_bytes())
    store.put(live, DAY, request_fields(ok))
    store.put(replace(fetch(tmp_path, bad, b"<html>Bad Gateway</html>"), status=502), DAY, request_fields(bad))
    replay = ReplayFetcher(str(tmp_path / "raw"))
    assert len(replay) == 2
    replayed = replay.fetch(ok)
    assert replayed.body == live.body and replayed.fetched_utc == live.fetched_utc and replayed.url == live.url
    assert replayed.headers["x-requests-remaining"] == "19940"
    with pytest.raises(HttpStatusError) as caught:
        replay.fetch(bad)
    assert caught.value.status == 502 and caught.value.payload is not None
    with pytest.raises(NotRecorded) as missing:
        replay.fetch(request("player_props_historical", event_id="cd0bc7d0c238f4446ce1c03d0cea7ec4"))
    assert missing.value.category is Category.NO_DATA and "has nothing for" in missing.value.message


def test_long_parameter_lists_make_short_stable_slugs() -> None:
    fields = {"markets": ",".join(odds_api.PLAYER_MARKETS), "event_id": "cd0bc7d0c238f4446ce1c03d0cea7ec4"}
    slug = params_slug(fields)
    assert len(slug) <= 80 and slug == params_slug(dict(reversed(list(fields.items()))))
    assert params_slug({"apiKey": SECRET}) == "all"


def test_a_placeholder_used_twice_in_a_url_names_the_request_once() -> None:
    from nbaprops.rawstore import request_fields
    from nbaprops.sources.base import Endpoint, ParseResult, Request

    endpoint = Endpoint("nbacom", "book", "https://h/{day}/{day}_{game}.pdf", parse=lambda p: ParseResult())
    assert request_fields(Request(endpoint, "https://h/20240115/20240115_MEMCLE.pdf", {})) == {
        "day": "20240115",
        "game": "MEMCLE",
    }
