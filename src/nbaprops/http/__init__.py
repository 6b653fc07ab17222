"""One resilient HTTP client for every source: rate limits, retries, circuit breaker, redaction, replay.

``HttpClient.fetch(request)`` returns a ``Payload`` or raises a ``FetchError`` carrying the failure
category and the redacted URL; ``ReplayFetcher`` serves the same interface from a raw-store folder,
so a day can be re-run with no network. Both take an injectable ``Clock`` so tests never wait.
"""

from nbaprops.http.client import FetchedPayload, Fetcher, HttpClient
from nbaprops.http.clock import Clock, ManualClock, SystemClock
from nbaprops.http.config import HttpSettings
from nbaprops.http.errors import (
    CircuitOpenError,
    FetchError,
    FetchTimeout,
    HttpStatusError,
    MissingApiKey,
    NotRecorded,
)
from nbaprops.http.redact import Redactor, redact_url
from nbaprops.http.replay import ReplayFetcher

__all__ = [
    "CircuitOpenError",
    "Clock",
    "FetchError",
    "FetchTimeout",
    "FetchedPayload",
    "Fetcher",
    "HttpClient",
    "HttpSettings",
    "HttpStatusError",
    "ManualClock",
    "MissingApiKey",
    "NotRecorded",
    "Redactor",
    "ReplayFetcher",
    "SystemClock",
    "redact_url",
]
