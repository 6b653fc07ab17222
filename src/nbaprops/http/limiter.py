"""Per-host token buckets: each host gets its own pace, and waiting happens on the injected clock."""

from __future__ import annotations

import threading
from collections.abc import Callable

from nbaprops.http.clock import Clock


class TokenBucket:
    """``rate_per_min`` requests a minute, up to ``capacity`` back to back.

    A caller that finds the bucket empty reserves the next token (the level goes negative) and
    sleeps until it is due, outside the lock: concurrent callers queue in order without spinning.
    """

    def __init__(self, rate_per_min: float, capacity: int, clock: Clock) -> None:
        if rate_per_min <= 0:
            raise ValueError(f"rate must be positive, got {rate_per_min}")
        self.rate_per_s = rate_per_min / 60.0
        self.capacity = float(capacity)
        self._clock = clock
        self._tokens = float(capacity)
        self._updated = clock.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; return the seconds waited."""
        with self._lock:
            now = self._clock.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate_per_s)
            self._updated = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate_per_s
        if wait > 0:
            self._clock.sleep(wait)
        return wait


class HostLimiter:
    """One bucket per host, created on first use with the host's configured rate."""

    def __init__(self, rate_for: Callable[[str], float], burst: int, clock: Clock) -> None:
        self._rate_for = rate_for
        self._burst = burst
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str) -> float:
        """Wait for the host's next slot; return the seconds waited."""
        with self._lock:
            bucket = self._buckets.get(host)
            if bucket is None:
                bucket = self._buckets[host] = TokenBucket(self._rate_for(host), self._burst, self._clock)
        return bucket.acquire()
