"""The live fetcher: httpx for transport, tenacity for retries, pybreaker per host, token buckets.

One attempt = wait for the host's rate-limit slot, then send through the host's breaker. Attempts
are retried with exponential backoff and jitter on 429, 5xx, timeouts and connection errors,
waiting exactly what ``Retry-After`` says when the source says it (seconds or an HTTP date); other
4xx answers are final at once. Every outcome is either a ``Payload`` or a ``FetchError`` with its
category; URLs in payloads, logs and errors are redacted.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
import structlog
from pydantic import SecretStr
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from nbaprops.config import Settings
from nbaprops.http.breaker import CircuitBreakerError, HostBreakers
from nbaprops.http.clock import Clock, SystemClock
from nbaprops.http.config import HttpSettings
from nbaprops.http.errors import CircuitOpenError, FetchError, FetchTimeout, HttpStatusError, MissingApiKey
from nbaprops.http.headers import QUOTA_HEADERS, headers_for, kept
from nbaprops.http.limiter import HostLimiter
from nbaprops.http.redact import MASK, Redactor
from nbaprops.sources.base import Endpoint, Payload, Request

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class FetchedPayload(Payload):
    """A payload plus the response headers worth keeping (content type, quota, Retry-After)."""

    headers: Mapping[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    """Anything that turns a Request into a Payload: the live client, a replay folder."""

    def fetch(self, request: Request) -> Payload: ...


# ---------------------------------------------------------------------------- keys and URLs
def key_location(endpoint: Endpoint) -> tuple[str, str] | None:
    """Where the endpoint's API key goes: ("header", name) or ("query", name).

    ``api_key_param`` may say ``header:NAME`` explicitly; ``Authorization`` and ``x-...`` names are
    headers too; anything else is a query parameter (``apiKey``).
    """
    param = endpoint.api_key_param
    if not param:
        return None
    if param.lower().startswith("header:"):
        return "header", param.split(":", 1)[1]
    if param.lower() == "authorization" or param.lower().startswith("x-"):
        return "header", param
    return "query", param


def request_url(request: Request, key: str | None = MASK) -> httpx.URL:
    """The URL a request is sent to; the key (masked by default) included when it travels in the query."""
    params = dict(request.params)
    location = key_location(request.endpoint)
    if key is not None and location is not None and location[0] == "query" and request.endpoint.api_key_setting:
        params[location[1]] = key
    return httpx.URL(request.url).copy_merge_params(params)


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def error_for_status(
    request: Request, payload: FetchedPayload, attempts: int, redact: Callable[[str], str] = str
) -> FetchError:
    """The error a non-2xx answer becomes, live or replayed: category error, payload attached.

    The message quotes the start of the answer (sources explain themselves there), redacted: an
    error page may echo the key back.
    """
    excerpt = payload.body[:200].decode("utf-8", "replace").strip()
    retried = f" on all {attempts} attempts" if attempts > 1 else ""
    message = f"{request.endpoint.key}: HTTP {payload.status}{retried} from {payload.url}"
    if excerpt:
        message += f" — {excerpt!r}"
    message = redact(message)
    return HttpStatusError(message, payload.url, status=payload.status, payload=payload, attempts=attempts)


# ---------------------------------------------------------------------------- attempt outcomes
class _RetryableStatus(Exception):
    """429 or 5xx: the host is unwell or busy; counted by the breaker, retried."""

    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


class _FinalStatus(Exception):
    """Other 4xx: the host answered fine and said no; not retried, not a breaker failure."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


# ---------------------------------------------------------------------------- the client
class HttpClient:
    """Fetch endpoints politely and survive the ways sources fail.

    ``settings`` supplies API keys (``Endpoint.api_key_setting`` names the attribute); ``http`` the
    client's knobs, any of which can be overridden by keyword (``HttpClient(max_attempts=2)``).
    ``clock`` and ``transport`` are injectable: tests pass a ``ManualClock`` and an
    ``httpx.MockTransport`` serving recorded payloads, so nothing waits and nothing leaves the machine.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        http: HttpSettings | None = None,
        *,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        **overrides: Any,
    ) -> None:
        self.settings = settings
        base = http or HttpSettings()
        unknown = set(overrides) - set(HttpSettings.model_fields)
        if unknown:
            raise TypeError(f"unknown HttpClient settings: {', '.join(sorted(unknown))}")
        self.http = base.model_copy(update=overrides)
        self.clock = clock or SystemClock()
        self.redactor = Redactor(self._secret_values())
        self.limiter = HostLimiter(self.http.rate_for, self.http.burst, self.clock)
        self.breakers = HostBreakers(
            self.http.breaker_failures, self.http.breaker_reset_s, self.clock, lambda exc: isinstance(exc, _FinalStatus)
        )
        timeout = httpx.Timeout(
            connect=self.http.connect_timeout_s,
            read=self.http.read_timeout_s,
            write=self.http.read_timeout_s,
            pool=self.http.connect_timeout_s,
        )
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, transport=transport)

    # ------------------------------------------------------------------ public
    def fetch(self, request: Request) -> FetchedPayload:
        """The endpoint's answer as a Payload, or a FetchError with category, redacted URL and answer."""
        endpoint = request.endpoint
        key = self._api_key(request)
        url = request_url(request, key)
        safe_url = self.redactor.url(str(url))
        headers = headers_for(url.host, endpoint.headers)
        location = key_location(endpoint)
        if key is not None and location is not None and location[0] == "header":
            headers[location[1]] = key
        breaker = self.breakers.for_host(url.host)
        retrying = Retrying(
            stop=stop_after_attempt(self.http.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._retryable),
            sleep=self.clock.sleep,
            before_sleep=lambda state: self._log_retry(state, safe_url),
            reraise=True,
        )
        try:
            response = retrying(self._attempt, breaker, url, headers)
        except (_RetryableStatus, _FinalStatus) as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            payload = self._payload(request, exc.response, safe_url)
            error = error_for_status(request, payload, attempts, self.redactor.text)
            if isinstance(exc, _RetryableStatus) and exc.retry_after and exc.retry_after > self.http.max_retry_after_s:
                error.message += (
                    f" (Retry-After {exc.retry_after:.0f}s exceeds the {self.http.max_retry_after_s:.0f}s cap)"
                )
                error.args = (error.message,)
            log.warning("fetch failed", url=safe_url, status=payload.status, attempts=attempts)
            raise error from None
        except httpx.TimeoutException as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            message = f"{endpoint.key}: {type(exc).__name__} after {attempts} attempts: {safe_url}"
            log.warning("fetch timed out", url=safe_url, attempts=attempts)
            raise FetchTimeout(message, safe_url, attempts=attempts) from None
        except httpx.TransportError as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            reason = self.redactor.text(str(exc)) or type(exc).__name__
            message = f"{endpoint.key}: connection failed after {attempts} attempts ({reason}): {safe_url}"
            log.warning("fetch failed", url=safe_url, reason=reason, attempts=attempts)
            raise FetchError(message, safe_url, attempts=attempts) from None
        except CircuitBreakerError:
            wait = self.breakers.retry_in(url.host)
            message = (
                f"{endpoint.key}: circuit open for {url.host} after {self.http.breaker_failures} consecutive"
                f" failures; not sent, next probe allowed in {wait:.0f}s: {safe_url}"
            )
            log.warning("circuit open", host=url.host, url=safe_url)
            raise CircuitOpenError(message, safe_url) from None
        payload = self._payload(request, response, safe_url)
        self._log_quota(url.host, payload.headers)
        log.info("fetched", url=safe_url, status=payload.status, bytes=len(payload.body))
        return payload

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _secret_values(self) -> list[str]:
        values = []
        for holder in (self.settings, self.http):
            if holder is None:
                continue
            for name in type(holder).model_fields:
                value = getattr(holder, name, None)
                if isinstance(value, SecretStr):
                    values.append(value.get_secret_value())
        return values

    def _api_key(self, request: Request) -> str | None:
        name = request.endpoint.api_key_setting
        if not name:
            return None
        value = None
        for holder in (self.settings, self.http):
            if holder is not None and getattr(holder, name, None) is not None:
                value = getattr(holder, name)
                break
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if not value:
            safe_url = self.redactor.url(str(request_url(request)))
            raise MissingApiKey(
                f"{request.endpoint.key}: no API key configured (set NBAPROPS_{name.upper()}); not sent: {safe_url}",
                safe_url,
            )
        return str(value)

    def _attempt(self, breaker: Any, url: httpx.URL, headers: dict[str, str]) -> httpx.Response:
        self.limiter.acquire(url.host)
        return breaker.call(self._send_once, url, headers)

    def _send_once(self, url: httpx.URL, headers: dict[str, str]) -> httpx.Response:
        response = self._client.get(url, headers=headers)
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock.now())
            raise _RetryableStatus(response, retry_after)
        if status >= 400:
            raise _FinalStatus(response)
        return response

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, _RetryableStatus):
            return exc.retry_after is None or exc.retry_after <= self.http.max_retry_after_s
        return isinstance(exc, httpx.TransportError)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            return exc.retry_after
        backoff = wait_exponential_jitter(
            initial=self.http.backoff_initial_s, max=self.http.backoff_max_s, jitter=self.http.backoff_initial_s
        )
        return float(backoff(state))

    def _log_retry(self, state: RetryCallState, safe_url: str) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "retrying",
            url=safe_url,
            attempt=state.attempt_number,
            reason=self.redactor.text(str(exc) or type(exc).__name__),
            wait_s=round(wait, 3),
        )

    def _payload(self, request: Request, response: httpx.Response, safe_url: str) -> FetchedPayload:
        return FetchedPayload(
            source=request.endpoint.source,
            endpoint=request.endpoint.name,
            body=response.content,
            url=safe_url,
            status=response.status_code,
            fetched_utc=naive_utc(self.clock.now()).replace(microsecond=0),
            params=dict(request.params),
            content_type=response.headers.get("content-type", ""),
            headers=kept(response.headers),
        )

    def _log_quota(self, host: str, headers: Mapping[str, str]) -> None:
        quota = {name: headers[name] for name in QUOTA_HEADERS if name in headers}
        if not quota:
            return
        remaining = quota.get("x-requests-remaining")
        try:
            low = remaining is not None and float(remaining) < self.http.quota_warn_below
        except ValueError:
            low = False
        (log.warning if low else log.info)("api quota", host=host, **{k.replace("-", "_"): v for k, v in quota.items()})
