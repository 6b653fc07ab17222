"""A circuit breaker per host, on ``pybreaker``, driven by the injected clock.

pybreaker (well kept, the classic Nygard state machine: closed -> open after ``fail_max``
consecutive failures -> half-open after ``reset_timeout`` lets one trial call through -> closed on
success, open again on failure) decides when the cool-down is over by comparing
``datetime.now(UTC)`` with the ``opened_at`` of its state storage. It offers no clock parameter, but
the storage is its documented extension point: ``ClockStorage`` records the opening on our clock
and reports ``opened_at`` so that pybreaker's comparison measures elapsed time on that clock. Tests
and replays therefore never wait five real minutes, and production uses the system clock.

Only failures that say the *host* is unwell count (timeouts, connection errors, 429 and 5xx
answers); a 404 or 401 is the host answering fine and is excluded (it resets the count, as a
success does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pybreaker
import structlog

from nbaprops.http.clock import Clock

log = structlog.get_logger(__name__)

CircuitBreakerError = pybreaker.CircuitBreakerError


class ClockStorage(pybreaker.CircuitMemoryStorage):
    """pybreaker's in-memory state, with the opening time kept on an injected clock."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(pybreaker.STATE_CLOSED)
        self._clock = clock
        self._opened_mono: float | None = None

    @property
    def opened_at(self) -> datetime | None:
        if self._opened_mono is None:
            return None
        return datetime.now(UTC) - timedelta(seconds=self._clock.monotonic() - self._opened_mono)

    @opened_at.setter
    def opened_at(self, value: datetime) -> None:
        self._opened_mono = self._clock.monotonic()

    def seconds_open(self) -> float:
        return 0.0 if self._opened_mono is None else self._clock.monotonic() - self._opened_mono


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: object, new_state: object) -> None:
        old = getattr(old_state, "name", old_state)
        new = getattr(new_state, "name", new_state)
        event = log.warning if new == pybreaker.STATE_OPEN else log.info
        event("circuit breaker state change", host=cb.name, old=old, new=new)


class HostBreakers:
    """The breakers of all hosts, one created on first use of each host."""

    def __init__(self, failures: int, reset_s: float, clock: Clock, excluded: Callable[[BaseException], bool]) -> None:
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self._excluded = excluded
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._lock = threading.Lock()

    def for_host(self, host: str) -> pybreaker.CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(host)
            if breaker is None:
                breaker = self._breakers[host] = pybreaker.CircuitBreaker(
                    fail_max=self.failures,
                    reset_timeout=self.reset_s,
                    exclude=[self._excluded],
                    state_storage=ClockStorage(self._clock),
                    listeners=[_LogStateChanges()],
                    name=host,
                    # The failure that trips the breaker surfaces as itself (a timeout stays a timeout).
                    throw_new_error_on_trip=False,
                )
            return breaker

    def state(self, host: str) -> str:
        """closed / open / half-open."""
        return self.for_host(host).current_state

    def retry_in(self, host: str) -> float:
        """Seconds until an open breaker lets its probe through."""
        storage = self.for_host(host)._state_storage
        assert isinstance(storage, ClockStorage)
        return max(0.0, self.reset_s - storage.seconds_open())
