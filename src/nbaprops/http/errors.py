"""Typed fetch failures: each carries its failure category, the redacted URL and, when the source
answered, the answer itself (so the scrape keeps the payload in the raw store even on failure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nbaprops.pipeline.categories import Category, StepFailure

if TYPE_CHECKING:
    from nbaprops.sources.base import Payload


class FetchError(StepFailure):
    """A request that did not produce a usable answer. The message names the URL (redacted)."""

    default_category = Category.ERROR

    def __init__(
        self,
        message: str,
        url: str,
        *,
        status: int | None = None,
        payload: Payload | None = None,
        attempts: int = 0,
        category: Category | None = None,
    ) -> None:
        super().__init__(category or self.default_category, message)
        self.url = url
        self.status = status
        self.payload = payload
        self.attempts = attempts


class FetchTimeout(FetchError):
    """Connect or read timed out on every attempt."""

    default_category = Category.TIMEOUT


class HttpStatusError(FetchError):
    """The source answered with an error status (after retries for 429/5xx, at once for other 4xx)."""


class CircuitOpenError(FetchError):
    """The host's breaker is open: the request was not sent at all."""


class MissingApiKey(FetchError):
    """The endpoint needs a key that is not configured: nothing was sent."""


class NotRecorded(FetchError):
    """Replay: the folder holds no payload for this request. Not a source failure."""

    default_category = Category.NO_DATA
