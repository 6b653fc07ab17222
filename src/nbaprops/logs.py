"""Logging: structured (structlog), to stderr, with every configured secret masked.

A secret can reach a log line through an exception message or a URL; the redaction processor
replaces the value of every secret setting wherever it appears in an event, whatever the field.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any

import structlog

MASK = "***"


def _redactor(secrets: Iterable[str]) -> structlog.types.Processor:
    values = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        if not values:
            return event
        for key, value in event.items():
            if isinstance(value, str):
                for secret in values:
                    value = value.replace(secret, MASK)
                event[key] = value
        return event

    return redact


class _CurrentStderr:
    """Writes to whatever sys.stderr is *now* (test runners and CLIs swap it), never a closed stream."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


_CURRENT: dict[str, Any] = {"verbose": False, "secrets": ()}


def current_config() -> dict[str, Any]:
    """The last configuration, so a step's child process logs the same way as its parent."""
    return dict(_CURRENT)


def configure(verbose: bool = False, secrets: Iterable[str] = ()) -> None:
    """Send structured logs to stderr (INFO with --verbose, else WARNING), secrets masked."""
    _CURRENT.update(verbose=verbose, secrets=tuple(secrets))
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redactor(secrets),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
