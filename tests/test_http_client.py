"""The resilient HTTP client, through httpx.MockTransport serving recorded payloads: no network, no waiting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
import structlog
from pydantic import SecretStr

from conftest import SAMPLES_DIR, make_settings
from nbaprops.config import Settings
from nbaprops.http import (
    CircuitOpenError,
    FetchTimeout,
    HttpClient,
    HttpSettings,
    HttpStatusError,
    ManualClock,
    MissingApiKey,
)
from nbaprops.pipeline.categories import Category
from nbaprops.sources import bettingpros, odds_api
from nbaprops.sources.base import Request
from nbaprops.sources.scrape import day_values, make_request

pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
SECRET = "sk-live-0ddsKEY-9f8e7d6c"
EVENTS_CAPTURE = SAMPLES_DIR / "oddsa_events_his" / "raw_4c3bc8f6.json"
QUOTA = {"x-requests-remaining": "19950", "x-requests-used": "50", "x-requests-last": "1"}
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def info_logs() -> Iterator[list[dict[str, object]]]:
    """Every log event at INFO and above, as structlog would have written it."""
    from nbaprops.logs import configure

    configure(verbose=True)
    try:
        with structlog.testing.capture_logs() as logs:
            yield logs
    finally:
        configure(verbose=False)


def keyed_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home").model_copy(update={"odds_api_key": SecretStr(SECRET)})


def client(tmp_path: Path, handler: Handler, clock: ManualClock | None = None, **overrides: object) -> HttpClient:
    return HttpClient(
        keyed_settings(tmp_path),
        HttpSettings(_env_file=None),  # type: ignore[call-arg]
        clock=clock or ManualClock(datetime(2024, 1, 25, 4, 0, tzinfo=UTC)),
        transport=httpx.MockTransport(handler),
        **overrides,
    )


def events_request() -> Request:
    endpoint = next(e for e in odds_api.ENDPOINTS if e.name == "events_historical")
    return make_request(endpoint, day_values(datetime(2024, 1, 24).date()), datetime(2024, 1, 24).date())


class Script:
    """Answers in order (the last one repeats), recording every request that reached the 'server'."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def recorded(status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=EVENTS_CAPTURE.read_bytes(), headers={"content-type": "application/json", **(headers or {})}
    )


# ---------------------------------------------------------------------------- success
def test_fetch_returns_the_recorded_payload_with_key_redacted_and_quota_kept(
    tmp_path: Path, info_logs: list[dict[str, object]]
) -> None:
    script = Script(recorded(headers=QUOTA))
    logs = info_logs
    with client(tmp_path, script) as http:
        payload = http.fetch(events_request())
    assert payload.body == EVENTS_CAPTURE.read_bytes()
    assert payload.status == 200 and payload.source == "odds_api" and payload.endpoint == "events_historical"
    # The key really went to the server, and nowhere else.
    assert script.seen[0].url.params["apiKey"] == SECRET
    assert "apiKey=***" in payload.url and SECRET not in payload.url
    assert "apiKey" not in payload.params
    assert payload.params["date"] == "2024-01-24T17:00:00Z"
    assert payload.headers["x-requests-remaining"] == "19950"
    quota = [entry for entry in logs if entry["event"] == "api quota"]
    assert quota and quota[0]["x_requests_remaining"] == "19950" and quota[0]["x_requests_last"] == "1"
    assert SECRET not in repr(logs)


def test_stats_nba_gets_browser_headers_and_its_own_pace(tmp_path: Path) -> None:
    from nbaprops.sources.base import Endpoint, ParseResult

    endpoint = Endpoint("nbacom", "scoreboard", "https://stats.nba.com/stats/scoreboardv2", lambda p: ParseResult())
    script = Script(httpx.Response(200, json={"resultSets": []}))
    clock = ManualClock()
    with client(tmp_path, script, clock=clock) as http:
        for _ in range(3):
            http.fetch(Request(endpoint, endpoint.url, {"GameDate": "2024-01-15"}))
    headers = script.seen[0].headers
    assert headers["referer"] == "https://www.nba.com/" and headers["origin"] == "https://www.nba.com"
    assert headers["x-nba-stats-origin"] == "stats" and headers["x-nba-stats-token"] == "true"
    assert "Mozilla" in headers["user-agent"]
    # 30 requests a minute: the second and third request each waited two seconds for their slot.
    assert clock.sleeps == pytest.approx([2.0, 2.0])


def test_rate_limits_are_configurable_per_host(tmp_path: Path) -> None:
    script = Script(recorded())
    clock = ManualClock()
    with client(tmp_path, script, clock=clock, rate_limits={"api.the-odds-api.com": 6.0}) as http:
        http.fetch(events_request())
        http.fetch(events_request())
    assert clock.sleeps == pytest.approx([10.0])


def test_bettingpros_key_travels_as_a_header_and_never_in_the_url(tmp_path: Path) -> None:
    script = Script(httpx.Response(200, json={"events": []}))
    endpoint = bettingpros.EVENTS
    request = make_request(endpoint, day_values(datetime(2021, 10, 21).date()), datetime(2021, 10, 21).date())
    with client(tmp_path, script, bettingpros_api_key=SecretStr("bp-KEY-123456")) as http:
        payload = http.fetch(request)
    assert script.seen[0].headers["x-api-key"] == "bp-KEY-123456"
    assert "bp-KEY-123456" not in payload.url and "x-api-key" not in payload.url


def test_missing_key_fails_before_anything_is_sent(tmp_path: Path) -> None:
    script = Script(recorded())
    http = HttpClient(
        make_settings(tmp_path),
        HttpSettings(_env_file=None),
        clock=ManualClock(),
        transport=httpx.MockTransport(script),
    )  # type: ignore[call-arg]
    with pytest.raises(MissingApiKey) as caught:
        http.fetch(events_request())
    assert caught.value.category is Category.ERROR
    assert "NBAPROPS_ODDS_API_KEY" in caught.value.message and "apiKey=***" in caught.value.url
    assert script.seen == []


# ---------------------------------------------------------------------------- retries
def test_429_waits_what_retry_after_says_then_succeeds(tmp_path: Path) -> None:
    script = Script(httpx.Response(429, headers={"retry-after": "7"}, text="slow down"), recorded())
    clock = ManualClock()
    with client(tmp_path, script, clock=clock) as http:
        payload = http.fetch(events_request())
    assert payload.status == 200 and len(script.seen) == 2
    assert 7.0 in clock.sleeps  # the Retry-After, exactly (the token bucket had a token: no other wait)
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2024, 1, 25, 4, 0, 0, tzinfo=UTC))
    when = format_datetime(datetime(2024, 1, 25, 4, 0, 42, tzinfo=UTC), usegmt=True)
    script = Script(httpx.Response(503, headers={"retry-after": when}), recorded())
    with client(tmp_path, script, clock=clock) as http:
        http.fetch(events_request())
    assert clock.sleeps == [42.0]


def test_a_retry_after_beyond_the_cap_fails_instead_of_hanging(tmp_path: Path) -> None:
    script = Script(httpx.Response(429, headers={"retry-after": "86400"}, text="daily quota"))
    clock = ManualClock()
    with client(tmp_path, script, clock=clock) as http, pytest.raises(HttpStatusError) as caught:
        http.fetch(events_request())
    assert len(script.seen) == 1 and clock.sleeps == []
    assert "Retry-After 86400s exceeds" in caught.value.message and caught.value.status == 429


def test_a_run_of_500s_retries_with_growing_backoff_then_fails_with_the_answer(tmp_path: Path) -> None:
    script = Script(httpx.Response(500, text="<html><title>Internal Server Error</title></html>"))
    clock = ManualClock()
    unpaced = {"api.the-odds-api.com": 6000.0}  # so every sleep below is a backoff, none a rate-limit wait
    http = client(tmp_path, script, clock=clock, max_attempts=4, backoff_initial_s=1.0, rate_limits=unpaced)
    with http, pytest.raises(HttpStatusError) as caught:
        http.fetch(events_request())
    error = caught.value
    assert len(script.seen) == 4
    assert error.category is Category.ERROR and error.status == 500 and error.attempts == 4
    assert "HTTP 500 on all 4 attempts" in error.message and "odds_api.events_historical" in error.message
    assert error.payload is not None and b"Internal Server Error" in error.payload.body  # kept for the store
    # Exponential backoff with jitter: 1, 2, 4 seconds plus up to 1 second each.
    assert [int(s) for s in clock.sleeps] == [1, 2, 4]
    assert all(0 <= s - int(s) < 1.0 for s in clock.sleeps)
    assert SECRET not in error.message and SECRET not in error.url


@pytest.mark.parametrize("timeout", [httpx.ReadTimeout, httpx.ConnectTimeout])
def test_timeouts_end_as_timeout_with_the_redacted_url(
    tmp_path: Path, info_logs: list[dict[str, object]], timeout: type[httpx.TimeoutException]
) -> None:
    script = Script(timeout("The operation timed out"))
    logs = info_logs
    with client(tmp_path, script, max_attempts=3) as http, pytest.raises(FetchTimeout) as caught:
        http.fetch(events_request())
    assert len(script.seen) == 3
    assert caught.value.category is Category.TIMEOUT
    assert f"{timeout.__name__} after 3 attempts" in caught.value.message and "apiKey=***" in caught.value.message
    assert [e["event"] for e in logs].count("retrying") == 2
    assert SECRET not in repr(logs) and SECRET not in str(caught.value)


def test_other_4xx_are_not_retried_and_keep_the_answer(tmp_path: Path) -> None:
    body = (SAMPLES_DIR / "handmade" / "oddsapi" / "oddsa_events_error.json").read_bytes()
    script = Script(httpx.Response(401, content=body, headers={"content-type": "application/json"}))
    clock = ManualClock()
    with client(tmp_path, script, clock=clock) as http, pytest.raises(HttpStatusError) as caught:
        http.fetch(events_request())
    assert len(script.seen) == 1 and clock.sleeps == []
    assert caught.value.status == 401 and "Invalid API key" in caught.value.message
    assert caught.value.payload is not None and caught.value.payload.body == body


def test_an_error_body_echoing_the_key_is_redacted_in_the_message(tmp_path: Path) -> None:
    script = Script(httpx.Response(403, text=f"key {SECRET} is not allowed"))
    with client(tmp_path, script) as http, pytest.raises(HttpStatusError) as caught:
        http.fetch(events_request())
    assert "is not allowed" in caught.value.message
    assert SECRET not in caught.value.message and SECRET not in str(caught.value)


# ---------------------------------------------------------------------------- circuit breaker
def test_breaker_opens_after_5_failures_rejects_then_probes_and_closes(tmp_path: Path) -> None:
    script = Script(*([httpx.Response(502)] * 5), recorded())
    clock = ManualClock()
    with client(tmp_path, script, clock=clock, max_attempts=1) as http:
        for _ in range(5):
            with pytest.raises(HttpStatusError):
                http.fetch(events_request())
        assert http.breakers.state("api.the-odds-api.com") == "open"
        sent = len(script.seen)
        clock.advance(299)
        with pytest.raises(CircuitOpenError) as caught:  # cool-down: rejected without sending
            http.fetch(events_request())
        assert len(script.seen) == sent
        assert (
            caught.value.category is Category.ERROR and "circuit open for api.the-odds-api.com" in caught.value.message
        )
        clock.advance(1)  # five minutes after opening: one probe goes through, succeeds, closes
        assert http.fetch(events_request()).status == 200
        assert len(script.seen) == sent + 1
        assert http.breakers.state("api.the-odds-api.com") == "closed"


def test_a_failed_probe_reopens_the_breaker(tmp_path: Path) -> None:
    script = Script(httpx.ReadTimeout("timed out"))
    clock = ManualClock()
    with client(tmp_path, script, clock=clock, max_attempts=1) as http:
        for _ in range(5):
            with pytest.raises(FetchTimeout):
                http.fetch(events_request())
        clock.advance(300)
        with pytest.raises(FetchTimeout):  # the probe itself times out...
            http.fetch(events_request())
        assert http.breakers.state("api.the-odds-api.com") == "open"
        with pytest.raises(CircuitOpenError):  # ...so the host is left alone again
            http.fetch(events_request())
        assert len(script.seen) == 6


def test_breaker_is_per_host_and_ignores_client_errors(tmp_path: Path) -> None:
    from nbaprops.sources.base import Endpoint, ParseResult

    other = Endpoint("espn", "scoreboard", "https://site.api.espn.com/apis/scoreboard", lambda p: ParseResult())

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500) if request.url.host == "api.the-odds-api.com" else httpx.Response(404)

    with client(tmp_path, handler, max_attempts=1) as http:
        for _ in range(5):
            with pytest.raises(HttpStatusError):
                http.fetch(events_request())
        for _ in range(6):  # 404s are the host answering: never open its breaker
            with pytest.raises(HttpStatusError) as caught:
                http.fetch(Request(other, other.url, {}))
            assert caught.value.status == 404
        assert http.breakers.state("api.the-odds-api.com") == "open"
        assert http.breakers.state("site.api.espn.com") == "closed"


def test_timeouts_come_from_settings_and_unknown_overrides_are_refused(tmp_path: Path) -> None:
    with client(tmp_path, Script(recorded()), connect_timeout_s=3.0, read_timeout_s=12.0) as http:
        assert (http._client.timeout.connect, http._client.timeout.read) == (3.0, 12.0)
    with pytest.raises(TypeError, match="max_attemps"):
        client(tmp_path, Script(recorded()), max_attemps=3)
