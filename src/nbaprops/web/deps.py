"""What every route needs: the app's readers, and the strict date type of paths and queries."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import Request
from pydantic import BeforeValidator, WithJsonSchema

from nbaprops.config import Settings
from nbaprops.web.accuracy import Accuracy, accuracy
from nbaprops.web.pipeline_status import RunsReader
from nbaprops.web.store import NotPublished, PublishedStore

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic alone would also take ``20251119`` or a Unix timestamp as a date."""
    if isinstance(value, date):
        return value
    text = str(value)
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc


IsoDate = Annotated[
    date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date", "example": "2025-11-19"})
]


@dataclass
class WebState:
    """The app's readers, built once per app (``create_app``)."""

    settings: Settings
    store: PublishedStore
    runs: RunsReader
    _accuracy: dict[str, tuple[tuple[str, ...], Accuracy]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def accuracy(self, market: str | None) -> Accuracy:
        """Accuracy over every results file, recomputed only when one of them changed.

        An unknown market is a 404 naming the graded ones; with no results at all, the answer has no markets.
        """
        results = self.store.dated_payloads("results")
        version = tuple(p.etag for _, p in results)
        key = market or ""
        with self._lock:
            cached = self._accuracy.get(key)
        if cached and cached[0] == version:
            return cached[1]
        computed = accuracy([(day, p.data) for day, p in results], market)
        if computed.markets and computed.market not in computed.markets:  # never cached: a made-up name
            raise NotPublished(f"no graded predictions for market {market!r} (markets: {', '.join(computed.markets)})")
        with self._lock:
            self._accuracy[key] = (version, computed)
        return computed


def state(request: Request) -> WebState:
    """The app's readers (a FastAPI dependency)."""
    return request.app.state.web
